"""Choosing which of a person's name forms a reader sees. Pure Python, no Django.

Names are stored exactly as supplied, one form per script, and never rewritten.
Display picks a form by the reader's language, in this order:

- Chinese reader: the Chinese form, then the native form if it is written in Han
  characters, then the Latin passport spelling, then the native form.
- Russian (or Kazakh, Tajik: Cyrillic-reading) reader: the Russian form, then the
  native form if it is Cyrillic, then the Latin passport spelling, then the native form.
- Any other reader: the Latin passport spelling, then the native form if it is
  Latin, then the native form.

Every form is written family name first, as the press releases of the model case do.
"""

import unicodedata
from dataclasses import dataclass

HAN, CYRILLIC, LATIN, OTHER = "Hani", "Cyrl", "Latn", "Zyyy"

_CYRILLIC_READERS = {"ru", "kk", "tg", "ky"}
_CHINESE_READERS = {"zh", "zh-hans", "zh-hant"}


def script_of(text: str) -> str:
    """The script of the first letter in ``text``: Han, Cyrillic, Latin or other."""
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith("CJK"):
            return HAN
        if name.startswith("CYRILLIC"):
            return CYRILLIC
        if name.startswith("LATIN"):
            return LATIN
        return OTHER
    return OTHER


def join_name(family: str, given: str, patronymic: str = "") -> str:
    """Family name first; Chinese names are written without spaces."""
    parts = [p.strip() for p in (family, given, patronymic) if p and p.strip()]
    if parts and all(script_of(p) == HAN for p in parts):
        return "".join(parts)
    return " ".join(parts)


@dataclass(frozen=True)
class NameForms:
    native: str
    latin: str = ""
    chinese: str = ""
    russian: str = ""

    @classmethod
    def of(
        cls,
        family: str,
        given: str,
        patronymic: str,
        latin_family: str,
        latin_given: str,
        chinese: str = "",
        russian: str = "",
    ) -> "NameForms":
        """The forms from the name fields as a person's record keeps them."""
        return cls(
            native=join_name(family, given, patronymic),
            latin=join_name(latin_family, latin_given),
            chinese=chinese,
            russian=russian,
        )

    def for_reader(self, language: str) -> str:
        language = language.lower()
        if language in _CHINESE_READERS or language.startswith("zh"):
            order = [self.chinese, self._native_if(HAN), self.latin]
        elif language.split("-")[0] in _CYRILLIC_READERS:
            order = [self.russian, self._native_if(CYRILLIC), self.latin]
        else:
            order = [self.latin, self._native_if(LATIN)]
        return next((form for form in order if form), self.native)

    def _native_if(self, script: str) -> str:
        return self.native if script_of(self.native) == script else ""
