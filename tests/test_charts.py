import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from seminarium.core.charts import bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 -- our own output, the thing under test


def test_chart_is_valid_accessible_svg():
    root = _parse(bar_chart([("Day 1", 4.5), ("Day 2", 3.0)], maximum=5, label="Ratings"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title.text == "Ratings"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert desc.text == "Day 1: 4.5; Day 2: 3"
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(340 * 4.5 / 5)
    assert widths[1] == pytest.approx(340 * 3 / 5)


def test_user_text_is_escaped():
    hostile = '<script>alert("x")</script> & "quotes"'
    markup = bar_chart([(hostile, 1)], label=hostile, value_labels=["<b>1</b>"])
    assert "<script>" not in markup
    assert "<b>" not in markup
    root = _parse(markup)
    assert root.find(f"{SVG}title").text == hostile
    assert hostile + ": <b>1</b>" in root.find(f"{SVG}desc").text


def test_long_labels_are_cut_but_kept_whole_in_title():
    name = "Международное сотрудничество судов ШОС в сфере правосудия"
    root = _parse(bar_chart([(name, 2)], label="x"))
    label = root.find(f".//{SVG}text")
    assert label.text.endswith("…") and len(label.text) == 30
    assert root.find(f"{SVG}g/{SVG}title").text == f"{name}: 2"


def test_wide_characters_count_double_when_cutting():
    name = "中国商事纠纷解决：诉讼、仲裁与调解"  # 17 characters, 34 half-widths
    label = _parse(bar_chart([(name, 2)], label="x")).find(f".//{SVG}text").text
    assert label == name[:14] + "…"
    assert _parse(bar_chart([("智慧法院", 1)], label="x")).find(f".//{SVG}text").text == "智慧法院"


def test_values_are_clamped_and_scaled_to_the_maximum():
    root = _parse(
        bar_chart(
            [("a", 10), ("b", -3), ("c", float("nan")), ("d", 2)], maximum=5, label="x", unit=" %"
        )
    )
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths == [340, 0, 0, pytest.approx(136)]
    assert "d: 2 %" in root.find(f"{SVG}desc").text


def test_empty_chart_and_all_zero_values_are_valid():
    _parse(bar_chart([], label="Nothing yet"))
    root = _parse(bar_chart([("a", 0)], label="zero"))
    assert [r.get("width") for r in root.iter(f"{SVG}rect")] == ["0"]


def test_value_labels_must_match_bars():
    with pytest.raises(ValueError):
        bar_chart([("a", 1)], label="x", value_labels=[])


def test_chart_is_not_escaped_again_in_templates():
    rendered = Template("{{ chart }}").render(Context({"chart": bar_chart([("a<", 1)], label="t")}))
    assert rendered.startswith("<svg") and "a&lt;" in rendered


@given(
    st.lists(st.tuples(st.text(), st.floats(allow_nan=True, allow_infinity=True)), max_size=5),
    st.text(),
)
def test_any_text_and_numbers_give_well_formed_svg(bars, label):
    root = _parse(bar_chart(bars, label=label))
    assert len(list(root.iter(f"{SVG}rect"))) == len(bars)
