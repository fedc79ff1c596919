"""Video rooms per session and language channel, personal join links and the join log."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from seminarium.programmes.models import Participation, Programme, Session

PROVIDER_CHOICES = [
    ("jitsi", _("Jitsi (public, embedded)")),
    ("jitsi-jwt", _("Jitsi (self-hosted, with tokens)")),
    ("janus", _("Janus (self-hosted, embedded)")),
    ("bbb", _("BigBlueButton")),
    ("zoom", _("Zoom")),
]
DEFAULT_PROVIDER = "jitsi"


def new_room_key() -> str:
    """Public room names must be unguessable: 128 random bits, safe in every provider's ids."""
    return "seminarium-" + secrets.token_hex(16)


def new_link_token() -> str:
    """192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


class VideoSettings(models.Model):
    """The programme's video provider; sessions may override it."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="video_settings"
    )
    provider = models.CharField(
        _("video provider"), max_length=20, choices=PROVIDER_CHOICES, default=DEFAULT_PROVIDER
    )

    class Meta:
        verbose_name = _("video settings")
        verbose_name_plural = _("video settings")

    def __str__(self) -> str:
        return f"{self.programme} – {self.get_provider_display()}"


class SessionVideo(models.Model):
    """A session's own provider, overriding the programme's."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="video")
    provider = models.CharField(_("video provider"), max_length=20, choices=PROVIDER_CHOICES)

    class Meta:
        verbose_name = _("session video provider")
        verbose_name_plural = _("session video providers")

    def __str__(self) -> str:
        return f"{self.session} – {self.get_provider_display()}"


class Room(models.Model):
    """One provider room for one session and one language channel ('' is the floor)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being created")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        ENDED = "ended", _("Ended")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="video_rooms")
    channel = models.CharField(_("language channel"), max_length=10, blank=True)
    provider = models.CharField(_("video provider"), max_length=20, choices=PROVIDER_CHOICES)
    key = models.CharField(max_length=64, unique=True, default=new_room_key)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    provider_room_id = models.CharField(max_length=255, blank=True, db_index=True)
    # What the provider returned at creation, handed back to it later (no secrets).
    data = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    attendance_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("video room")
        verbose_name_plural = _("video rooms")
        ordering = ["session__start", "session_id", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["session", "channel"], name="one_room_per_channel")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.session} [{self.channel or 'floor'}]"


class PersonalLink(models.Model):
    """A participant's personal join page for one programme; the token is the only secret."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="personal_links"
    )
    token = models.CharField(max_length=64, unique=True, default=new_link_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal join link")
        verbose_name_plural = _("personal join links")
        constraints = [
            models.UniqueConstraint(
                fields=["participation"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_link_per_participation",
            )
        ]

    def __str__(self) -> str:
        return str(self.participation)


class JoinRecord(models.Model):
    """Append-only: someone clicked join. The join path's only write.

    The latest record's channel is the participant's remembered channel choice.
    """

    # No foreign-key constraints in the database (Django still cascades): on PostgreSQL
    # their triggers share-lock the link, session and room rows on every insert, and at
    # the top of the hour thousands of joins lock the same session and room rows.
    # Only the link is indexed, as records are read by link (the remembered channel, the
    # presence check); an index on the session or the room would serve only the rare
    # deletion of one, and every join would pay to keep it.
    link = models.ForeignKey(
        PersonalLink, on_delete=models.CASCADE, related_name="joins", db_constraint=False
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="join_records",
        db_constraint=False,
        db_index=False,
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        related_name="joins",
        db_constraint=False,
        db_index=False,
    )
    channel = models.CharField(max_length=10, blank=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("join record")
        verbose_name_plural = _("join records")

    def __str__(self) -> str:
        return f"{self.link_id} → {self.session_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Join records are append-only.")
        super().save(*args, **kwargs)


class ZoomRegistrant(models.Model):
    """A participant registered to a Zoom meeting. The personal join URL never leaves the server
    except as the redirect of that participant's own join click."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="registrants")
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="zoom_registrations"
    )
    registrant_id = models.CharField(max_length=255, db_index=True)
    join_url = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Zoom registrant")
        verbose_name_plural = _("Zoom registrants")
        constraints = [
            models.UniqueConstraint(
                fields=["room", "participation"], name="one_registration_per_room"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participation} – {self.room}"
