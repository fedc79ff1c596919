"""Programmes (seminars), their sessions, who takes part, and who may manage them."""

import zoneinfo
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from i18nfield.fields import I18nCharField, I18nTextField

from seminarium.core.models import Country
from seminarium.people.models import Organisation, Person, validate_timezone

CONTENT_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def validate_languages(value: list) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one language."))
    unknown = [code for code in value if code not in CONTENT_LANGUAGES]
    if unknown:
        raise ValidationError(
            _("Unknown language: %(codes)s."), params={"codes": ", ".join(map(str, unknown))}
        )


class ProgrammeQuerySet(models.QuerySet):
    def published(self) -> "ProgrammeQuerySet":
        return self.filter(status=Programme.Status.PUBLISHED)


class Programme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    class DeliveryMode(models.TextChoices):
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")
        ONSITE = "onsite", _("On site")

    slug = models.SlugField(_("short name in links"), max_length=80, unique=True)
    title = I18nCharField(_("title"))
    summary = I18nTextField(_("summary"), blank=True)
    host = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="hosted_programmes",
        verbose_name=_("host"),
    )
    funder = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funded_programmes",
        verbose_name=_("funder"),
    )
    funding_reference = models.CharField(_("funding project reference"), max_length=100, blank=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    timezone = models.CharField(
        _("programme time zone"),
        max_length=64,
        default="Asia/Shanghai",
        validators=[validate_timezone],
    )
    working_languages = models.JSONField(
        _("working languages"), default=list, validators=[validate_languages]
    )
    delivery_mode = models.CharField(
        _("delivery mode"),
        max_length=10,
        choices=DeliveryMode.choices,
        default=DeliveryMode.ONLINE,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_date", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="programme_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return str(self.title)

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot come before the first.")})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def days(self) -> list[date]:
        return [
            date.fromordinal(n)
            for n in range(self.start_date.toordinal(), self.end_date.toordinal() + 1)
        ]


class Session(models.Model):
    class Kind(models.TextChoices):
        CEREMONY = "ceremony", _("Ceremony")
        LECTURE = "lecture", _("Lecture")
        DISCUSSION = "discussion", _("Discussion")
        PANEL = "panel", _("Panel")
        WORKSHOP = "workshop", _("Workshop")
        STUDY_VISIT = "study_visit", _("Study visit")
        BREAK = "break", _("Break")
        OTHER = "other", _("Other")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sessions")
    title = I18nCharField(_("title"))
    description = I18nTextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LECTURE)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    floor_language = models.CharField(_("floor language"), max_length=10)
    interpretation_languages = models.JSONField(_("interpretation into"), default=list, blank=True)
    room = I18nCharField(_("on-site room"), blank=True)
    is_online = models.BooleanField(_("online"), default=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="session_ends_after_start")
        ]
        indexes = [models.Index(fields=["programme", "start"])]

    def __str__(self) -> str:
        return str(self.title)

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.start and self.end and self.end <= self.start:
            errors.setdefault("end", []).append(_("The end must come after the start."))
        programme = self.programme if self.programme_id else None
        if programme and self.start and self.end:
            zone = programme.zone
            if self.start.astimezone(zone).date() < programme.start_date:
                errors.setdefault("start", []).append(
                    _("The session starts before the programme’s first day.")
                )
            if self.end.astimezone(zone).date() > programme.end_date:
                errors.setdefault("end", []).append(
                    _("The session ends after the programme’s last day.")
                )
        if programme and self.floor_language and programme.working_languages:
            languages = set(programme.working_languages)
            if self.floor_language not in languages:
                errors.setdefault("floor_language", []).append(
                    _("The floor language must be one of the programme’s working languages.")
                )
            if set(self.interpretation_languages or []) - languages:
                errors.setdefault("interpretation_languages", []).append(
                    _("Interpretation is only into the programme’s working languages.")
                )
        if errors:
            raise ValidationError(errors)

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def local_start(self, zone: zoneinfo.ZoneInfo) -> datetime:
        return self.start.astimezone(zone)


class SessionRole(models.Model):
    """Who takes part in a session and how, in protocol order."""

    class Role(models.TextChoices):
        HOST = "host", _("Host / chair")
        SPEAKER = "speaker", _("Speaker")
        GUEST = "guest", _("Guest")
        MODERATOR = "moderator", _("Moderator")
        INTERPRETER = "interpreter", _("Interpreter")

    class Mode(models.TextChoices):
        ONSITE = "onsite", _("On site")
        ONLINE = "online", _("Online")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="session_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    mode = models.CharField(_("attends"), max_length=10, choices=Mode.choices, default=Mode.ONSITE)
    location = I18nCharField(_("from where"), blank=True, help_text=_("For example “Beijing”."))
    protocol_order = models.PositiveIntegerField(
        _("protocol order"),
        default=100,
        help_text=_("Names are announced and speeches given in this order."),
    )
    # Interpreters work into one language channel; pairs share a channel.
    channel = models.CharField(
        _("interprets into"),
        max_length=10,
        blank=True,
        help_text=_("For interpreters: the language channel they interpret into."),
    )

    class Meta:
        verbose_name = _("session role")
        verbose_name_plural = _("session roles")
        ordering = ["protocol_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person", "role"], name="one_role_per_person_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()}"


class Participation(models.Model):
    """A person in a programme, with the country whose delegation they belong to."""

    class Kind(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        OBSERVER = "observer", _("Observer")
        LECTURER = "lecturer", _("Lecturer")
        INTERPRETER = "interpreter", _("Interpreter")
        STAFF = "staff", _("Staff")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="participations")
    kind = models.CharField(_("as"), max_length=20, choices=Kind.choices, default=Kind.PARTICIPANT)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        verbose_name=_("delegation"),
        related_name="participations",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    # Asked separately, and unknown until answered.
    press_consent = models.BooleanField(_("may be named in the press"), null=True, blank=True)
    recording_consent = models.BooleanField(_("may be recorded"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["country", "person__family_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"], name="one_participation_per_programme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.programme}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.INVITED, self.Status.CONFIRMED)


class ProgrammeRole(models.Model):
    """A user's right to manage a programme: as organiser, or as one country's coordinator."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        COORDINATOR = "coordinator", _("Country coordinator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_roles"
    )
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("country")
    )

    class Meta:
        verbose_name = _("programme role")
        verbose_name_plural = _("programme roles")
        constraints = [
            # A coordinator speaks for one country in a programme.
            models.UniqueConstraint(
                fields=["user", "programme", "role"], name="one_programme_role_of_a_kind"
            ),
            models.CheckConstraint(
                condition=Q(role="organiser", country__isnull=True)
                | Q(role="coordinator", country__isnull=False),
                name="coordinator_has_country",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.programme}"
