"""Calls for nominations, per-country quotas, nominations and the decisions on them.

A place is held by a nomination that is pending or approved. `Quota.taken` counts
them; a check constraint keeps it between 0 and `places`, and services change it
only with a conditional UPDATE, so a place can never be given twice (see
services.py for the locking on SQLite and PostgreSQL).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from i18nfield.fields import I18nCharField, I18nTextField

from seminarium.core.models import Country
from seminarium.people.models import Person
from seminarium.programmes.models import Participation, Programme


class Call(models.Model):
    """A call for nominations for one programme."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="call", verbose_name=_("programme")
    )
    deadline = models.DateTimeField(_("deadline"))
    message = I18nTextField(_("message to coordinators"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)

    class Meta:
        verbose_name = _("call for nominations")
        verbose_name_plural = _("calls for nominations")

    def __str__(self) -> str:
        return str(self.programme)

    @property
    def is_accepting(self) -> bool:
        return self.status == self.Status.OPEN and timezone.now() < self.deadline


class ExtraField(models.Model):
    """A question beyond the minimal set. It exists only with a stated purpose,
    which the nomination form shows beside it."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="extra_fields")
    label = I18nCharField(_("question"))
    purpose = I18nTextField(_("why it is needed"))
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("extra question")
        verbose_name_plural = _("extra questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return str(self.label)


class Quota(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="quotas")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    places = models.PositiveIntegerField(_("places"))
    taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["country"]
        constraints = [
            models.UniqueConstraint(fields=["call", "country"], name="one_quota_per_country"),
            models.CheckConstraint(
                condition=Q(taken__gte=0) & Q(taken__lte=F("places")),
                name="quota_never_overbooked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id}: {self.taken}/{self.places}"

    @property
    def left(self) -> int:
        return self.places - self.taken


class Nomination(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("Waiting list")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    HOLDS_PLACE = (Status.PENDING, Status.APPROVED)

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="nominations")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nominations")
    # The nominee's address, lower-cased: the same judge nominated twice is caught
    # by the database even when the two requests race.
    email = models.EmailField(_("e-mail"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    answers = models.JSONField(_("answers to extra questions"), default=dict, blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Order on the waiting list: the first wait-listed gets the next freed place.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    participation = models.OneToOneField(
        Participation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nomination",
    )

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["country", "created_at", "id"]
        constraints = [
            # Withdrawn and rejected nominations stay on record; a person may be
            # nominated again only after one of those.
            models.UniqueConstraint(
                fields=["call", "person"],
                condition=Q(status__in=["pending", "approved", "waitlisted"]),
                name="one_live_nomination_per_person",
            ),
            models.UniqueConstraint(
                fields=["call", "email"],
                condition=Q(status__in=["pending", "approved", "waitlisted"]),
                name="one_live_nomination_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.country_id}) – {self.get_status_display()}"

    @property
    def holds_place(self) -> bool:
        return self.status in self.HOLDS_PLACE
