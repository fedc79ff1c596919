"""Evaluation operations: building surveys, answering them, scoring, results, follow-ups.

Each operation that changes data is atomic and audited. The audit log records *that*
someone saved or submitted, never what they answered: for anonymous surveys it names
only the receipt, which holds no answers.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from seminarium.core import mail
from seminarium.core.audit import audited_delete, audited_save, record
from seminarium.core.signin import sign_in_url
from seminarium.core.tasks import enqueue_after_commit
from seminarium.people.models import Person
from seminarium.programmes.models import Participation, Programme, Session, SessionRole

from .models import (
    SCALE_MAX,
    SCALE_MIN,
    Answer,
    Invitation,
    Option,
    Question,
    Receipt,
    Response,
    Survey,
)

# Who is asked: the people being trained, not lecturers, interpreters or staff.
RESPONDENT_KINDS = (Participation.Kind.PARTICIPANT, Participation.Kind.OBSERVER)
LEVEL_1 = (Survey.Kind.SESSION_RATING, Survey.Kind.PROGRAMME_END)
# Below this many respondents, lecturers do not see a country's ratings, and a
# coordinator does not see their delegation's results.
MIN_COUNTRY_GROUP = 3


@dataclass(frozen=True)
class AnswerInput:
    rating: int | None = None
    text: str = ""
    options: tuple[int, ...] = ()


# ----- building surveys (organisers) -------------------------------------------------


@transaction.atomic
def save_survey(actor, survey: Survey, sessions: Iterable[Session] | None = None) -> Survey:
    audited_save(actor, survey, programme_id=survey.programme_id)
    if sessions is not None:
        survey.sessions.set(sessions)
    if survey.kind == Survey.Kind.FOLLOW_UP and survey.send_at:
        _schedule_follow_up(survey)
    return survey


def _schedule_follow_up(survey: Survey) -> None:
    """Enqueue the sending for the send time. Sending is idempotent, so a task left
    from an earlier send time does no harm. Backends that cannot defer a task get it
    only once it is due; until then the `send_follow_ups` command (cron) sends it."""
    from .tasks import send_follow_ups

    due = max(survey.send_at, survey.opens_at or survey.send_at)
    if send_follow_ups.get_backend().supports_defer:
        transaction.on_commit(lambda: send_follow_ups.using(run_after=due).enqueue())
    elif due <= timezone.now():
        enqueue_after_commit(send_follow_ups)


@transaction.atomic
def delete_survey(actor, survey: Survey) -> None:
    audited_delete(actor, survey, programme_id=survey.programme_id)


@transaction.atomic
def open_survey(actor, survey: Survey, now: datetime | None = None) -> Survey:
    now = now or timezone.now()
    survey.opens_at = now
    if survey.closes_at and survey.closes_at <= now:
        survey.closes_at = None
    return save_survey(actor, survey)


@transaction.atomic
def close_survey(actor, survey: Survey, now: datetime | None = None) -> Survey:
    survey.closes_at = now or timezone.now()
    if survey.opens_at and survey.opens_at >= survey.closes_at:
        survey.opens_at = None
    return save_survey(actor, survey)


def _check_not_answered(question: Question) -> None:
    if question.survey.responses.filter(status=Response.Status.SUBMITTED).exists():
        raise ValidationError(
            _("People have already answered this survey: its questions can no longer change.")
        )


@transaction.atomic
def save_question(actor, question: Question, options: Iterable[Option] = ()) -> Question:
    """Save a question and replace its options (for choice and quiz questions)."""
    _check_not_answered(question)
    options = list(options) if question.has_options else []
    if question.has_options and len(options) < 2:
        raise ValidationError(_("Give at least two options."))
    if question.kind == Question.Kind.QUIZ and not any(o.correct for o in options):
        raise ValidationError(_("Mark at least one option as correct."))
    if question.kind == Question.Kind.QUIZ and question.survey.anonymous:
        raise ValidationError(
            _("A survey with quiz questions cannot be anonymous: participants see their score.")
        )
    if sum(o.correct for o in options) > 1 and question.kind == Question.Kind.QUIZ:
        # Several correct answers can only be given if several options may be chosen.
        question.multiple = True
    programme_id = question.survey.programme_id
    audited_save(actor, question, programme_id=programme_id)
    question.options.all().delete()
    for position, option in enumerate(options):
        option.question = question
        option.position = position
        option.correct = option.correct and question.kind == Question.Kind.QUIZ
        audited_save(actor, option, programme_id=programme_id)
    return question


@transaction.atomic
def delete_question(actor, question: Question) -> None:
    _check_not_answered(question)
    audited_delete(actor, question, programme_id=question.survey.programme_id)


# ----- answering (participants) ------------------------------------------------------


def may_respond(participation: Participation) -> bool:
    return participation.is_active and participation.kind in RESPONDENT_KINDS


def _receipt_filter(survey: Survey, session: Session | None, participation: Participation):
    return Receipt.objects.filter(survey=survey, session=session, participation=participation)


def has_responded(survey: Survey, participation: Participation, session: Session | None) -> bool:
    return _receipt_filter(survey, session, participation).exists()


def check_answerable(
    survey: Survey, participation: Participation, session: Session | None, now: datetime
) -> None:
    """Raise ValidationError with the reason if this person may not answer now."""
    if participation.programme_id != survey.programme_id or not may_respond(participation):
        raise ValidationError(_("This survey is not for you."))
    if survey.is_per_session:
        if session is None or not survey.sessions.filter(pk=session.pk).exists():
            raise ValidationError(_("This session is not rated in this survey."))
        if session.end > now:
            raise ValidationError(_("A session can be rated once it has ended."))
    elif session is not None:
        raise ValidationError(_("This survey is not about a session."))
    if survey.opens_at is None or now < survey.opens_at:
        raise ValidationError(_("This survey is not open yet."))
    if survey.closes_at is not None and now >= survey.closes_at:
        raise ValidationError(_("This survey is closed."))
    if has_responded(survey, participation, session):
        raise ValidationError(_("You have already answered this survey."))


def own_response(
    survey: Survey, participation: Participation, session: Session | None
) -> Response | None:
    """The person's draft, or their submitted answers to a named survey."""
    return (
        Response.objects.filter(survey=survey, session=session, participation=participation)
        .prefetch_related("answers__options")
        .first()
    )


def _validated_answers(
    survey: Survey, answers: Mapping[int, AnswerInput], *, complete: bool
) -> list[tuple[Question, AnswerInput]]:
    errors: dict[str, list] = {}
    checked = []
    for question in survey.questions.prefetch_related("options"):
        given = answers.get(question.pk, AnswerInput())
        name = f"q{question.pk}"
        if given.rating is not None and not SCALE_MIN <= given.rating <= SCALE_MAX:
            errors.setdefault(name, []).append(_("Choose a value from 1 to 5."))
        valid_options = {o.pk for o in question.options.all()}
        if set(given.options) - valid_options:
            errors.setdefault(name, []).append(_("Choose one of the options shown."))
        if len(given.options) > 1 and not question.multiple:
            errors.setdefault(name, []).append(_("Choose only one option."))
        empty = given.rating is None and not given.text.strip() and not given.options
        if complete and question.required and empty:
            errors.setdefault(name, []).append(_("Please answer this question."))
        if not empty:
            checked.append((question, given))
    if errors:
        raise ValidationError(errors)
    return checked


def _write_answers(response: Response, checked: list[tuple[Question, AnswerInput]]) -> None:
    response.answers.all().delete()
    for question, given in checked:
        answer = Answer.objects.create(
            response=response,
            question=question,
            rating=given.rating if question.kind == Question.Kind.SCALE else None,
            text=given.text.strip() if question.kind == Question.Kind.TEXT else "",
        )
        if question.has_options and given.options:
            answer.options.set(given.options)


def quiz_score(checked: Iterable[tuple[Question, AnswerInput]], survey: Survey) -> tuple[int, int]:
    """(points scored, points possible): full points for exactly the correct options."""
    quiz = [q for q in survey.questions.prefetch_related("options") if q.kind == Question.Kind.QUIZ]
    chosen = {question.pk: set(given.options) for question, given in checked}
    scored = sum(
        q.points for q in quiz if chosen.get(q.pk) == {o.pk for o in q.options.all() if o.correct}
    )
    return scored, sum(q.points for q in quiz)


@transaction.atomic
def save_answers(
    actor,
    survey: Survey,
    participation: Participation,
    session: Session | None,
    answers: Mapping[int, AnswerInput],
    *,
    submit: bool,
    now: datetime | None = None,
) -> Response:
    """Save a draft, or submit. Submitted answers cannot change.

    Anonymous surveys: the draft (linked, so that it can be resumed) is replaced on
    submission by an unlinked response; the receipt alone says this person answered.
    """
    now = now or timezone.now()
    check_answerable(survey, participation, session, now)
    checked = _validated_answers(survey, answers, complete=submit)
    draft, _created = Response.objects.select_for_update().get_or_create(
        survey=survey,
        session=session,
        participation=participation,
        defaults={"country_id": participation.country_id},
    )
    if not submit:
        _write_answers(draft, checked)
        record(actor, "save_draft", draft, programme_id=survey.programme_id)
        return draft
    try:
        with transaction.atomic():
            receipt = Receipt.objects.create(
                survey=survey, session=session, participation=participation
            )
    except IntegrityError:
        raise ValidationError(_("You have already answered this survey.")) from None
    if survey.anonymous:
        draft.delete()
        response = Response(survey=survey, session=session, country_id=participation.country_id)
    else:
        response = draft
    response.status = Response.Status.SUBMITTED
    response.submitted_on = timezone.localdate(now)
    if survey.questions.filter(kind=Question.Kind.QUIZ).exists():
        response.score, response.max_score = quiz_score(checked, survey)
    response.save()
    _write_answers(response, checked)
    record(actor, "submit", receipt, programme_id=survey.programme_id)
    return response


def rating_survey_for(session: Session, now: datetime) -> Survey | None:
    """The open rating survey that covers this session, if any."""
    for survey in session.rating_surveys.all():
        if survey.is_open(now):
            return survey
    return None


def pending_session_ratings(participation: Participation, now: datetime) -> list[Session]:
    """Ended sessions this participant can still rate, most recent first."""
    if not may_respond(participation):
        return []
    surveys = [
        s
        for s in Survey.objects.filter(
            programme_id=participation.programme_id, kind=Survey.Kind.SESSION_RATING
        )
        if s.is_open(now)
    ]
    if not surveys:
        return []
    done = set(
        Receipt.objects.filter(survey__in=surveys, participation=participation).values_list(
            "survey_id", "session_id"
        )
    )
    pending: dict[int, Session] = {}
    for survey in surveys:
        for session in survey.sessions.filter(end__lte=now):
            if (survey.pk, session.pk) not in done:
                pending.setdefault(session.pk, session)
    return sorted(pending.values(), key=lambda s: s.end, reverse=True)


def open_surveys_for(participation: Participation, now: datetime) -> list[tuple[Survey, str]]:
    """Whole-programme surveys open to this person, with 'todo', 'draft' or 'done'."""
    if not may_respond(participation):
        return []
    listed = []
    surveys = Survey.objects.filter(programme_id=participation.programme_id).exclude(
        kind=Survey.Kind.SESSION_RATING
    )
    answered = set(
        Receipt.objects.filter(participation=participation).values_list("survey_id", flat=True)
    )
    drafts = set(
        Response.objects.filter(
            participation=participation, status=Response.Status.DRAFT
        ).values_list("survey_id", flat=True)
    )
    for survey in surveys:
        if survey.pk in answered:
            listed.append((survey, "done"))
        elif survey.is_open(now):
            listed.append((survey, "draft" if survey.pk in drafts else "todo"))
    return listed


# ----- follow-up (level 3) -----------------------------------------------------------


def survey_path(survey: Survey) -> str:
    return reverse("evaluation:answer", args=[survey.pk])


def send_due_follow_ups(now: datetime | None = None) -> int:
    """E-mail every due, open follow-up to each participant once; returns how many were queued.

    Each invitation is its own transaction: the unique invitation row and the queued
    e-mail commit together, so a rerun or a second worker never sends twice.
    """
    now = now or timezone.now()
    queued = 0
    due = Survey.objects.filter(kind=Survey.Kind.FOLLOW_UP, send_at__lte=now).select_related(
        "programme"
    )
    for survey in due:
        if not survey.is_open(now):
            continue
        recipients = (
            survey.programme.participations.filter(
                kind__in=RESPONDENT_KINDS, status=Participation.Status.CONFIRMED
            )
            .exclude(survey_invitations__survey=survey)
            .exclude(person__email="")
            .exclude(person__user=None)
            .select_related("person__user")
        )
        for participation in recipients:
            queued += _invite(survey, participation, now)
    return queued


def _invite(survey: Survey, participation: Participation, now: datetime) -> int:
    person = participation.person
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                survey=survey, participation=participation, queued_at=now
            )
            mail.queue(
                to=person.email,
                template="evaluation/email/follow_up",
                context={"survey": survey, "programme": survey.programme, "person": person},
                language=person.preferred_language,
                purpose="survey follow-up",
                programme_id=survey.programme_id,
                country_code=participation.country_id,
                personal_link=sign_in_url(person.user, survey_path(survey)),
            )
            record(None, "invite", invitation, programme_id=survey.programme_id)
    except IntegrityError:
        return 0
    return 1


# ----- results -----------------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    """Scale answers summarised: average (None without answers), count, and 1..5 counts."""

    average: float | None
    answers: int
    distribution: tuple[int, ...]

    @classmethod
    def of(cls, ratings: Iterable[int]) -> "Rating":
        values = list(ratings)
        counts = tuple(values.count(v) for v in range(SCALE_MIN, SCALE_MAX + 1))
        average = sum(values) / len(values) if values else None
        return cls(average, len(values), counts)


@dataclass(frozen=True)
class ProgrammeResults:
    """What the funder's report shows. Averages are on the 1–5 scale of level-1 surveys.

    ``quiz_average`` is the mean share of quiz points scored, in per cent (0–100).
    """

    per_session: list[tuple[Session, float | None, int]]
    per_country: dict[str, tuple[float | None, int]]
    per_lecturer: list[tuple[Person, float | None, int]]
    overall: float | None
    respondents: int
    suggestions: list[str]
    quiz_average: float | None
    session_ratings: dict[int, Rating] = field(default_factory=dict)


def _submitted_scale_answers(programme: Programme, country: str | None) -> QuerySet:
    answers = Answer.objects.filter(
        response__survey__programme=programme,
        response__survey__kind__in=LEVEL_1,
        response__status=Response.Status.SUBMITTED,
        question__kind=Question.Kind.SCALE,
        rating__isnull=False,
    )
    if country:
        answers = answers.filter(response__country_id=country)
    return answers


def _speakers(sessions: Iterable[Session]) -> dict[int, list[Person]]:
    speakers: dict[int, list[Person]] = defaultdict(list)
    roles = SessionRole.objects.filter(
        session__in=list(sessions), role=SessionRole.Role.SPEAKER
    ).select_related("person")
    for role in roles:
        speakers[role.session_id].append(role.person)
    return speakers


def programme_results(programme: Programme, *, country: str | None = None) -> ProgrammeResults:
    """Level-1 ratings per session, lecturer and country; suggestions; the quiz average.

    With ``country``, only that delegation's answers count (a coordinator's view).
    """
    rows = list(
        _submitted_scale_answers(programme, country).values_list(
            "response__survey__kind", "response__session_id", "response__country_id", "rating"
        )
    )
    by_session: dict[int, list[int]] = defaultdict(list)
    by_country: dict[str, list[int]] = defaultdict(list)
    for kind, session_id, country_code, rating in rows:
        if kind == Survey.Kind.SESSION_RATING and session_id:
            by_session[session_id].append(rating)
        if country_code:
            by_country[country_code].append(rating)
    sessions = list(
        programme.sessions.filter(rating_surveys__programme=programme).distinct().order_by("start")
    )
    session_ratings = {s.pk: Rating.of(by_session.get(s.pk, [])) for s in sessions}
    by_lecturer: dict[int, list[int]] = defaultdict(list)
    lecturers: dict[int, Person] = {}
    for session_id, people in _speakers(sessions).items():
        for person in people:
            lecturers[person.pk] = person
            by_lecturer[person.pk].extend(by_session.get(session_id, []))
    receipts = Receipt.objects.filter(survey__programme=programme, survey__kind__in=LEVEL_1)
    suggestions = Answer.objects.filter(
        response__survey__programme=programme,
        response__survey__kind=Survey.Kind.PROGRAMME_END,
        response__status=Response.Status.SUBMITTED,
        question__kind=Question.Kind.TEXT,
    ).exclude(text="")
    quizzes = Response.objects.filter(
        survey__programme=programme, status=Response.Status.SUBMITTED, max_score__gt=0
    )
    if country:
        receipts = receipts.filter(participation__country_id=country)
        suggestions = suggestions.filter(response__country_id=country)
        quizzes = quizzes.filter(country_id=country)
    shares = [100 * score / top for score, top in quizzes.values_list("score", "max_score")]
    overall = Rating.of(rating for *_rest, rating in rows)
    return ProgrammeResults(
        per_session=[
            (s, session_ratings[s.pk].average, session_ratings[s.pk].answers) for s in sessions
        ],
        per_country={
            code: (Rating.of(values).average, len(values))
            for code, values in sorted(by_country.items())
        },
        per_lecturer=[
            (lecturers[pk], Rating.of(values).average, len(values))
            for pk, values in sorted(by_lecturer.items(), key=lambda item: str(lecturers[item[0]]))
        ],
        overall=overall.average,
        respondents=receipts.values("participation").distinct().count(),
        # Ordered by text, not by when they came: order could hint at who wrote what.
        suggestions=sorted(suggestions.values_list("text", flat=True)),
        quiz_average=sum(shares) / len(shares) if shares else None,
        session_ratings=session_ratings,
    )


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    rating: Rating | None = None
    option_counts: list[tuple[Option, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    correct_share: float | None = None  # quiz: share of answers fully correct, 0..1


def survey_results(
    survey: Survey, *, session: Session | None = None, country: str | None = None
) -> tuple[int, list[QuestionResult]]:
    """(number of submitted responses, results per question)."""
    responses = survey.responses.filter(status=Response.Status.SUBMITTED)
    if session is not None:
        responses = responses.filter(session=session)
    if country:
        responses = responses.filter(country_id=country)
    answers = Answer.objects.filter(response__in=responses).prefetch_related("options")
    by_question: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_question[answer.question_id].append(answer)
    results = []
    for question in survey.questions.prefetch_related("options"):
        given = by_question.get(question.pk, [])
        if question.kind == Question.Kind.SCALE:
            results.append(QuestionResult(question, rating=Rating.of(a.rating for a in given)))
        elif question.kind == Question.Kind.TEXT:
            results.append(QuestionResult(question, texts=sorted(a.text for a in given)))
        else:
            options = list(question.options.all())
            chosen = [{o.pk for o in a.options.all()} for a in given]
            counts = [(o, sum(o.pk in c for c in chosen)) for o in options]
            correct = {o.pk for o in options if o.correct}
            share = (
                sum(c == correct for c in chosen) / len(chosen)
                if question.kind == Question.Kind.QUIZ and chosen
                else None
            )
            results.append(QuestionResult(question, option_counts=counts, correct_share=share))
    return responses.count(), results


@dataclass(frozen=True)
class SessionFeedback:
    """What a lecturer sees about one of their sessions: no names, no small countries."""

    session: Session
    rating: Rating
    comments: list[str]
    per_country: dict[str, Rating]


def lecturer_feedback(person: Person) -> list[SessionFeedback]:
    """Anonymised feedback on the sessions where ``person`` is a speaker."""
    sessions = Session.objects.filter(
        roles__person=person, roles__role=SessionRole.Role.SPEAKER, rating_surveys__isnull=False
    ).distinct()
    feedback = []
    for session in sessions.select_related("programme").order_by("start"):
        answers = Answer.objects.filter(
            response__session=session,
            response__survey__kind=Survey.Kind.SESSION_RATING,
            response__status=Response.Status.SUBMITTED,
        )
        ratings = list(
            answers.filter(question__kind=Question.Kind.SCALE, rating__isnull=False).values_list(
                "response__country_id", "rating"
            )
        )
        respondents: dict[str, set] = defaultdict(set)
        for response_id, code in answers.values_list(
            "response_id", "response__country_id"
        ).distinct():
            respondents[code].add(response_id)
        by_country: dict[str, list[int]] = defaultdict(list)
        for code, rating in ratings:
            by_country[code].append(rating)
        feedback.append(
            SessionFeedback(
                session=session,
                rating=Rating.of(rating for _code, rating in ratings),
                comments=sorted(
                    answers.filter(question__kind=Question.Kind.TEXT)
                    .exclude(text="")
                    .values_list("text", flat=True)
                ),
                per_country={
                    code: Rating.of(values)
                    for code, values in sorted(by_country.items())
                    if code and len(respondents[code]) >= MIN_COUNTRY_GROUP
                },
            )
        )
    return feedback
