"""The demo's evaluation: surveys at every level, answers from the judges, deterministic."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from seminarium.evaluation import demo, services
from seminarium.evaluation.models import Receipt, Response, Survey
from seminarium.people.names import CYRILLIC, HAN, LATIN, script_of
from seminarium.programmes.demo import DEMO_SLUG, load_demo
from seminarium.programmes.models import Participation, Programme, ProgrammeRole
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(django_capture_on_commit_callbacks):
    # The follow-up enqueues its sending task on commit; not wanted here.
    load_demo()
    programme = Programme.objects.get(slug=DEMO_SLUG)
    demo.load_demo(programme)
    return programme


def test_demo_has_every_level_and_the_follow_up_in_february_2022(programme):
    kinds = {s.kind: s for s in programme.surveys.all()}
    assert set(kinds) == set(Survey.Kind.values)
    follow_up = kinds[Survey.Kind.FOLLOW_UP]
    assert (follow_up.send_at.year, follow_up.send_at.month) == (2022, 2)
    assert not kinds[Survey.Kind.QUIZ].anonymous


def test_demo_answers_give_results(programme):
    results = services.programme_results(programme)
    judges = programme.participations.filter(kind=Participation.Kind.PARTICIPANT).count()
    assert results.respondents == judges - 1  # the demo participant has yet to answer
    assert all(n > 0 and 1 <= avg <= 5 for _s, avg, n in results.per_session)
    assert set(results.per_country) == {"KZ", "RU", "TJ", "UZ"}
    assert results.per_lecturer
    assert 0 < results.quiz_average < 100
    scripts = {script_of(text) for text in results.suggestions}
    assert {CYRILLIC, HAN, LATIN} <= scripts
    # Anonymous surveys hold no person on their answers.
    assert not Response.objects.filter(survey__anonymous=True, participation__isnull=False).exists()


def test_demo_participant_is_prompted(programme):
    participant = programme.participations.filter(kind=Participation.Kind.PARTICIPANT).order_by(
        "country_id", "id"
    )[0]
    assert not Receipt.objects.filter(participation=participant).exists()
    pending = services.pending_session_ratings(participant, datetime(2021, 4, 21, 12, tzinfo=UTC))
    assert len(pending) >= 5


def test_demo_is_idempotent_and_deterministic(programme):
    before = services.programme_results(programme)
    demo.load_demo(programme)
    assert Survey.objects.count() == 4
    after = services.programme_results(programme)
    assert (before.overall, before.respondents, before.suggestions) == (
        after.overall,
        after.respondents,
        after.suggestions,
    )


def test_demo_pages_render(programme):
    organiser = ProgrammeRole.objects.get(programme=programme, role="organiser").user
    client = client_for(organiser)
    urls = [
        reverse("evaluation:surveys", args=[programme.pk]),
        reverse("evaluation:results", args=[programme.pk]),
    ]
    for survey in programme.surveys.all():
        urls += [
            reverse("evaluation:survey", args=[programme.pk, survey.pk]),
            reverse("evaluation:survey_results", args=[programme.pk, survey.pk]),
            reverse("evaluation:survey_edit", args=[programme.pk, survey.pk]),
        ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    coordinator = ProgrammeRole.objects.get(programme=programme, role="coordinator").user
    page = client_for(coordinator).get(reverse("evaluation:country", args=[programme.pk]))
    assert page.status_code == 200 and b"<svg" in page.content
