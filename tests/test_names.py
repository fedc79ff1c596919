"""Name forms are kept as supplied; display picks a form by the reader's language."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seminarium.people.names import CYRILLIC, HAN, LATIN, NameForms, join_name, script_of


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("刘晓红", HAN),
        ("Ахмезакиров", CYRILLIC),
        ("Oʻrinboyev", LATIN),
        ("  Лю", CYRILLIC),
        ("", "Zyyy"),
    ],
)
def test_script_of(text, script):
    assert script_of(text) == script


def test_chinese_names_join_without_spaces_and_others_family_first():
    assert join_name("刘", "晓红") == "刘晓红"
    assert join_name("Ахмезакиров", "Наиль", "Рафисович") == "Ахмезакиров Наиль Рафисович"
    assert join_name("Akhmezakirov", "Naili") == "Akhmezakirov Naili"


LIU = NameForms(native="刘晓红", latin="Liu Xiaohong", russian="Лю Сяохун")
NAILI = NameForms(native="Ахмезакиров Наиль Рафисович", latin="Akhmezakirov Naili")


@pytest.mark.parametrize(
    ("forms", "language", "expected"),
    [
        (LIU, "zh-hans", "刘晓红"),  # native Han for a Chinese reader
        (LIU, "ru", "Лю Сяохун"),  # the Russian form
        (LIU, "en", "Liu Xiaohong"),  # passport Latin
        (LIU, "kk", "Лю Сяохун"),  # Cyrillic readers take the Russian form
        (NAILI, "ru", "Ахмезакиров Наиль Рафисович"),  # native Cyrillic
        (NAILI, "en", "Akhmezakirov Naili"),  # his own spelling, not ICAO "Nail"
        (NAILI, "zh-hans", "Akhmezakirov Naili"),  # no Chinese form: Latin before Cyrillic
    ],
)
def test_display_fallback_order(forms, language, expected):
    assert forms.for_reader(language) == expected


@given(st.text(min_size=1), st.sampled_from(["en", "ru", "zh-hans", "kk", "uz", "tg"]))
def test_display_is_always_one_of_the_supplied_forms(native, language):
    forms = NameForms(native=native)
    assert forms.for_reader(language) == native


def test_name_forms_of_a_records_fields():
    assert NameForms.of("王", "伟", "", "Wang", "Wei") == NameForms(native="王伟", latin="Wang Wei")
    assert NameForms.of("Иванов", "Иван", "Иванович", "Ivanov", "Ivan", russian="x") == NameForms(
        native="Иванов Иван Иванович", latin="Ivanov Ivan", russian="x"
    )
