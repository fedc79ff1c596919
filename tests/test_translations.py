"""The interface is complete in every language it offers: no string left untranslated."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

import seminarium

LOCALE_DIR = Path(seminarium.__file__).parent / "locale"
CATALOGUES = {"zh-hans": "zh_Hans", "ru": "ru"}


def _key(value):
    """Plural messages carry lists of forms; make them comparable and hashable."""
    return tuple(value) if isinstance(value, list | tuple) else value


def _catalogue(locale: str):
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("locale", CATALOGUES.values())
def test_every_message_is_translated_and_none_is_fuzzy(locale):
    catalogue = _catalogue(locale)
    missing = [
        m.id
        for m in catalogue
        if m.id and (m.fuzzy or not (all(m.string) if m.pluralizable else m.string))
    ]
    assert missing == []


@pytest.mark.parametrize("locale", CATALOGUES.values())
def test_compiled_catalogue_matches_the_source(locale):
    from babel.messages.mofile import read_mo

    with (LOCALE_DIR / locale / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    source = {_key(m.id): _key(m.string) for m in _catalogue(locale) if m.id}
    assert compiled == source, "run `make messages`"


def test_every_interface_language_has_a_catalogue():
    offered = {code for code, _name in settings.LANGUAGES} - {"en"}
    assert offered == set(CATALOGUES)


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed"
)
def test_catalogues_hold_every_string_in_the_code(tmp_path):
    """Extract the strings afresh and compare with what the catalogues hold."""
    copy = tmp_path / "seminarium"
    shutil.copytree(Path(seminarium.__file__).parent, copy, ignore=shutil.ignore_patterns("*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "seminarium",
            "makemessages",
            "-l",
            "ru",
            "--no-obsolete",
            "--ignore",
            "static/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    with (copy / "locale" / "ru" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    held = {m.id for m in _catalogue("ru") if m.id}
    assert sorted(map(str, extracted - held)) == [], "run `make translations` and translate"
