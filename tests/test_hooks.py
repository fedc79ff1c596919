"""Apps above add to lower apps' pages through named places (core/hooks.py)."""

from django.template import engines
from django.utils.html import format_html

from seminarium.core import hooks


def _render(text: str, **context) -> str:
    return engines["django"].from_string(text).render(context)


def test_contributions_render_in_order_with_their_arguments(monkeypatch):
    monkeypatch.setattr(hooks, "_contributions", hooks.defaultdict(list))

    @hooks.contribute("test.place")
    def first(request, name):
        return format_html("<b>{}</b>", name)

    @hooks.contribute("test.place")
    def second(request, name):
        return ""

    @hooks.contribute("test.place")
    def third(request, name):
        return format_html("<i>{}</i>", name.upper())

    html = _render('{% hook "test.place" name=who %}', who="Ли")
    assert html == "<b>Ли</b><i>ЛИ</i>"


def test_plain_strings_are_escaped_and_unknown_places_are_empty(monkeypatch):
    monkeypatch.setattr(hooks, "_contributions", hooks.defaultdict(list))
    hooks.contribute("test.place")(lambda request, name: name)

    assert _render('{% hook "test.place" name=who %}', who="<script>") == "&lt;script&gt;"
    assert _render('{% hook "nowhere" %}') == ""


def test_registering_twice_adds_once(monkeypatch):
    monkeypatch.setattr(hooks, "_contributions", hooks.defaultdict(list))

    def part(request):
        return "x"

    hooks.contribute("test.place")(part)
    hooks.contribute("test.place")(part)
    assert _render('{% hook "test.place" %}') == "x"
