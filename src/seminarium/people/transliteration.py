"""Suggested spellings of a name in other scripts. Pure Python, no Django.

Everything here is a *suggestion* shown beside a name form; nothing is ever written
into a person's record without the person (or an organiser) typing or accepting it.
The person's own spelling wins: ICAO turns Наиль into "Nail", but a passport that
says "Naili" is what gets printed.

- Chinese → Russian: the Palladius system, through pypinyin's Cyrillic style with the
  tone digits stripped. Surname first; a given name is one word with only its first
  letter capitalised (刘晓红 → Лю Сяохун).
- Chinese → Latin: Hanyu Pinyin as a passport prints it, without tone marks or
  apostrophes, and ü written "yu" after l and n (吕 → Lyu), as the Chinese passport
  authorities have done since 2012 (passports cannot print ü).
- Surnames: pypinyin reads characters as ordinary words and has no surname mode, so
  characters read differently as surnames (单 is "dan" in a word, "Shan" as a surname)
  and two-character compound surnames (欧阳, 司马, …) come from the tables below.
- Cyrillic → Latin: ICAO Doc 9303 through iuliia, plus the letters of Kazakh, Kyrgyz,
  Tajik and neighbouring alphabets that iuliia's ICAO schema lacks (``_ICAO_EXTRA``).
- Uzbek Latin: oʻ and gʻ are written with U+02BB; people type ' ‘ ’ ` instead, so
  ``normalise_uzbek`` is applied before matching or searching.
"""

import re
import unicodedata

import iuliia
from pypinyin import Style, lazy_pinyin
from pypinyin.style import convert as convert_pinyin

from .names import CYRILLIC, HAN, LATIN, join_name, script_of

# Characters read differently when they are a surname, with the surname reading
# (Xinhua dictionary / 《百家姓》).
_SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "查": "zha",
    "盖": "ge",
    "缪": "miao",
    "翟": "zhai",
    "覃": "qin",
    "召": "shao",
    "薄": "bo",
    "卜": "bu",
    "阚": "kan",
}

# Two-character surnames, written as one word in every script (欧阳修 → Оуян Сю).
# Some have a character with a surname-only reading (尉迟 yuchi, 万俟 moqi, 单于 chanyu).
_COMPOUND_SURNAMES = {
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "诸葛": ("zhu", "ge"),
    "上官": ("shang", "guan"),
    "司徒": ("si", "tu"),
    "司空": ("si", "kong"),
    "尉迟": ("yu", "chi"),
    "长孙": ("zhang", "sun"),
    "东方": ("dong", "fang"),
    "皇甫": ("huang", "fu"),
    "令狐": ("ling", "hu"),
    "慕容": ("mu", "rong"),
    "夏侯": ("xia", "hou"),
    "公孙": ("gong", "sun"),
    "宇文": ("yu", "wen"),
    "澹台": ("tan", "tai"),
    "端木": ("duan", "mu"),
    "西门": ("xi", "men"),
    "南宫": ("nan", "gong"),
    "轩辕": ("xuan", "yuan"),
    "呼延": ("hu", "yan"),
    "万俟": ("mo", "qi"),
    "单于": ("chan", "yu"),
    "独孤": ("du", "gu"),
    "钟离": ("zhong", "li"),
    "闻人": ("wen", "ren"),
    "赫连": ("he", "lian"),
    "淳于": ("chun", "yu"),
    "濮阳": ("pu", "yang"),
    "申屠": ("shen", "tu"),
}

# Letters of other Cyrillic alphabets, romanised as in the national-characters rows of
# ICAO Doc 9303 Part 3, section 6 (Cyrillic table), which iuliia's schema leaves out.
# Kazakh, Kyrgyz and Tajik passports may follow national rules instead (Kazakh ж → J,
# Tajik ҷ → J): the person's own passport spelling always wins.
_ICAO_EXTRA = {
    "ә": "a",  # Kazakh
    "ғ": "g",  # Kazakh, Tajik
    "қ": "k",  # Kazakh, Tajik
    "ң": "n",  # Kazakh, Kyrgyz
    "ө": "o",  # Kazakh, Kyrgyz
    "ұ": "u",  # Kazakh
    "ү": "u",  # Kazakh, Kyrgyz
    "һ": "kh",  # Kazakh
    "і": "i",  # Kazakh, Belarusian, Ukrainian
    "ӣ": "i",  # Tajik
    "ӯ": "u",  # Tajik
    "ҳ": "kh",  # Tajik
    "ҷ": "ch",  # Tajik
    "ї": "i",  # Ukrainian
    "є": "ie",  # Ukrainian
    "ґ": "g",  # Ukrainian
    "ў": "u",  # Belarusian, Uzbek Cyrillic
}
_ICAO_EXTRA_TABLE = str.maketrans(
    {**_ICAO_EXTRA, **{k.upper(): v.capitalize() for k, v in _ICAO_EXTRA.items()}}
)

# The same letters as a Russian document writes them (Қайрат → Кайрат, Нұрсұлтан → Нурсултан).
_RUSSIAN_EQUIVALENTS = {
    "ә": "а",
    "ғ": "г",
    "қ": "к",
    "ң": "н",
    "ө": "о",
    "ұ": "у",
    "ү": "у",
    "һ": "х",
    "і": "и",
    "ӣ": "и",
    "ӯ": "у",
    "ҳ": "х",
    "ҷ": "дж",
}
_RUSSIAN_TABLE = str.maketrans(
    {**_RUSSIAN_EQUIVALENTS, **{k.upper(): v.capitalize() for k, v in _RUSSIAN_EQUIVALENTS.items()}}
)

# What people type for the Uzbek oʻ/gʻ sign: ASCII apostrophe, typographic quotes,
# backtick, acute accent, and the (tutuq belgisi) modifier apostrophe.
_UZBEK_SIGN = "\u02bb"
_UZBEK_SIGN_VARIANTS = re.compile("([OoGg])['\u2018\u2019`\u00b4\u02bc]")


def normalise_uzbek(text: str) -> str:
    """Uzbek oʻ and gʻ written with U+02BB, whatever apostrophe was typed.

    O'rinboyev, O‘rinboyev and O`rinboyev all become Oʻrinboyev.
    """
    return _UZBEK_SIGN_VARIANTS.sub(rf"\1{_UZBEK_SIGN}", unicodedata.normalize("NFC", text))


def cyrillic_to_latin(text: str) -> str:
    """ICAO Doc 9303 romanisation, Central Asian letters included (Ахмезакиров → Akhmezakirov)."""
    return iuliia.ICAO_DOC_9303.translate(text.translate(_ICAO_EXTRA_TABLE))


def cyrillic_to_russian(text: str) -> str:
    """Kazakh, Kyrgyz or Tajik Cyrillic spelled with Russian letters only."""
    return text.translate(_RUSSIAN_TABLE)


# Chinese ---------------------------------------------------------------------


def _is_han(char: str) -> bool:
    return script_of(char) == HAN


def _syllables(text: str) -> list[str]:
    """Toneless pinyin, one item per Han character; any other character kept as it is.

    Han characters are read together so that pypinyin sees words; pypinyin writes ü
    as "v" in this style, which both converters below expect.
    """
    chars = [char for char in text if not char.isspace()]
    han = [char for char in chars if _is_han(char)]
    readings = lazy_pinyin("".join(han), style=Style.NORMAL, errors=lambda chunk: list(chunk))
    if len(readings) != len(han):  # a character pypinyin splits or merges unexpectedly
        readings = [lazy_pinyin(char, style=Style.NORMAL)[0] for char in han]
    by_position = iter(readings)
    return [next(by_position) if _is_han(char) else char for char in chars]


def _surname_syllables(family: str) -> list[str]:
    if family in _COMPOUND_SURNAMES:
        return list(_COMPOUND_SURNAMES[family])
    if family in _SURNAME_READINGS:
        return [_SURNAME_READINGS[family]]
    return _syllables(family)


def split_chinese_name(name: str) -> tuple[str, str]:
    """Surname and given name of a Chinese name written without a space (欧阳修 → 欧阳, 修)."""
    name = "".join(name.split())
    if len(name) > 2 and name[:2] in _COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def _is_pinyin(item: str) -> bool:
    return re.fullmatch(r"[a-zv]+", item) is not None


def _to_palladius(syllable: str) -> str:
    if not _is_pinyin(syllable):
        return syllable
    return re.sub(r"\d", "", convert_pinyin(syllable, Style.CYRILLIC, strict=True))


def _to_passport_pinyin(syllable: str) -> str:
    if not _is_pinyin(syllable):
        return syllable
    return re.sub(r"^([ln])v", r"\1yu", syllable).replace("v", "u")


def _word(syllables: list[str], convert) -> str:
    """Syllables as one word, only its first letter capitalised (Сяохун, Xiaohong)."""
    word = "".join(convert(s) for s in syllables)
    return word[:1].upper() + word[1:]


def chinese_to_russian(family: str, given: str) -> str:
    """Palladius: 刘, 晓红 → Лю Сяохун; 单, 雄信 → Шань Сюнсинь."""
    surname = _word(_surname_syllables(family), _to_palladius)
    return " ".join(part for part in (surname, _word(_syllables(given), _to_palladius)) if part)


def chinese_to_pinyin(family: str, given: str) -> tuple[str, str]:
    """Passport pinyin, surname and given name: 刘, 晓红 → (Liu, Xiaohong)."""
    return (
        _word(_surname_syllables(family), _to_passport_pinyin),
        _word(_syllables(given), _to_passport_pinyin),
    )


# Everything together -----------------------------------------------------------


def suggest(family: str, given: str = "", patronymic: str = "", script: str = "") -> dict[str, str]:
    """Suggested forms, keyed by Person field name, from the native-script name.

    ``script`` is the native script (names.HAN, CYRILLIC or LATIN); detected when empty.
    Only forms that can be derived are returned; compare them with what is stored
    and show the differences — never copy them in.
    """
    family, given, patronymic = family.strip(), given.strip(), patronymic.strip()
    script = script or script_of(family + given)
    if script == HAN:
        if family and not given:
            family, given = split_chinese_name(family)
        latin_family, latin_given = chinese_to_pinyin(family, given)
        suggestions = {
            "latin_family_name": latin_family,
            "latin_given_name": latin_given,
            "chinese_name": join_name(family, given),
            "russian_name": chinese_to_russian(family, given),
        }
    elif script == CYRILLIC:
        suggestions = {
            "latin_family_name": cyrillic_to_latin(family),
            "latin_given_name": cyrillic_to_latin(given),
            "russian_name": cyrillic_to_russian(join_name(family, given, patronymic)),
        }
    elif script == LATIN:
        suggestions = {
            "latin_family_name": normalise_uzbek(family),
            "latin_given_name": normalise_uzbek(given),
        }
    else:
        suggestions = {}
    return {field: value for field, value in suggestions.items() if value}
