"""What the timetable solver needs beyond the programme itself, and the proposals it makes.

Times of day are local: day bounds and breaks in the programme's zone, acceptable and
comfortable hours in each audience group's own zone. Instants are stored in UTC.
"""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from seminarium.core.models import Country
from seminarium.people.models import Person, validate_timezone
from seminarium.programmes.models import Programme, Session


def _check_span(errors: dict, start_field: str, start, end, message) -> None:
    if start is not None and end is not None and start == end:
        errors.setdefault(start_field, []).append(message)


class TimetableSettings(models.Model):
    """One programme's timetabling defaults. Absent: the defaults below apply."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="timetable_settings"
    )
    day_start = models.TimeField(
        _("days start at"), default=time(9), help_text=_("In the programme’s time zone.")
    )
    day_end = models.TimeField(
        _("days end at"), default=time(18), help_text=_("In the programme’s time zone.")
    )
    acceptable_start = models.TimeField(_("acceptable local hours from"), default=time(7))
    acceptable_end = models.TimeField(_("acceptable local hours until"), default=time(22))
    comfortable_start = models.TimeField(_("comfortable local hours from"), default=time(9))
    comfortable_end = models.TimeField(_("comfortable local hours until"), default=time(18))
    slot_minutes = models.PositiveSmallIntegerField(
        _("start times every (minutes)"),
        default=15,
        help_text=_("Sessions are proposed to start on this grid."),
    )

    class Meta:
        verbose_name = _("timetable settings")
        verbose_name_plural = _("timetable settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=120), name="slot_5_to_120_min"
            )
        ]

    def __str__(self) -> str:
        return str(self.programme)

    def clean(self) -> None:
        errors: dict[str, list] = {}
        same = _("The end must differ from the start.")
        _check_span(errors, "day_end", self.day_start, self.day_end, same)
        _check_span(errors, "acceptable_end", self.acceptable_start, self.acceptable_end, same)
        _check_span(errors, "comfortable_end", self.comfortable_start, self.comfortable_end, same)
        if self.slot_minutes is not None and not 5 <= self.slot_minutes <= 120:
            errors.setdefault("slot_minutes", []).append(_("Choose between 5 and 120 minutes."))
        if errors:
            raise ValidationError(errors)


class TimetableBreak(models.Model):
    """A daily break in the programme's zone: no session overlaps it on any day."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="timetable_breaks"
    )
    start = models.TimeField(_("break from"), help_text=_("In the programme’s time zone."))
    end = models.TimeField(_("break until"))

    class Meta:
        verbose_name = _("daily break")
        verbose_name_plural = _("daily breaks")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="break_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError({"end": _("The end must come after the start.")})


class AudienceZone(models.Model):
    """The organiser's override for one delegation: its time zone and, optionally, its hours.

    Without an override a delegation splits into one audience group per home time zone of
    its invited and confirmed participants (Russia: Moscow and Vladivostok).
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="audience_zones"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("delegation"))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_timezone],
        help_text=_("The whole delegation follows this zone, for example Asia/Almaty."),
    )
    acceptable_start = models.TimeField(_("acceptable local hours from"), null=True, blank=True)
    acceptable_end = models.TimeField(_("acceptable local hours until"), null=True, blank=True)
    comfortable_start = models.TimeField(_("comfortable local hours from"), null=True, blank=True)
    comfortable_end = models.TimeField(_("comfortable local hours until"), null=True, blank=True)

    class Meta:
        verbose_name = _("delegation time zone")
        verbose_name_plural = _("delegation time zones")
        ordering = ["country"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "country"], name="one_zone_per_delegation")
        ]

    def __str__(self) -> str:
        return f"{self.country_id} – {self.timezone}"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        pairs = [
            ("acceptable_start", "acceptable_end"),
            ("comfortable_start", "comfortable_end"),
        ]
        for start_name, end_name in pairs:
            start, end = getattr(self, start_name), getattr(self, end_name)
            if (start is None) != (end is None):
                errors.setdefault(end_name, []).append(_("Give both ends, or neither."))
            _check_span(errors, end_name, start, end, _("The end must differ from the start."))
        if errors:
            raise ValidationError(errors)


class SessionAudience(models.Model):
    """Which delegations a session is for. A session without one is for every delegation,
    so only these delegations' hours and clashes bind it."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="session_audiences"
    )
    session = models.OneToOneField(
        Session,
        on_delete=models.CASCADE,
        related_name="timetable_audience",
        verbose_name=_("session"),
    )
    countries = models.JSONField(_("delegations"), default=list)

    class Meta:
        verbose_name = _("session audience")
        verbose_name_plural = _("session audiences")
        ordering = ["session__start", "session_id"]

    def __str__(self) -> str:
        return f"{self.session} – {', '.join(self.countries)}"

    def clean(self) -> None:
        if not self.countries:
            raise ValidationError({"countries": _("Choose at least one delegation.")})
        if self.session_id and self.programme_id and self.session.programme_id != self.programme_id:
            raise ValidationError({"session": _("Choose a session of this programme.")})


class Availability(models.Model):
    """A window in which a person can take part. A person with windows is available only then."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="availabilities"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, verbose_name=_("person"))
    start = models.DateTimeField(_("available from"))
    end = models.DateTimeField(_("available until"))

    class Meta:
        verbose_name = _("availability window")
        verbose_name_plural = _("availability windows")
        ordering = ["person_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="availability_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The end must come after the start.")})


class InterpreterLimit(models.Model):
    """How long an interpreter (a session role “interpreter”) may work in this programme."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="interpreter_limits"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, verbose_name=_("interpreter"))
    max_daily_minutes = models.PositiveIntegerField(
        _("at most minutes a day"), null=True, blank=True
    )
    max_continuous_minutes = models.PositiveIntegerField(
        _("at most minutes without a break"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("interpreter’s limit")
        verbose_name_plural = _("interpreters’ limits")
        ordering = ["person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"], name="one_limit_per_interpreter"
            )
        ]

    def __str__(self) -> str:
        return str(self.person)


class OrderingRule(models.Model):
    class Kind(models.TextChoices):
        FIRST = "first", _("comes before every other session")
        LAST = "last", _("comes after every other session")
        AFTER = "after", _("comes after")
        SAME_DAY = "same_day", _("is on the same day as")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="ordering_rules"
    )
    kind = models.CharField(_("rule"), max_length=10, choices=Kind.choices)
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="+", verbose_name=_("session")
    )
    other = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("other session"),
    )
    min_gap_minutes = models.PositiveIntegerField(_("at least minutes in between"), default=0)

    class Meta:
        verbose_name = _("ordering rule")
        verbose_name_plural = _("ordering rules")
        ordering = ["id"]

    def __str__(self) -> str:
        other = f" {self.other}" if self.other_id else ""
        return f"{self.session} {self.get_kind_display()}{other}"

    def clean(self) -> None:
        pair = self.kind in (self.Kind.AFTER, self.Kind.SAME_DAY)
        if pair and not self.other_id:
            raise ValidationError({"other": _("Choose the other session.")})
        if not pair and self.other_id:
            raise ValidationError({"other": _("This rule concerns one session only.")})
        if pair and self.other_id == self.session_id:
            raise ValidationError({"other": _("Choose a different session.")})
        for field in ("session", "other"):
            session = getattr(self, field) if getattr(self, f"{field}_id") else None
            if session is not None and session.programme_id != self.programme_id:
                raise ValidationError({field: _("Choose a session of this programme.")})


class SessionPin(models.Model):
    """A session the solver must leave at ``start``."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="pin")
    start = models.DateTimeField(_("pinned start"))
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    pinned_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pinned session")
        verbose_name_plural = _("pinned sessions")

    def __str__(self) -> str:
        return f"{self.session} @ {self.start:%Y-%m-%d %H:%M} UTC"


class TimetableProposal(models.Model):
    """One run of the solver for a programme, and what it proposed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Proposed")
        INFEASIBLE = "infeasible", _("No timetable possible")
        FAILED = "failed", _("Failed")

    FINISHED = (Status.DONE, Status.INFEASIBLE, Status.FAILED)

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="timetable_proposals"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    phrase = models.CharField(max_length=200, blank=True)
    time_limit_s = models.PositiveIntegerField(_("time limit (seconds)"))
    # Session id -> [start, end] (ISO, UTC) of the timetable the solver started from.
    basis = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    optimal = models.BooleanField(null=True)
    gap = models.FloatField(null=True)
    # Infeasible: [{"text": English, "code": ..., "params": {...}}], rendered on display.
    explanation = models.JSONField(default=list, blank=True)
    accepted_session_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("timetable proposal")
        verbose_name_plural = _("timetable proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=1), name="progress_is_a_fraction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED
