"""The translatable copies of the solver's wording stay in step with the solver."""

from django.utils import translation

from seminarium.timetabling import explain, solver


def test_every_reason_has_the_solvers_english_wording():
    assert set(explain.REASON_TEXTS) == set(solver.REASON_TEXTS)
    with translation.override("en"):
        for code, english in solver.REASON_TEXTS.items():
            assert str(explain.REASON_TEXTS[code]) == english, code
        assert {k: str(v) for k, v in explain.SUMMARIES.items()} == solver.SUMMARIES
        assert set(explain.LEVEL_PHRASES) == set(solver.LEVEL_PHRASES.values())


def test_reason_text_fills_in_parameters_and_falls_back_to_english():
    item = {
        "text": "Unknown ordering rule “x”.",
        "code": "unknown_ordering",
        "params": {"rule": "x"},
    }
    with translation.override("en"):
        assert explain.reason_text(item) == "Unknown ordering rule “x”."
        assert explain.reason_text({"text": "As stored."}) == "As stored."
        assert explain.reason_text({**item, "params": {}}) == item["text"]


def test_progress_phrases():
    with translation.override("en"):
        assert explain.progress_phrase("level 2 of 4: total discomfort") == (
            "Step 2 of 4: total discomfort"
        )
        assert explain.progress_phrase("something new") == "something new"
