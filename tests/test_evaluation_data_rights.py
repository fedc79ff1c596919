from datetime import UTC, datetime

import pytest

from seminarium.evaluation import services
from seminarium.evaluation.models import Answer, Receipt, Response
from seminarium.evaluation.services import AnswerInput
from seminarium.people.data_rights import erase_person, export_person
from tests import factories

pytestmark = pytest.mark.django_db

DURING = datetime(2021, 4, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def answered():
    programme = factories.ProgrammeFactory()
    participation = factories.ParticipationFactory(programme=programme)
    named = factories.SurveyFactory(programme=programme, anonymous=False)
    rating = factories.QuestionFactory(survey=named)
    text = factories.QuestionFactory(survey=named, kind="text")
    anonymous = factories.SurveyFactory(programme=programme)
    secret = factories.QuestionFactory(survey=anonymous, kind="text")
    draft_survey = factories.SurveyFactory(programme=programme, anonymous=False)
    draft_question = factories.QuestionFactory(survey=draft_survey, kind="text")
    answers = {rating.pk: AnswerInput(rating=4), text.pk: AnswerInput(text="I am from Almaty")}
    services.save_answers(None, named, participation, None, answers, submit=True, now=DURING)
    services.save_answers(
        None,
        anonymous,
        participation,
        None,
        {secret.pk: AnswerInput(text="anonymous words")},
        submit=True,
        now=DURING,
    )
    services.save_answers(
        None,
        draft_survey,
        participation,
        None,
        {draft_question.pk: AnswerInput(text="half")},
        submit=False,
        now=DURING,
    )
    return participation, named, anonymous


def test_export_lists_named_answers_and_only_the_fact_of_anonymous_ones(answered):
    participation, named, anonymous = answered
    data = export_person(None, participation.person)
    texts = str(data["survey_responses"])
    assert "I am from Almaty" in texts and "half" in texts
    assert "anonymous words" not in str(data)
    assert {r["survey_id"] for r in data["surveys_answered"]} == {named.pk, anonymous.pk}
    other = export_person(None, participation.person, programme_id=factories.ProgrammeFactory().pk)
    assert other["survey_responses"] == [] and other["surveys_answered"] == []


def test_erasure_unlinks_named_answers_and_keeps_the_results(answered):
    participation, _named, _anonymous = answered
    before = services.programme_results(participation.programme)
    erase_person(None, participation.person, "asked to be forgotten")
    assert not Response.objects.filter(participation=participation).exists()
    assert not Answer.objects.filter(text__in=["I am from Almaty", "half"]).exists()
    assert Answer.objects.filter(text="anonymous words").exists()
    assert Receipt.objects.filter(participation=participation).count() == 2
    after = services.programme_results(participation.programme)
    assert (after.overall, after.respondents) == (before.overall, before.respondents)
