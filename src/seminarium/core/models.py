"""Shared pieces: countries, the append-only audit log and API tokens."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .locales import cldr_locale, country_name


def validate_country_code(value: str) -> None:
    if value.upper() not in cldr_locale("en").territories or not value.isalpha():
        raise ValidationError(
            _("%(code)s is not an ISO 3166 country code."), params={"code": value}
        )


class Country(models.Model):
    """A country by ISO 3166-1 alpha-2 code; its names come from CLDR, not from the database."""

    code = models.CharField(
        _("ISO code"), max_length=2, primary_key=True, validators=[validate_country_code]
    )

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name()

    def save(self, *args, **kwargs):
        self.code = self.code.upper()
        super().save(*args, **kwargs)

    def name(self, language: str | None = None) -> str:
        return country_name(self.code, language or get_language() or settings.LANGUAGE_CODE)


def country_for_code(code: str) -> Country:
    """The country row for an ISO code, made on first use: its names come from CLDR."""
    validate_country_code(code)
    country, _created = Country.objects.get_or_create(code=code.upper())
    return country


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only.")

    def delete(self):
        raise TypeError("The audit log is append-only.")


class AuditEvent(models.Model):
    """One change, as it happened: who, when, what, before and after. Never edited."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    # Scope, kept as plain values so that core depends on no app above it.
    programme_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    country_code = models.CharField(max_length=2, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only.")


def _hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def authenticate(self, key: str) -> "ApiToken | None":
        token = (
            self.filter(key_hash=_hash_token(key), revoked_at__isnull=True, user__is_active=True)
            .select_related("user")
            .first()
        )
        if token is not None:
            type(self)(self.model).filter(pk=token.pk).update(last_used_at=timezone.now())
        return token


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """Create a token; return it with its key, which is never shown again."""
        # A prefix starting with "-" would read as an option to `seminarium token revoke`.
        while (key := secrets.token_urlsafe(32)).startswith("-"):
            pass
        token = cls.objects.create(user=user, name=name, key_hash=_hash_token(key), prefix=key[:8])
        return token, key


class OutboxMessage(models.Model):
    """An e-mail waiting to go, gone, or failed. Organisers review it per programme.

    ``preview`` is the text as organisers may see it: personal sign-in links are
    replaced by a placeholder, so reviewing the outbox never exposes them.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=10)
    purpose = models.CharField(_("purpose"), max_length=40)
    subject = models.CharField(_("subject"), max_length=300)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    preview = models.TextField(_("text"))
    programme_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    country_code = models.CharField(max_length=2, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
