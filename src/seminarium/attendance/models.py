"""The attendance ledger: raw events (append-only), room ends, excused absences, and
the attended time computed from them (see services.py and intervals.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seminarium.programmes.models import Participation, Programme, Session


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove a raw ledger row."""


class AttendanceEvent(models.Model):
    """One raw event as a provider, a report or our room page sent it. Never changed.

    Unknown participants (``participation`` empty) are kept for review; an organiser
    attributes them with a :class:`ParticipantLink`, never by editing the event.
    Deleting a session or a participation (an audited organiser act) takes its rows
    with it, through the database.
    """

    class Kind(models.TextChoices):
        JOIN = "join", _("Joined the room")
        LEAVE = "leave", _("Left the room")
        HEARTBEAT = "heartbeat", _("Present")

    # No foreign-key constraints in the database: record_events checks each batch's
    # sessions and participants in one query, while the constraints' triggers cost
    # PostgreSQL two lookups per event, a third of ingesting it. Deletions still
    # cascade (Django's own cascade), and the indexes stay.
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    participation = models.ForeignKey(
        Participation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    source = models.CharField(max_length=20)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField()
    device = models.CharField(max_length=200, blank=True)
    # "<source>:<provider event id>" or "<source>:sha256:<content hash>"; one row per key.
    key = models.CharField(max_length=255, unique=True)
    final = models.BooleanField(default=False)
    participant_label = models.CharField(max_length=200, blank=True)
    payload = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attendance event")
        verbose_name_plural = _("attendance events")
        # Few indexes, since every one slows the insert of each event: the foreign
        # keys' own (reads go by session), the unique key, and two small ones: the
        # unmatched events, and the final reports.
        indexes = [
            models.Index(
                fields=["session", "source"],
                condition=models.Q(participation__isnull=True),
                name="attendance_unmatched",
            ),
            models.Index(
                fields=["session", "source"],
                condition=models.Q(final=True),
                name="attendance_final",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("attendance events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("attendance events are never deleted")

    @property
    def identity(self) -> str:
        """How an unknown participant is recognised for review: their label, else the device."""
        return self.participant_label or self.device


class RoomEnd(models.Model):
    """When a provider's room for a session ended; open segments close there."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "source"], name="one_room_end_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.at:%Y-%m-%d %H:%M:%S}"


class ParticipantLink(models.Model):
    """An organiser's decision that an unknown participant of a source is this participation.

    Applies to the unmatched events of that source and identity in every session of
    the programme.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=20)
    identity = models.CharField(_("shown as"), max_length=200)
    participation = models.ForeignKey(
        Participation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("participant"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("participant link")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "source", "identity"], name="one_link_per_identity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.identity} → {self.participation_id}"


class ExcusedAbsence(models.Model):
    participation = models.ForeignKey(
        Participation,
        on_delete=models.CASCADE,
        related_name="excused_absences",
        verbose_name=_("participant"),
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="excused_absences",
        verbose_name=_("session"),
    )
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("excused absence")
        verbose_name_plural = _("excused absences")
        ordering = ["session__start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "session"], name="one_excuse_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participation.person} – {self.session}"

    def clean(self) -> None:
        if not self.reason.strip():
            raise ValidationError({"reason": _("Give the reason for the absence.")})
        if (
            self.participation_id
            and self.session_id
            and self.participation.programme_id != self.session.programme_id
        ):
            raise ValidationError(_("The session is not in this participant’s programme."))


class AttendanceSettings(models.Model):
    """Per-programme attendance settings; without a row, the site's defaults apply."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="attendance_settings"
    )
    threshold = models.FloatField(
        _("certificate threshold (%)"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The share of scheduled time a participant must attend for a certificate."),
    )

    def __str__(self) -> str:
        return f"{self.programme}: {self.threshold} %"


class AttendedTime(models.Model):
    """Computed from the raw events; rebuilt at will, never edited by hand."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="+")
    # Microseconds, so that rates are exact (51 of 60 minutes is exactly 85 %).
    attended_us = models.BigIntegerField()
    intervals = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participation"], name="one_attended_time_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.minutes:.1f} min"

    @property
    def minutes(self) -> float:
        return self.attended_us / 60_000_000


class StaleSession(models.Model):
    """A session whose attended time must be recomputed before it is read.

    ``token`` changes at every marking, so a recompute that read the events before a
    newer batch arrived leaves the mark in place.
    """

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return str(self.session_id)
