from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail as django_mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from seminarium.core.models import OutboxMessage
from seminarium.evaluation import services
from seminarium.evaluation.models import Answer, Receipt, Response, Survey
from seminarium.evaluation.services import AnswerInput
from tests import factories

pytestmark = pytest.mark.django_db

DURING = datetime(2021, 4, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def programme():
    return factories.ProgrammeFactory()


def participant(programme, country="KZ", **kwargs):
    return factories.ParticipationFactory(
        programme=programme, country=factories.CountryFactory(code=country), **kwargs
    )


def rating_survey(programme, *sessions):
    survey = factories.SurveyFactory(programme=programme, kind=Survey.Kind.SESSION_RATING)
    survey.sessions.set(sessions)
    scale = factories.QuestionFactory(survey=survey, kind="scale", required=True)
    comment = factories.QuestionFactory(survey=survey, kind="text", text={"en": "Comment"})
    return survey, scale, comment


def rate(survey, participation, session, rating, comment="", scale=None, text=None):
    answers = {scale.pk: AnswerInput(rating=rating)}
    if comment:
        answers[text.pk] = AnswerInput(text=comment)
    return services.save_answers(
        None, survey, participation, session, answers, submit=True, now=DURING
    )


def quiz(programme):
    survey = factories.SurveyFactory(programme=programme, kind=Survey.Kind.QUIZ, anonymous=False)
    one = factories.QuestionFactory(survey=survey, kind="quiz", points=2)
    right = factories.OptionFactory(question=one, correct=True)
    wrong = factories.OptionFactory(question=one)
    two = factories.QuestionFactory(survey=survey, kind="quiz", points=3, multiple=True)
    a = factories.OptionFactory(question=two, correct=True)
    b = factories.OptionFactory(question=two, correct=True)
    factories.OptionFactory(question=two)
    return survey, (one, right, wrong), (two, a, b)


def test_quiz_scores_full_points_only_for_exactly_the_correct_options(programme):
    survey, (one, right, wrong), (two, a, b) = quiz(programme)
    person = participant(programme)
    response = services.save_answers(
        None,
        survey,
        person,
        None,
        {one.pk: AnswerInput(options=(right.pk,)), two.pk: AnswerInput(options=(a.pk,))},
        submit=True,
        now=DURING,
    )
    assert (response.score, response.max_score) == (2, 5)
    other = participant(programme, "RU")
    response = services.save_answers(
        None,
        survey,
        other,
        None,
        {one.pk: AnswerInput(options=(wrong.pk,)), two.pk: AnswerInput(options=(a.pk, b.pk))},
        submit=True,
        now=DURING,
    )
    assert (response.score, response.max_score) == (3, 5)
    assert services.programme_results(programme).quiz_average == pytest.approx(50)


def test_single_choice_refuses_several_options_and_foreign_options(programme):
    survey, (one, right, wrong), _ = quiz(programme)
    stranger = factories.OptionFactory()
    person = participant(programme)
    for options in [(right.pk, wrong.pk), (stranger.pk,)]:
        with pytest.raises(ValidationError):
            services.save_answers(
                None,
                survey,
                person,
                None,
                {one.pk: AnswerInput(options=options)},
                submit=False,
                now=DURING,
            )


def test_quiz_survey_cannot_be_anonymous(programme):
    survey = factories.SurveyFactory(programme=programme, anonymous=True)
    question = factories.QuestionFactory.build(survey=survey, kind="quiz")
    options = [factories.OptionFactory.build(correct=True), factories.OptionFactory.build()]
    with pytest.raises(ValidationError):
        services.save_question(None, question, options)


def test_anonymous_answers_are_not_linked_to_the_person(programme):
    session = factories.SessionFactory(programme=programme)
    survey, scale, text = rating_survey(programme, session)
    person = participant(programme)
    services.save_answers(
        None, survey, person, session, {scale.pk: AnswerInput(rating=4)}, submit=False, now=DURING
    )
    assert Response.objects.get().participation == person  # the draft, to resume
    rate(survey, person, session, 5, "Лучшая лекция", scale, text)
    response = Response.objects.get()
    assert response.participation is None
    assert response.status == Response.Status.SUBMITTED
    assert response.submitted_on is not None
    assert not hasattr(response, "submitted_at")
    assert {(a.rating, a.text) for a in Answer.objects.all()} == {(5, ""), (None, "Лучшая лекция")}
    assert all(a.response_id == response.pk for a in Answer.objects.all())
    receipt = Receipt.objects.get()
    assert receipt.participation == person
    # The receipt holds nothing that points at the answers.
    receipt_fields = {f.name for f in Receipt._meta.get_fields()}
    assert not receipt_fields & {"response", "answers", "created", "created_at"}
    # Nothing in the audit log carries the answers.
    from seminarium.core.models import AuditEvent

    for event in AuditEvent.objects.all():
        assert "Лучшая" not in str(event.before) + str(event.after) + event.object_label
        assert event.object_id != str(response.pk)


def test_named_survey_keeps_the_link_and_is_read_only_after_submission(programme):
    survey = factories.SurveyFactory(programme=programme, anonymous=False)
    question = factories.QuestionFactory(survey=survey, kind="text")
    person = participant(programme)
    services.save_answers(
        None,
        survey,
        person,
        None,
        {question.pk: AnswerInput(text="draft")},
        submit=False,
        now=DURING,
    )
    draft = services.own_response(survey, person, None)
    assert draft.status == Response.Status.DRAFT
    assert draft.answers.get().text == "draft"
    services.save_answers(
        None,
        survey,
        person,
        None,
        {question.pk: AnswerInput(text="final")},
        submit=True,
        now=DURING,
    )
    response = services.own_response(survey, person, None)
    assert response.pk == draft.pk and response.is_submitted
    assert response.answers.get().text == "final"
    with pytest.raises(ValidationError, match="already answered"):
        services.save_answers(
            None,
            survey,
            person,
            None,
            {question.pk: AnswerInput(text="x")},
            submit=False,
            now=DURING,
        )


def test_required_questions_only_on_submission(programme):
    survey = factories.SurveyFactory(programme=programme)
    question = factories.QuestionFactory(survey=survey, required=True)
    person = participant(programme)
    services.save_answers(None, survey, person, None, {}, submit=False, now=DURING)
    with pytest.raises(ValidationError) as error:
        services.save_answers(None, survey, person, None, {}, submit=True, now=DURING)
    assert f"q{question.pk}" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.save_answers(
            None,
            survey,
            person,
            None,
            {question.pk: AnswerInput(rating=6)},
            submit=False,
            now=DURING,
        )


def test_open_and_close_times_are_enforced(programme):
    survey = factories.SurveyFactory(
        programme=programme,
        opens_at=DURING,
        closes_at=DURING + timedelta(days=1),
    )
    person = participant(programme)
    for when, message in [
        (DURING - timedelta(minutes=1), "not open"),
        (DURING + timedelta(days=1), "closed"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.save_answers(None, survey, person, None, {}, submit=False, now=when)
    services.save_answers(None, survey, person, None, {}, submit=False, now=DURING)
    services.close_survey(None, survey, now=DURING + timedelta(hours=1))
    with pytest.raises(ValidationError, match="closed"):
        services.save_answers(
            None, survey, person, None, {}, submit=True, now=DURING + timedelta(hours=2)
        )


def test_a_survey_is_only_for_its_programmes_participants(programme):
    survey = factories.SurveyFactory(programme=programme)
    for outsider in [
        factories.ParticipationFactory(),
        participant(programme, kind="lecturer"),
        participant(programme, status="cancelled"),
    ]:
        with pytest.raises(ValidationError, match="not for you"):
            services.save_answers(None, survey, outsider, None, {}, submit=False, now=DURING)


def test_sessions_are_rated_after_they_end_and_once(programme):
    first = factories.SessionFactory(programme=programme)
    later = factories.SessionFactory(
        programme=programme, start=datetime(2021, 4, 21, 6, tzinfo=UTC)
    )
    unrated = factories.SessionFactory(programme=programme)
    survey, scale, _text = rating_survey(programme, first, later)
    person = participant(programme)
    assert services.pending_session_ratings(person, DURING) == [first]
    with pytest.raises(ValidationError, match="once it has ended"):
        rate(survey, person, later, 3, scale=scale)
    with pytest.raises(ValidationError, match="not rated"):
        rate(survey, person, unrated, 3, scale=scale)
    rate(survey, person, first, 4, scale=scale)
    assert services.pending_session_ratings(person, DURING) == []
    assert services.pending_session_ratings(person, datetime(2021, 4, 22, tzinfo=UTC)) == [later]
    with pytest.raises(ValidationError, match="already answered"):
        rate(survey, person, first, 2, scale=scale)
    services.close_survey(None, survey, now=DURING)
    assert services.pending_session_ratings(person, datetime(2021, 4, 22, tzinfo=UTC)) == []


def test_results_per_session_lecturer_and_country(programme):
    first = factories.SessionFactory(programme=programme)
    second = factories.SessionFactory(programme=programme)
    lecturer = factories.SessionRoleFactory(session=first).person
    factories.SessionRoleFactory(session=second, person=lecturer)
    other_lecturer = factories.SessionRoleFactory(session=second).person
    survey, scale, _text = rating_survey(programme, first, second)
    kz = [participant(programme, "KZ") for _ in range(3)]
    ru = participant(programme, "RU")
    for person, rating in zip(kz, [5, 4, 3], strict=True):
        rate(survey, person, first, rating, scale=scale)
    rate(survey, ru, first, 1, scale=scale)
    rate(survey, ru, second, 2, scale=scale)
    end = factories.SurveyFactory(programme=programme)
    end_scale = factories.QuestionFactory(survey=end)
    suggestion = factories.QuestionFactory(survey=end, kind="text")
    services.save_answers(
        None,
        end,
        kz[0],
        None,
        {end_scale.pk: AnswerInput(rating=5), suggestion.pk: AnswerInput(text="更多案例")},
        submit=True,
        now=DURING,
    )
    results = services.programme_results(programme)
    assert [(s, avg, n) for s, avg, n in results.per_session] == [
        (first, pytest.approx(13 / 4), 4),
        (second, 2.0, 1),
    ]
    assert results.per_country == {"KZ": (pytest.approx(17 / 4), 4), "RU": (1.5, 2)}
    lecturers = {person: (avg, n) for person, avg, n in results.per_lecturer}
    assert lecturers[lecturer] == (pytest.approx(15 / 5), 5)
    assert lecturers[other_lecturer] == (2.0, 1)
    assert results.overall == pytest.approx(20 / 6)
    assert results.respondents == 4
    assert results.suggestions == ["更多案例"]
    assert results.quiz_average is None
    assert results.session_ratings[first.pk].distribution == (1, 0, 1, 1, 1)
    coordinator_view = services.programme_results(programme, country="RU")
    assert coordinator_view.per_country == {"RU": (1.5, 2)}
    assert coordinator_view.suggestions == []
    assert coordinator_view.respondents == 1
    # Another programme's answers never count.
    assert services.programme_results(factories.ProgrammeFactory()).respondents == 0


def test_lecturers_see_countries_only_with_three_respondents(programme):
    session = factories.SessionFactory(programme=programme)
    lecturer = factories.SessionRoleFactory(session=session).person
    survey, scale, text = rating_survey(programme, session)
    for n in range(3):
        rate(survey, participant(programme, "KZ"), session, 4, f"comment {n}", scale, text)
    rate(survey, participant(programme, "TJ"), session, 2, "tj comment", scale, text)
    [feedback] = services.lecturer_feedback(lecturer)
    assert feedback.rating.answers == 4
    assert set(feedback.per_country) == {"KZ"}
    assert feedback.comments == ["comment 0", "comment 1", "comment 2", "tj comment"]
    assert services.lecturer_feedback(factories.PersonFactory()) == []


def test_survey_results_per_question(programme):
    survey = factories.SurveyFactory(programme=programme)
    choice = factories.QuestionFactory(survey=survey, kind="choice", multiple=True)
    a, b = factories.OptionFactory(question=choice), factories.OptionFactory(question=choice)
    for options in [(a.pk,), (a.pk, b.pk)]:
        services.save_answers(
            None,
            survey,
            participant(programme),
            None,
            {choice.pk: AnswerInput(options=options)},
            submit=True,
            now=DURING,
        )
    count, [result] = services.survey_results(survey)
    assert count == 2
    assert result.option_counts == [(a, 2), (b, 1)]
    assert services.survey_results(survey, country="RU")[0] == 0


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_follow_up_is_sent_once_in_each_persons_language(
    programme, immediate_tasks, django_capture_on_commit_callbacks
):
    survey = factories.SurveyFactory(
        programme=programme,
        kind=Survey.Kind.FOLLOW_UP,
        opens_at=datetime(2021, 7, 1, tzinfo=UTC),
        send_at=datetime(2021, 7, 21, tzinfo=UTC),
        closes_at=datetime(2021, 9, 1, tzinfo=UTC),
    )
    ru = participant(
        programme,
        "RU",
        person=factories.PersonFactory(preferred_language="ru", user=factories.UserFactory()),
    )
    zh = participant(
        programme,
        "KZ",
        person=factories.PersonFactory(preferred_language="zh-hans", user=factories.UserFactory()),
    )
    participant(
        programme,
        "KZ",
        kind="lecturer",
        person=factories.PersonFactory(user=factories.UserFactory()),
    )
    participant(programme, "KZ", person=factories.PersonFactory(user=None))
    assert services.send_due_follow_ups(datetime(2021, 7, 20, tzinfo=UTC)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_follow_ups(datetime(2021, 7, 22, tzinfo=UTC)) == 2
    assert services.send_due_follow_ups(datetime(2021, 7, 23, tzinfo=UTC)) == 0
    messages = {m.to: m for m in OutboxMessage.objects.all()}
    assert set(messages) == {ru.person.email, zh.person.email}
    assert messages[ru.person.email].language == "ru"
    assert messages[zh.person.email].language == "zh-hans"
    assert f"/me/surveys/{survey.pk}/" in messages[ru.person.email].text_body
    assert reverse("sign_in_link") in messages[ru.person.email].text_body
    assert "[personal link]" in messages[ru.person.email].preview
    assert len(django_mail.outbox) == 2  # delivered by the immediate task backend
    # Closed surveys are not sent.
    survey.closes_at = datetime(2021, 7, 24, tzinfo=UTC)
    survey.save()
    participant(programme, "UZ", person=factories.PersonFactory(user=factories.UserFactory()))
    assert services.send_due_follow_ups(datetime(2021, 7, 25, tzinfo=UTC)) == 0


def test_follow_up_needs_a_send_time_and_waits_until_open(programme):
    survey = factories.SurveyFactory.build(
        programme=programme, kind=Survey.Kind.FOLLOW_UP, opens_at=None, closes_at=None
    )
    with pytest.raises(ValidationError) as error:
        survey.full_clean()
    assert "send_at" in error.value.error_dict
    survey.send_at = datetime(2021, 7, 1, tzinfo=UTC)
    survey.save()
    participant(programme, person=factories.PersonFactory(user=factories.UserFactory()))
    assert services.send_due_follow_ups(datetime(2021, 7, 2, tzinfo=UTC)) == 0
    services.open_survey(None, survey, now=datetime(2021, 7, 3, tzinfo=UTC))
    assert services.send_due_follow_ups(datetime(2021, 7, 4, tzinfo=UTC)) == 1
    with pytest.raises(ValidationError):
        Survey(
            programme=programme, kind=Survey.Kind.QUIZ, title={"en": "x"}, send_at=survey.send_at
        ).full_clean()


def test_questions_are_frozen_once_answered(programme):
    survey = factories.SurveyFactory(programme=programme)
    question = factories.QuestionFactory(survey=survey)
    services.save_answers(
        None,
        survey,
        participant(programme),
        None,
        {question.pk: AnswerInput(rating=3)},
        submit=True,
        now=DURING,
    )
    question.text = {"en": "Changed"}
    with pytest.raises(ValidationError, match="already answered"):
        services.save_question(None, question)
    with pytest.raises(ValidationError, match="already answered"):
        services.delete_question(None, question)


@pytest.mark.parametrize(
    "backend",
    ["django_tasks.backends.immediate.ImmediateBackend", "django_tasks_db.DatabaseBackend"],
)
def test_saving_a_follow_up_schedules_its_sending(
    programme, settings, backend, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": backend}}
    participant(programme, person=factories.PersonFactory(user=factories.UserFactory()))
    past = datetime(2021, 7, 1, tzinfo=UTC)
    survey = Survey(
        programme=programme,
        kind=Survey.Kind.FOLLOW_UP,
        title={"en": "Later", "ru": "Позже", "zh-hans": "以后"},
        opens_at=past,
        send_at=past,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.save_survey(None, survey)
    if backend.endswith("ImmediateBackend"):
        assert OutboxMessage.objects.filter(purpose="survey follow-up").count() == 1
    else:
        from django_tasks_db.models import DBTaskResult

        assert DBTaskResult.objects.filter(task_path__endswith="send_follow_ups").exists()
