from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from seminarium.evaluation import services
from seminarium.evaluation.models import Receipt, Response, Survey
from seminarium.evaluation.services import AnswerInput
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A programme with its people, and another programme, with one open survey each."""
    now = timezone.now()
    programme = factories.ProgrammeFactory(
        start_date=(now - timedelta(days=3)).date(), end_date=(now + timedelta(days=3)).date()
    )
    other = factories.ProgrammeFactory()
    session = factories.SessionFactory(
        programme=programme, start=now - timedelta(hours=3), end=now - timedelta(hours=1)
    )
    rating = factories.SurveyFactory(
        programme=programme,
        kind=Survey.Kind.SESSION_RATING,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=5),
    )
    rating.sessions.set([session])
    scale = factories.QuestionFactory(survey=rating, kind="scale", required=True)
    comment = factories.QuestionFactory(survey=rating, kind="text", text={"en": "Comment"})
    end = factories.SurveyFactory(
        programme=programme, anonymous=False, opens_at=now - timedelta(days=1), closes_at=None
    )
    end_text = factories.QuestionFactory(survey=end, kind="text")

    def user_with_participation(prog, country, kind="participant"):
        user = factories.UserFactory()
        participation = factories.ParticipationFactory(
            programme=prog,
            person=factories.PersonFactory(user=user, preferred_language="en"),
            country=factories.CountryFactory(code=country),
            kind=kind,
        )
        return user, participation

    participant, participation = user_with_participation(programme, "KZ")
    lecturer, _ = user_with_participation(programme, "CN", kind="lecturer")
    factories.SessionRoleFactory(session=session, person=lecturer.person)
    outsider, _ = user_with_participation(other, "KZ")
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    other_organiser = factories.ProgrammeRoleFactory(programme=other).user
    coordinator_kz = factories.ProgrammeRoleFactory(
        programme=programme, role="coordinator", country=factories.CountryFactory(code="KZ")
    ).user
    coordinator_elsewhere = factories.ProgrammeRoleFactory(
        programme=other, role="coordinator", country=factories.CountryFactory(code="KZ")
    ).user
    other_survey = factories.SurveyFactory(programme=other, opens_at=now - timedelta(days=1))
    return locals()


def test_console_pages_only_for_the_programmes_organisers(world):
    programme, rating = world["programme"], world["rating"]
    urls = [
        reverse("evaluation:surveys", args=[programme.pk]),
        reverse("evaluation:survey_create", args=[programme.pk]),
        reverse("evaluation:survey", args=[programme.pk, rating.pk]),
        reverse("evaluation:survey_edit", args=[programme.pk, rating.pk]),
        reverse("evaluation:question_create", args=[programme.pk, rating.pk]),
        reverse("evaluation:survey_results", args=[programme.pk, rating.pk]),
        reverse("evaluation:survey_export", args=[programme.pk, rating.pk, "csv"]),
        reverse("evaluation:results", args=[programme.pk]),
    ]
    expected = {
        "organiser": 200,
        "other_organiser": 404,
        "coordinator_kz": 403,
        "participant": 403,
        "lecturer": 403,
    }
    for who, status in expected.items():
        client = client_for(world[who])
        for url in urls:
            assert client.get(url).status_code == status, (who, url)
    assert client_for(None).get(urls[0]).status_code == 302
    # A survey of another programme, reached through this programme's pages.
    sneaky = reverse("evaluation:survey", args=[programme.pk, world["other_survey"].pk])
    assert client_for(world["organiser"]).get(sneaky).status_code == 404


def test_organiser_creates_a_survey_in_every_working_language(world):
    programme = world["programme"]
    client = client_for(world["organiser"])
    url = reverse("evaluation:survey_create", args=[programme.pk])
    data = {
        "kind": "programme_end",
        "title_0": "最后",
        "title_1": "Итог",
        "title_2": "",
        "anonymous": "on",
        "opens_at": "2021-04-21T18:00",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "every language" in response.content.decode()
    data["title_2"] = "Final"
    response = client.post(url, data)
    assert response.status_code == 302
    survey = Survey.objects.get(title__contains="Final")
    # Entered in the programme's zone (Shanghai, UTC+8), stored in UTC.
    assert survey.opens_at == datetime(2021, 4, 21, 10, 0, tzinfo=UTC)
    page = client.get(reverse("evaluation:survey", args=[programme.pk, survey.pk]))
    assert "UTC+08:00" in page.content.decode() or "GMT+08:00" in page.content.decode()


def test_organiser_adds_a_quiz_question_with_options(world):
    programme = world["programme"]
    survey = factories.SurveyFactory(programme=programme, kind=Survey.Kind.QUIZ, anonymous=False)
    client = client_for(world["organiser"])
    url = reverse("evaluation:question_create", args=[programme.pk, survey.pk])
    data = {
        "kind": "quiz",
        "text_0": "问",
        "text_1": "Вопрос",
        "text_2": "Question",
        "points": "2",
        "position": "1",
        "options-TOTAL_FORMS": "3",
        "options-INITIAL_FORMS": "0",
        "options-0-text_0": "对",
        "options-0-text_1": "Да",
        "options-0-text_2": "Yes",
        "options-0-correct": "on",
        "options-1-text_0": "错",
        "options-1-text_1": "Нет",
        "options-1-text_2": "No",
    }
    half_translated = {**data, "options-2-text_2": "Maybe"}
    response = client.post(url, half_translated)
    assert response.status_code == 200
    assert "every language" in response.content.decode()
    assert not survey.questions.exists()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    question = survey.questions.get()
    assert [(str(o.text), o.correct) for o in question.options.all()] == [
        ("Yes", True),
        ("No", False),
    ]


def test_participant_saves_a_draft_comes_back_and_submits(world):
    end, question = world["end"], world["end_text"]
    client = client_for(world["participant"])
    url = reverse("evaluation:answer", args=[end.pk])
    assert client.get(url).status_code == 200
    client.post(url, {f"q{question.pk}": "More case studies", "save": ""})
    page = client.get(url).content.decode()
    assert "More case studies" in page
    assert not Receipt.objects.exists()
    client.post(url, {f"q{question.pk}": "More case studies, please", "submit": ""})
    page = client.get(url).content.decode()
    assert "You have answered this survey" in page
    assert "More case studies, please" in page  # named: own answers shown
    assert Response.objects.get(survey=end).is_submitted


def test_who_may_answer(world):
    end = world["end"]
    url = reverse("evaluation:answer", args=[end.pk])
    for who in ("outsider", "lecturer", "organiser", "coordinator_kz"):
        assert client_for(world[who]).get(url).status_code == 404, who
    other_url = reverse("evaluation:answer", args=[world["other_survey"].pk])
    assert client_for(world["participant"]).get(other_url).status_code == 404


def test_closed_survey_page_says_so(world):
    end = world["end"]
    services.close_survey(None, end)
    response = client_for(world["participant"]).get(reverse("evaluation:answer", args=[end.pk]))
    assert response.status_code == 403
    assert "closed" in response.content.decode()


def test_prompt_and_session_rating(world):
    participation, session = world["participation"], world["session"]
    prompt = Template("{% load evaluation %}{% rating_prompt participation %}").render(
        Context({"participation": participation})
    )
    rate_url = reverse("evaluation:rate", args=[session.pk])
    assert rate_url in prompt
    client = client_for(world["participant"])
    assert rate_url in client.get(reverse("evaluation:mine")).content.decode()
    # The portal (programmes) shows the prompt through its hook, without importing evaluation.
    assert rate_url in client.get(reverse("portal")).content.decode()
    scale, comment = world["scale"], world["comment"]
    response = client.post(rate_url, {f"q{scale.pk}": "", "submit": ""})
    assert "Please answer this question" in response.content.decode()
    client.post(rate_url, {f"q{scale.pk}": "4", f"q{comment.pk}": "<b>Good</b>", "submit": ""})
    answered = client.get(rate_url).content.decode()
    assert "cannot be shown to you" in answered
    assert rate_url not in client.get(reverse("evaluation:mine")).content.decode()
    assert Response.objects.get(survey=world["rating"]).participation is None
    # The lecturer sees the comment, escaped, without a name or a country of one.
    feedback = client_for(world["lecturer"]).get(reverse("evaluation:feedback")).content.decode()
    assert "&lt;b&gt;Good&lt;/b&gt;" in feedback
    assert participation.person.display_name("en") not in feedback
    assert "Kazakhstan" not in feedback
    assert "<svg" in feedback
    # Another lecturer sees nothing of it.
    stranger = factories.UserFactory()
    factories.PersonFactory(user=stranger)
    assert "Good" not in client_for(stranger).get(reverse("evaluation:feedback")).content.decode()


def test_exports_leave_out_people_on_anonymous_surveys(world):
    programme, rating, end = world["programme"], world["rating"], world["end"]
    participation = world["participation"]
    services.save_answers(
        None,
        rating,
        participation,
        world["session"],
        {world["scale"].pk: AnswerInput(rating=5), world["comment"].pk: AnswerInput(text="=1+1")},
        submit=True,
    )
    services.save_answers(
        None,
        end,
        participation,
        None,
        {world["end_text"].pk: AnswerInput(text="Names")},
        submit=True,
    )
    client = client_for(world["organiser"])
    name = participation.person.display_name("en")
    anonymous = client.get(
        reverse("evaluation:survey_export", args=[programme.pk, rating.pk, "csv"])
    ).content.decode("utf-8-sig")
    assert "Name" not in anonymous.splitlines()[0]
    assert name not in anonymous
    assert "'=1+1" in anonymous
    named = client.get(
        reverse("evaluation:survey_export", args=[programme.pk, end.pk, "csv"])
    ).content.decode("utf-8-sig")
    assert name in named
    xlsx = client.get(reverse("evaluation:survey_export", args=[programme.pk, end.pk, "xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    results = client.get(reverse("evaluation:results", args=[programme.pk])).content.decode()
    assert "<svg" in results and "Names" in results and name not in results


def test_country_results_are_scoped_to_the_coordinators_country(world):
    programme, rating, session = world["programme"], world["rating"], world["session"]
    url = reverse("evaluation:country", args=[programme.pk])
    for code in ("KZ", "KZ", "KZ", "RU"):
        person = factories.ParticipationFactory(
            programme=programme, country=factories.CountryFactory(code=code)
        )
        services.save_answers(
            None,
            rating,
            person,
            session,
            {world["scale"].pk: AnswerInput(rating=5 if code == "KZ" else 1)},
            submit=True,
        )
    kz = client_for(world["coordinator_kz"]).get(url + "?country=RU")
    assert kz.status_code == 200
    page = kz.content.decode()
    assert "Kazakhstan" in page and "Russia" not in page
    assert "5.0" in page
    for who in ("coordinator_elsewhere", "participant", "lecturer", "other_organiser"):
        assert client_for(world[who]).get(url).status_code == 404, who
    organiser = client_for(world["organiser"]).get(url + "?country=RU").content.decode()
    assert "Fewer than three" in organiser  # one Russian respondent only


def test_participant_sees_own_quiz_score_after_submitting(world):
    programme, participation = world["programme"], world["participation"]
    quiz = factories.SurveyFactory(
        programme=programme,
        kind=Survey.Kind.QUIZ,
        anonymous=False,
        opens_at=timezone.now() - timedelta(hours=1),
        closes_at=None,
    )
    question = factories.QuestionFactory(survey=quiz, kind="quiz", points=3)
    right = factories.OptionFactory(question=question, correct=True)
    factories.OptionFactory(question=question)
    client = client_for(world["participant"])
    url = reverse("evaluation:answer", args=[quiz.pk])
    client.post(url, {f"q{question.pk}": str(right.pk), "submit": ""})
    assert "Your score: 3 of 3 points." in client.get(url).content.decode()
    assert "3 of 3 points" in client.get(reverse("evaluation:mine")).content.decode()
    # Nobody else sees it on their pages.
    other = factories.UserFactory()
    factories.ParticipationFactory(
        programme=programme, person=factories.PersonFactory(user=other, preferred_language="en")
    )
    assert "3 of 3 points" not in client_for(other).get(reverse("evaluation:mine")).content.decode()
    assert client_for(other).get(url).status_code == 200  # their own, unanswered form
    assert participation.survey_responses.get(survey=quiz).score == 3


def test_rating_through_the_personal_join_link(world):
    from seminarium.conferencing.services import personal_link_url

    participation, session, scale = world["participation"], world["session"], world["scale"]
    join_url = personal_link_url(participation)
    token = join_url.rstrip("/").rsplit("/", 1)[-1]
    url = reverse("evaluation:rate_by_link", args=[token, session.pk])
    prompt = Template("{% load evaluation %}{% rating_prompt p t %}").render(
        Context({"p": participation, "t": token})
    )
    assert url in prompt
    visitor = client_for(None)  # not signed in: the token is the key
    page = visitor.get(url)
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    assert visitor.post(url, {f"q{scale.pk}": "5", "submit": ""}).status_code == 302
    assert Receipt.objects.filter(participation=participation, session=session).exists()
    assert join_url in visitor.get(url).content.decode()
    assert url not in Template("{% load evaluation %}{% rating_prompt p t %}").render(
        Context({"p": participation, "t": token})
    )
    elsewhere = factories.SessionFactory(programme=world["other"])
    for bad in (
        reverse("evaluation:rate_by_link", args=["not-a-token", session.pk]),
        reverse("evaluation:rate_by_link", args=[token, elsewhere.pk]),
    ):
        assert visitor.get(bad).status_code == 404
