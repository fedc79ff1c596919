"""Certificate operations: eligibility, issue, withhold, revoke, templates, images, batches.

Each operation is atomic and audited. A certificate is rendered once, when issued,
and its PDF kept: it never changes afterwards. To correct one, revoke it (with a
reason) and issue a new one, which gets a new code; the old code keeps answering
"revoked" on the verification page.
"""

import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import segno
from babel.numbers import format_decimal
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from seminarium.attendance import services as attendance
from seminarium.core import locales
from seminarium.core.audit import audited_save, record, snapshot
from seminarium.core.models import Country
from seminarium.core.tasks import enqueue_after_commit
from seminarium.programmes.models import Participation, Programme

from . import sandbox
from .models import Certificate, CertificateBatch, CertificateTemplate, TemplateAsset

CERTIFIED_KINDS = (Participation.Kind.PARTICIPANT, Participation.Kind.OBSERVER)
DEFAULT_TEMPLATE_DIR = Path(__file__).parent / "templates" / "certificates" / "default"
MAX_ASSET_BYTES = 2 * 1024 * 1024
MAX_ASSET_PIXELS = 4000 * 4000
ASSET_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
ASSET_AUDIT_FIELDS = ["name", "content_type", "width", "height"]
AUDITED_FIELDS = ["status", "reason", "code", "issued_at", "revoked_at", "attended_minutes"]


def issued_count(programme: Programme) -> int:
    """Certificates of the programme that are valid now (issued, not revoked)."""
    return Certificate.objects.filter(
        participation__programme=programme, status=Certificate.Status.ISSUED
    ).count()


def certified_participations(programme: Programme, country: str | None = None) -> QuerySet:
    """Confirmed participants and observers: the people a certificate may be for."""
    listed = programme.participations.filter(
        status=Participation.Status.CONFIRMED, kind__in=CERTIFIED_KINDS
    ).select_related("person", "country")
    if country:
        listed = listed.filter(country_id=country)
    return listed.order_by("country_id", "person__family_name", "person__given_name", "id")


def current_certificate(participation: Participation) -> Certificate | None:
    return participation.certificates.exclude(status=Certificate.Status.REVOKED).first()


# The template ---------------------------------------------------------------------------


def default_template() -> tuple[str, str]:
    """The built-in template (HTML, CSS), read as plain text: it is a Jinja template."""
    return (
        (DEFAULT_TEMPLATE_DIR / "certificate.html.jinja").read_text(encoding="utf-8"),
        (DEFAULT_TEMPLATE_DIR / "certificate.css").read_text(encoding="utf-8"),
    )


def template_of(programme: Programme) -> tuple[str, str]:
    custom = CertificateTemplate.objects.filter(programme=programme).first()
    return (custom.html, custom.css) if custom else default_template()


def _refusal(error: sandbox.TemplateRefused) -> ValidationError:
    messages = {
        "too_long": _("The template is too long."),
        "syntax": _("The template has a syntax error: %(detail)s"),
        "forbidden_tag": _("Templates may not include, import or extend files, nor use macros."),
        "loops": _("Loops may be nested at most two deep."),
        "security": _("The template tries something that is not allowed: %(detail)s"),
        "render": _("The template cannot be filled in: %(detail)s"),
    }
    return ValidationError(
        messages[error.code], code=error.code, params={"detail": str(error)[:300]}
    )


@transaction.atomic
def save_template(actor, programme: Programme, html: str, css: str) -> CertificateTemplate:
    """Check the template by rendering a sample certificate, then save it."""
    preview_pdf(programme, html, css)
    template = CertificateTemplate.objects.filter(programme=programme).first()
    template = template or CertificateTemplate(programme=programme)
    template.html, template.css = html, css
    return audited_save(actor, template, programme_id=programme.pk)


@transaction.atomic
def reset_template(actor, programme: Programme) -> None:
    template = CertificateTemplate.objects.filter(programme=programme).first()
    if template:
        record(actor, "delete", template, before=snapshot(template), programme_id=programme.pk)
        template.delete()


def check_image(data: bytes) -> tuple[str, int, int]:
    """(content type, width, height) of a real PNG or JPEG within the limits; else refused."""
    if len(data) > MAX_ASSET_BYTES:
        raise ValidationError(_("Images may be at most 2 MB."), code="too_big")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            if width * height > MAX_ASSET_PIXELS:
                raise ValidationError(
                    _("Images may be at most 16 megapixels."), code="too_many_pixels"
                )
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This file is not a PNG or JPEG image."), code="bad") from error
    if kind not in ASSET_FORMATS:
        raise ValidationError(_("This file is not a PNG or JPEG image."), code="bad")
    return ASSET_FORMATS[kind], width, height


@transaction.atomic
def save_asset(actor, programme: Programme, name: str, data: bytes) -> TemplateAsset:
    content_type, width, height = check_image(data)
    asset = TemplateAsset.objects.filter(programme=programme, name=name).first()
    asset = asset or TemplateAsset(programme=programme, name=name)
    before = snapshot(asset, ASSET_AUDIT_FIELDS) if asset.pk else None
    asset.content_type, asset.data, asset.width, asset.height = content_type, data, width, height
    asset.full_clean(exclude=["programme"])
    asset.save()
    # The image itself stays out of the log: its digest identifies it.
    after = {**snapshot(asset, ASSET_AUDIT_FIELDS), "sha256": hashlib.sha256(data).hexdigest()}
    record(
        actor,
        "update" if before else "create",
        asset,
        before=before,
        after=after,
        programme_id=programme.pk,
    )
    return asset


@transaction.atomic
def delete_asset(actor, asset: TemplateAsset) -> None:
    record(actor, "delete", asset, before={"name": asset.name}, programme_id=asset.programme_id)
    asset.delete()


# Rendering ------------------------------------------------------------------------------


def verification_url(code: str) -> str:
    return settings.SITE_URL + reverse("certificates:verify_code", args=[code])


def qr_data_uri(url: str) -> str:
    """One pixel per module: templates scale it up with image-rendering: pixelated.

    A PNG rather than SVG, as WeasyPrint draws an image several times faster than it
    parses a path of a few hundred modules.
    """
    return segno.make(url, error="m").png_data_uri(scale=1, border=2)


def _hours(minutes: float, language: str) -> str:
    return format_decimal(minutes / 60, "#,##0.#", locale=locales.cldr_locale(language))


def printed_names(participation: Participation) -> list[str]:
    """The name as each working language's reader sees it, then the native form: no repeats."""
    forms = participation.person.name_forms
    languages = participation.programme.working_languages or [settings.LANGUAGE_CODE]
    ordered = [forms.for_reader(language) for language in languages] + [forms.native]
    return list(dict.fromkeys(name for name in ordered if name))


def _section(certificate: Certificate, programme: Programme, language: str) -> dict:
    person = certificate.participation.person
    with translation.override(language):
        funder = programme.funder.name.localize(language) if programme.funder else ""
        return {
            "lang": language,
            "heading": gettext("Certificate"),
            "certify": gettext("This is to certify that"),
            "name": person.name_forms.for_reader(language),
            "took_part": gettext("took part in"),
            "title": certificate.programme_title.get(language, ""),
            "dates": certificate.dates.get(language, ""),
            "hours_label": gettext("Hours attended"),
            "hours": _hours(certificate.attended_minutes, language),
            "host_label": gettext("Host"),
            "host": programme.host.name.localize(language),
            "funder_label": gettext("Funded by") if funder else "",
            "funder": funder,
            "funding_reference": programme.funding_reference,
            "verify_label": gettext("Verify this certificate at"),
            "code_label": gettext("Code"),
        }


def template_context(certificate: Certificate, assets: list[str]) -> dict:
    """Plain data only (no model objects): all that an organiser's template can reach."""
    participation = certificate.participation
    programme = participation.programme
    languages = programme.working_languages or [settings.LANGUAGE_CODE]
    sections = [_section(certificate, programme, language) for language in languages]
    section_names = {section["name"] for section in sections}
    url = verification_url(certificate.code)
    return {
        "languages": languages,
        "sections": sections,
        "host_names": list(dict.fromkeys(section["host"] for section in sections)),
        "names": certificate.names,
        "other_names": [name for name in certificate.names if name not in section_names],
        "code": certificate.grouped_code,
        "verify_url": url,
        "qr": qr_data_uri(url),
        "assets": {name: f"asset:{name}" for name in assets},
    }


def _snapshot_statement(certificate: Certificate) -> None:
    """Fix what the certificate states, in every working language, at issue time."""
    participation = certificate.participation
    programme = participation.programme
    languages = programme.working_languages or [settings.LANGUAGE_CODE]
    certificate.names = printed_names(participation)
    certificate.programme_title = {lang: programme.title.localize(lang) for lang in languages}
    certificate.dates = {
        lang: locales.date_range(programme.start_date, programme.end_date, lang)
        for lang in languages
    }


def render_pdf(certificate: Certificate, html: str, css: str, assets: dict) -> bytes:
    context = template_context(certificate, list(assets))
    try:
        filled = sandbox.render_html(html, context)
    except sandbox.TemplateRefused as error:
        raise _refusal(error) from error
    return sandbox.html_to_pdf(filled, css, sandbox.AssetFetcher(assets))


def _assets(programme: Programme) -> dict[str, sandbox.Asset]:
    return {
        a.name: sandbox.Asset(a.content_type, bytes(a.data))
        for a in TemplateAsset.objects.filter(programme=programme)
    }


def preview_pdf(programme: Programme, html: str, css: str) -> bytes:
    """A sample certificate (an unsaved one, for a fictional person) from this template."""
    from seminarium.people.models import Person

    person = Person(
        family_name="Образцова",
        given_name="Анна",
        patronymic="Сергеевна",
        latin_family_name="Obraztsova",
        latin_given_name="Anna",
        chinese_name="奥布拉兹佐娃·安娜",
        russian_name="Образцова Анна Сергеевна",
    )
    participation = Participation(programme=programme, person=person)
    sample = Certificate(participation=participation, attended_minutes=1800)
    _snapshot_statement(sample)
    return render_pdf(sample, html, css, _assets(programme))


# Decisions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    participation: Participation
    attendance: attendance.ParticipantAttendance | None  # None: not expected at any session
    certificate: Certificate | None

    @property
    def eligible(self) -> bool:
        return bool(self.attendance and self.attendance.eligible)


def candidates(programme: Programme, country: str | None = None) -> list[Candidate]:
    rates = attendance.programme_attendance(programme)
    current = {
        c.participation_id: c
        for c in Certificate.objects.filter(participation__programme=programme)
        .exclude(status=Certificate.Status.REVOKED)
        .defer("pdf")
    }
    return [
        Candidate(p, rates.get(p.pk), current.get(p.pk))
        for p in certified_participations(programme, country)
    ]


def _refuse(message, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _locked(participation: Participation) -> Participation:
    return (
        # Lock only the participation: PostgreSQL cannot lock the nullable side of the
        # outer join to the funder.
        Participation.objects.select_for_update(of=("self",))
        .select_related("programme__host", "programme__funder", "person")
        .get(pk=participation.pk)
    )


def _audit(actor, certificate: Certificate, before: dict | None) -> None:
    record(
        actor,
        "update" if before else "create",
        certificate,
        before=before,
        after=snapshot(certificate, AUDITED_FIELDS),
        programme_id=certificate.participation.programme_id,
        country_code=certificate.participation.country_id,
    )


@transaction.atomic
def issue(
    actor,
    participation: Participation,
    *,
    reason: str = "",
    rates: dict | None = None,
    template: tuple[str, str] | None = None,
    assets: dict | None = None,
) -> Certificate:
    """Issue the participant's certificate. Below the threshold only with a reason.

    ``rates``, ``template`` and ``assets`` let a batch compute them once.
    """
    participation = _locked(participation)
    programme = participation.programme
    if participation.status != Participation.Status.CONFIRMED or (
        participation.kind not in CERTIFIED_KINDS
    ):
        raise _refuse(_("Only confirmed participants and observers get certificates."), "kind")
    if participation.person.names_confirmed_at is None:
        raise _refuse(
            _("The participant has not confirmed the spelling of their names yet."),
            "names_unconfirmed",
        )
    rates = attendance.programme_attendance(programme) if rates is None else rates
    rate = rates.get(participation.pk)
    if not (rate and rate.eligible) and not reason.strip():
        raise _refuse(
            _("Attendance is below the threshold: give a reason to issue anyway."), "below"
        )
    certificate = current_certificate(participation)
    if certificate and certificate.status == Certificate.Status.ISSUED:
        raise _refuse(_("A certificate is already issued."), "issued")
    before = snapshot(certificate, AUDITED_FIELDS) if certificate else None
    certificate = certificate or Certificate(participation=participation)
    certificate.participation = participation
    if before:
        # A withheld certificate's code was never handed out; a fresh one anyway.
        certificate.code = Certificate._meta.get_field("code").default()
    certificate.status = Certificate.Status.ISSUED
    certificate.reason = reason.strip()
    certificate.issued_at = timezone.now()
    certificate.attended_minutes = rate.attended_minutes if rate else 0
    certificate.attendance_rate = rate.rate if rate else 0
    _snapshot_statement(certificate)
    html, css = template or template_of(programme)
    certificate.pdf = render_pdf(
        certificate, html, css, _assets(programme) if assets is None else assets
    )
    certificate.full_clean(exclude=["participation", "pdf"])
    certificate.save()
    _audit(actor, certificate, before)
    return certificate


@transaction.atomic
def withhold(actor, participation: Participation, reason: str) -> Certificate:
    participation = _locked(participation)
    certificate = current_certificate(participation)
    if certificate and certificate.status == Certificate.Status.ISSUED:
        raise _refuse(_("This certificate is issued: revoke it instead."), "issued")
    before = snapshot(certificate, AUDITED_FIELDS) if certificate else None
    certificate = certificate or Certificate(participation=participation)
    certificate.status = Certificate.Status.WITHHELD
    certificate.reason = reason.strip()
    certificate.full_clean(exclude=["participation", "pdf"])
    certificate.save()
    _audit(actor, certificate, before)
    return certificate


@transaction.atomic
def revoke(actor, certificate: Certificate, reason: str) -> Certificate:
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status != Certificate.Status.ISSUED:
        raise _refuse(_("Only an issued certificate can be revoked."), "not_issued")
    before = snapshot(certificate, AUDITED_FIELDS)
    certificate.status = Certificate.Status.REVOKED
    certificate.reason = reason.strip()
    certificate.revoked_at = timezone.now()
    certificate.full_clean(exclude=["participation", "pdf"])
    certificate.save()
    _audit(actor, certificate, before)
    return certificate


# Bulk -----------------------------------------------------------------------------------

BATCH_DIR = "certificate-batches"


def batch_path(batch: CertificateBatch) -> Path:
    return Path(settings.DATA_DIR) / BATCH_DIR / f"{batch.pk}.zip"


def pdf_filename(certificate: Certificate) -> str:
    person = certificate.participation.person
    name = slugify(person.latin_name or person.native_name, allow_unicode=True) or "certificate"
    return f"{certificate.participation.country_id}-{name}-{certificate.code[:4]}.pdf"


@transaction.atomic
def new_batch(
    actor, programme: Programme, *, country: str | None = None, issue_eligible: bool = False
) -> CertificateBatch:
    """Record (and audit) a request for a ZIP; ``build_batch`` does the work."""
    batch = CertificateBatch.objects.create(
        programme=programme,
        country=Country.objects.get(pk=country) if country else None,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        issue_eligible=issue_eligible,
    )
    record(
        actor,
        "request",
        batch,
        after={"country": country or "", "issue_eligible": issue_eligible},
        programme_id=programme.pk,
        country_code=country or "",
    )
    return batch


@transaction.atomic
def request_batch(
    actor, programme: Programme, *, country: str | None = None, issue_eligible: bool = False
) -> CertificateBatch:
    """A ZIP prepared by a background worker, started once this transaction commits."""
    # tasks.py imports this module, so it is imported here, when first needed.
    from .tasks import run_batch

    batch = new_batch(actor, programme, country=country, issue_eligible=issue_eligible)
    enqueue_after_commit(run_batch, str(batch.pk))
    return batch


def _progress(batch: CertificateBatch, **fields) -> None:
    CertificateBatch.objects.filter(pk=batch.pk).update(**fields)


def build_batch(batch: CertificateBatch, on_step: Callable[[int, int], None] | None = None) -> Path:
    """Issue eligible certificates (if asked), then ZIP the valid ones; progress saved as it goes.

    ``on_step(done, total)`` is called after each certificate. Returns the ZIP's path.

    Each certificate is its own transaction: a failure leaves the ones before it issued.
    """
    programme = batch.programme
    to_issue = []
    if batch.issue_eligible:
        to_issue = [
            c.participation
            for c in candidates(programme, batch.country_id)
            if c.eligible and c.certificate is None and c.participation.person.names_confirmed_at
        ]
    issued = Certificate.objects.filter(
        participation__programme=programme, status=Certificate.Status.ISSUED
    )
    if batch.country_id:
        issued = issued.filter(participation__country_id=batch.country_id)
    total = len(to_issue) + issued.count()
    _progress(batch, status=CertificateBatch.Status.RUNNING, total=total, done=0)
    done = 0
    if to_issue:
        rates = attendance.programme_attendance(programme)
        template, assets = template_of(programme), _assets(programme)
        for participation in to_issue:
            issue(batch.requested_by, participation, rates=rates, template=template, assets=assets)
            done += 1
            _progress(batch, done=done)
            if on_step:
                on_step(done, total)
    path = batch_path(batch)
    path.parent.mkdir(parents=True, exist_ok=True)
    certificates = issued.select_related("participation__person")
    total = done + certificates.count()
    _progress(batch, total=total)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates.iterator(chunk_size=50):
            archive.writestr(pdf_filename(certificate), bytes(certificate.pdf))
            done += 1
            if done % 10 == 0:
                _progress(batch, done=done)
            if on_step:
                on_step(done, total)
    _progress(
        batch,
        status=CertificateBatch.Status.DONE,
        done=total,
        zip_file=path.name,
        finished_at=timezone.now(),
    )
    return path


def fail_batch(batch: CertificateBatch, error: Exception) -> None:
    _progress(
        batch,
        status=CertificateBatch.Status.FAILED,
        error=str(error)[:2000],
        finished_at=timezone.now(),
    )
