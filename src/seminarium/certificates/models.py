"""Certificates of attendance, the organisers' template for them, and bulk ZIP batches.

A certificate keeps what it stated when issued (names as printed, hours, the PDF
itself), so later edits of a person, the programme or the template never change a
certificate already handed out. The public verification code is the only way in
from outside; ids never appear in public addresses.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from seminarium.programmes.models import Participation, Programme

# Crockford's base32: no I, L, O or U, so codes read aloud and typed by hand survive.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 16 symbols x 5 bits = 80 bits from `secrets`
CODE_GROUP = 4


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """What a person typed, as stored: case, spaces, dashes and look-alike letters forgiven."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


def grouped(code: str) -> str:
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


class CertificateTemplate(models.Model):
    """The organisers' HTML and CSS for a programme's certificates (a sandboxed Jinja template)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="certificate_template"
    )
    html = models.TextField(_("HTML"))
    css = models.TextField(_("CSS"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")

    def __str__(self) -> str:
        return str(_("Certificate template of %(programme)s") % {"programme": self.programme})


class TemplateAsset(models.Model):
    """An image for the template (seal, logo, signature), checked by content on upload."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="certificate_assets"
    )
    name = models.SlugField(
        _("name"),
        max_length=40,
        help_text=_("Used in the template as asset:name, for example asset:seal."),
    )
    content_type = models.CharField(max_length=20)
    data = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("template image")
        verbose_name_plural = _("template images")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="one_asset_per_name")
        ]

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        WITHHELD = "withheld", _("Withheld")
        REVOKED = "revoked", _("Revoked")

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="certificates"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_code, editable=False)
    # What the certificate states, as printed.
    names = models.JSONField(_("names as printed"), default=list, blank=True)
    programme_title = models.JSONField(default=dict, blank=True)
    dates = models.JSONField(default=dict, blank=True)
    attended_minutes = models.FloatField(_("minutes attended"), default=0)
    attendance_rate = models.FloatField(_("attendance rate"), default=0)
    pdf = models.BinaryField(editable=False, default=bytes)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Revoked certificates stay for verification; only one may be current.
            models.UniqueConstraint(
                fields=["participation"],
                condition=~Q(status="revoked"),
                name="one_current_certificate_per_participation",
            ),
            models.CheckConstraint(
                condition=~Q(status="issued") | Q(issued_at__isnull=False),
                name="issued_certificate_has_date",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Certificate %(code)s") % {"code": self.grouped_code})

    @property
    def grouped_code(self) -> str:
        return grouped(self.code)

    @property
    def is_public(self) -> bool:
        """Only issued and revoked certificates were ever handed out, so only they verify."""
        return self.status in (self.Status.ISSUED, self.Status.REVOKED)

    def clean(self) -> None:
        if self.status in (self.Status.WITHHELD, self.Status.REVOKED) and not self.reason.strip():
            raise ValidationError({"reason": _("Give a reason.")})


class CertificateBatch(models.Model):
    """A ZIP of many certificates, prepared in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Preparing")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    # A random id: batch pages and downloads are addressed by it.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="certificate_batches"
    )
    country = models.ForeignKey(
        "core.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issue_eligible = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    zip_file = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.programme} {self.country_id or ''}".strip()

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
