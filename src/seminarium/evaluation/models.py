"""Surveys in Kirkpatrick's levels: reaction (session ratings, end of programme),
learning (a scored quiz) and behaviour (an alumni follow-up months later).

Anonymity: the answers of an anonymous survey are stored in a `Response` with no
participation; that the person has answered is a separate `Receipt`. Neither carries
a time of day, and both have random primary keys, so the two cannot be joined by
id or timestamp (docs/evaluation.md states what this does and does not protect).
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from i18nfield.fields import I18nCharField, I18nTextField

from seminarium.core.models import Country
from seminarium.programmes.models import Participation, Programme, Session

SCALE_MIN, SCALE_MAX = 1, 5


class Survey(models.Model):
    class Kind(models.TextChoices):
        SESSION_RATING = "session_rating", _("Rating after each session (level 1)")
        PROGRAMME_END = "programme_end", _("End of programme (level 1)")
        QUIZ = "quiz", _("Quiz (level 2)")
        FOLLOW_UP = "follow_up", _("Alumni follow-up (level 3)")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="surveys")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = I18nCharField(_("title"))
    intro = I18nTextField(_("introduction"), blank=True)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Answers are kept without any link to the person who gave them."),
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    send_at = models.DateTimeField(
        _("send by e-mail at"),
        null=True,
        blank=True,
        help_text=_(
            "Alumni follow-up only: when the invitation e-mail goes to every participant "
            "(or, if the survey is not open then, as soon as it opens)."
        ),
    )
    sessions = models.ManyToManyField(
        Session,
        blank=True,
        related_name="rating_surveys",
        verbose_name=_("sessions rated"),
        help_text=_("Rating surveys only. Participants are asked after each of these sessions."),
    )

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["programme", "kind", "id"]

    def __str__(self) -> str:
        return str(self.title)

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors.setdefault("closes_at", []).append(_("A survey must close after it opens."))
        if self.kind == self.Kind.FOLLOW_UP and not self.send_at:
            errors.setdefault("send_at", []).append(
                _("Say when the follow-up e-mail is to be sent.")
            )
        if self.kind != self.Kind.FOLLOW_UP and self.send_at:
            errors.setdefault("send_at", []).append(
                _("Only an alumni follow-up is sent by e-mail.")
            )
        if self.anonymous and self.pk and self.questions.filter(kind=Question.Kind.QUIZ).exists():
            errors.setdefault("anonymous", []).append(
                _("A survey with quiz questions cannot be anonymous: participants see their score.")
            )
        if errors:
            raise ValidationError(errors)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.opens_at is not None
            and self.opens_at <= now
            and (self.closes_at is None or now < self.closes_at)
        )

    @property
    def is_per_session(self) -> bool:
        return self.kind == self.Kind.SESSION_RATING


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale from 1 to 5")
        CHOICE = "choice", _("Choice")
        TEXT = "text", _("Free text")
        QUIZ = "quiz", _("Quiz question (scored)")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = I18nCharField(_("question"))
    required = models.BooleanField(_("an answer is required"), default=False)
    low_label = I18nCharField(_("label of 1"), blank=True, help_text=_("For example “Not useful”."))
    high_label = I18nCharField(
        _("label of 5"), blank=True, help_text=_("For example “Very useful”.")
    )
    multiple = models.BooleanField(_("several options may be chosen"), default=False)
    points = models.PositiveSmallIntegerField(
        _("points"), default=1, help_text=_("Quiz questions: points for a fully correct answer.")
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return str(self.text)

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.CHOICE, self.Kind.QUIZ)


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = I18nCharField(_("option"))
    correct = models.BooleanField(_("correct answer"), default=False)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return str(self.text)


class Response(models.Model):
    """One filled-in survey (per session, for ratings).

    A draft always belongs to its participation, so that it can be resumed. Submitting
    a named survey keeps that link; submitting an anonymous one moves the answers into
    a fresh response without it, and deletes the draft.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    # Random, so that the order of anonymous responses says nothing about who came when.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="survey_responses"
    )
    participation = models.ForeignKey(
        Participation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    # The delegation, kept even on anonymous answers for per-country results; shown
    # to lecturers only where at least three people of a country answered.
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # A day, not an instant: a time of day could be matched against the receipt's audit event.
    submitted_on = models.DateField(null=True, blank=True)
    score = models.PositiveIntegerField(null=True, blank=True)
    max_score = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "participation"],
                condition=Q(session__isnull=True, participation__isnull=False),
                name="one_response_per_person",
            ),
            models.UniqueConstraint(
                fields=["survey", "session", "participation"],
                condition=Q(session__isnull=False, participation__isnull=False),
                name="one_response_per_person_and_session",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(participation__isnull=False),
                name="drafts_belong_to_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} – {self.get_status_display()}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    options = models.ManyToManyField(Option, blank=True, related_name="answers")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=SCALE_MIN, rating__lte=SCALE_MAX),
                name="rating_on_the_scale",
            ),
        ]

    def __str__(self) -> str:
        return str(self.question)


class Receipt(models.Model):
    """That a participation has submitted a survey (for one session, for ratings)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="receipts")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.CASCADE)
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="survey_receipts"
    )

    class Meta:
        verbose_name = _("survey receipt")
        verbose_name_plural = _("survey receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "participation"],
                condition=Q(session__isnull=True),
                name="answered_once",
            ),
            models.UniqueConstraint(
                fields=["survey", "session", "participation"],
                condition=Q(session__isnull=False),
                name="answered_once_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} – {self.participation_id}"


class Invitation(models.Model):
    """A follow-up e-mail sent (queued) to one participation: at most one each."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "participation"], name="one_invitation_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} – {self.participation_id}"
