from datetime import UTC, datetime

import pytest

from seminarium.evaluation import services
from seminarium.evaluation.models import Survey
from seminarium.evaluation.services import AnswerInput
from tests import factories
from tests.test_api import Caller

pytestmark = pytest.mark.django_db

DURING = datetime(2021, 4, 20, 12, 0, tzinfo=UTC)


def _role(programme, role, country=None):
    return factories.ProgrammeRoleFactory(
        programme=programme,
        role=role,
        country=factories.CountryFactory(code=country) if country else None,
    ).user


@pytest.fixture
def world():
    programme = factories.ProgrammeFactory(slug="a")
    other = factories.ProgrammeFactory(slug="b")
    session = factories.SessionFactory(programme=programme)
    survey = factories.SurveyFactory(programme=programme, kind=Survey.Kind.SESSION_RATING)
    survey.sessions.set([session])
    scale = factories.QuestionFactory(survey=survey)
    end = factories.SurveyFactory(programme=programme)
    text = factories.QuestionFactory(survey=end, kind="text")
    for code, rating in [("KZ", 5), ("KZ", 4), ("KZ", 3), ("RU", 1)]:
        person = factories.ParticipationFactory(
            programme=programme, country=factories.CountryFactory(code=code)
        )
        services.save_answers(
            None,
            survey,
            person,
            session,
            {scale.pk: AnswerInput(rating=rating)},
            submit=True,
            now=DURING,
        )
        services.save_answers(
            None,
            end,
            person,
            None,
            {text.pk: AnswerInput(text=f"idea from {code}")},
            submit=True,
            now=DURING,
        )
    return {
        "organiser": _role(programme, "organiser"),
        "kz": _role(programme, "coordinator", "KZ"),
        "ru": _role(programme, "coordinator", "RU"),
        "other_organiser": _role(other, "organiser"),
        "other_kz": _role(other, "coordinator", "KZ"),
    }


URL = "/programmes/a/evaluation/results"


def test_organisers_see_everything(world):
    body = Caller(world["organiser"]).get(URL).json()
    assert body["respondents"] == 4
    assert body["overall"] == pytest.approx(13 / 4)
    assert [c["country"] for c in body["per_country"]] == ["KZ", "RU"]
    assert sorted(body["suggestions"]) == ["idea from KZ"] * 3 + ["idea from RU"]
    ru = Caller(world["organiser"]).get(URL + "?country=ru").json()
    assert (ru["country"], ru["respondents"], ru["overall"]) == ("RU", 1, 1.0)


def test_coordinators_see_their_own_country_from_three_respondents(world):
    kz = Caller(world["kz"]).get(URL + "?country=RU").json()
    assert kz["country"] == "KZ"
    assert kz["overall"] == pytest.approx(4)
    assert kz["per_session"][0]["average"] == pytest.approx(4)
    assert kz["suggestions"] == []
    ru = Caller(world["ru"]).get(URL).json()
    assert ru["respondents"] == 1
    assert ru["overall"] is None and ru["per_session"][0]["average"] is None


def test_others_get_404(world):
    for who in ("other_organiser", "other_kz"):
        assert Caller(world[who]).get(URL).status_code == 404
    assert Caller(None).get(URL).status_code == 404
    assert Caller(world["organiser"]).get("/programmes/nope/evaluation/results").status_code == 404
