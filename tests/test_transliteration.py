"""Transliteration suggestions: known answers, and properties over any text."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from seminarium.people.names import CYRILLIC, HAN
from seminarium.people.transliteration import (
    chinese_to_pinyin,
    chinese_to_russian,
    cyrillic_to_latin,
    normalise_uzbek,
    split_chinese_name,
    suggest,
)


def test_palladius_surname_first_and_given_name_as_one_word():
    assert chinese_to_russian("刘", "晓红") == "Лю Сяохун"
    assert chinese_to_russian("杨", "万明") == "Ян Ваньмин"


def test_passport_pinyin():
    assert chinese_to_pinyin("刘", "晓红") == ("Liu", "Xiaohong")
    assert chinese_to_pinyin("杨", "万明") == ("Yang", "Wanming")
    # Passports cannot print ü: 吕 is Lyu.
    assert chinese_to_pinyin("吕", "布") == ("Lyu", "Bu")


def test_a_polyphonic_surname_takes_its_surname_reading():
    # pypinyin alone reads 单 as "dan".
    assert suggest("单", "雄信")["russian_name"].startswith("Шань ")
    assert suggest("单", "雄信")["latin_family_name"] == "Shan"
    assert chinese_to_russian("曾", "国藩") == "Цзэн Гофань"
    assert chinese_to_russian("仇", "英") == "Цю Ин"
    assert chinese_to_pinyin("朴", "槿惠")[0] == "Piao"


def test_compound_surnames_are_one_word_and_split_from_a_whole_name():
    assert split_chinese_name("欧阳修") == ("欧阳", "修")
    assert split_chinese_name("刘晓红") == ("刘", "晓红")
    assert suggest("欧阳修", script=HAN) == {
        "latin_family_name": "Ouyang",
        "latin_given_name": "Xiu",
        "chinese_name": "欧阳修",
        "russian_name": "Оуян Сю",
    }
    assert chinese_to_russian("尉迟", "恭") == "Юйчи Гун"


def test_icao_gives_nail_but_the_persons_own_spelling_is_never_replaced():
    stored = {"latin_family_name": "Akhmezakirov", "latin_given_name": "Naili"}
    suggestions = suggest("Ахмезакиров", "Наиль", "Рафисович", CYRILLIC)
    assert suggestions["latin_family_name"] == "Akhmezakirov"
    assert suggestions["latin_given_name"] == "Nail"
    # A suggestion is returned, not applied: what the person supplied is untouched.
    assert stored["latin_given_name"] == "Naili"
    assert suggestions["russian_name"] == "Ахмезакиров Наиль Рафисович"


def test_kazakh_letters_are_romanised_and_given_in_russian_letters():
    suggestions = suggest("Тоқаев", "Қасым-Жомарт", "Кемелұлы")
    assert suggestions["latin_family_name"] == "Tokaev"
    assert suggestions["latin_given_name"] == "Kasym-Zhomart"
    assert suggestions["russian_name"] == "Токаев Касым-Жомарт Кемелулы"
    assert cyrillic_to_latin("Әлия Нұрланқызы") == "Aliia Nurlankyzy"


def test_tajik_letters():
    assert cyrillic_to_latin("Раҳмон Эмомалӣ") == "Rakhmon Emomali"
    assert cyrillic_to_latin("Ҷӯраев") == "Churaev"


def test_uzbek_apostrophe_variants_become_one_spelling():
    variants = ["O'rinboyev", "O‘rinboyev", "O’rinboyev", "O`rinboyev", "Oʼrinboyev", "Oʻrinboyev"]
    assert {normalise_uzbek(v) for v in variants} == {"O\u02bbrinboyev"}
    assert normalise_uzbek("G'ulomov") == "G\u02bbulomov"
    # An apostrophe after another letter is not the oʻ/gʻ sign.
    assert normalise_uzbek("Ma'rifat") == "Ma'rifat"
    assert suggest("O'rinboyev", "Anvar")["latin_family_name"] == "O\u02bbrinboyev"


def test_nothing_is_suggested_for_an_empty_or_unknown_script():
    assert suggest("", "") == {}
    assert suggest("محمد", "علي") == {}


han = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=6)


@given(han, han)
@settings(deadline=None)  # pypinyin loads its dictionaries on first use
def test_chinese_suggestions_never_contain_tone_digits(family, given_name):
    for value in suggest(family, given_name, script=HAN).values():
        assert not re.search(r"\d", value)


@given(st.text(), st.text(), st.text(), st.sampled_from(["", HAN, CYRILLIC, "Latn", "Zyyy"]))
@settings(deadline=None)
def test_suggest_never_raises_on_any_text(family, given_name, patronymic, script):
    assert isinstance(suggest(family, given_name, patronymic, script), dict)
