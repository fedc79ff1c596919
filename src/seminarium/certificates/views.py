"""Certificate pages: the organisers' console, the coordinator's country page, the
participant's own certificates, and the public verification page.

Console objects of programmes the user may not manage answer 404, as elsewhere.
"""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seminarium.core.console import console_view
from seminarium.programmes.console import managed_programme
from seminarium.programmes.models import Participation, Programme
from seminarium.programmes.rules import coordinator_scopes

from . import services
from .forms import AssetForm, BatchForm, ReasonForm, TemplateForm, VerifyForm
from .models import CODE_LENGTH, Certificate, CertificateBatch, TemplateAsset, normalise_code

FORM_PAGE = "core/console/form_page.html"
PROGRAMME_PAGE = "programmes/console/programme_page.html"


def _list_url(programme: Programme) -> str:
    return reverse("certificates:list", args=[programme.pk])


def _pdf_response(certificate: Certificate) -> HttpResponse:
    response = HttpResponse(bytes(certificate.pdf), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, services.pdf_filename(certificate)
    )
    return response


# Organisers ------------------------------------------------------------------------------


@console_view
def certificate_list(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    country = request.GET.get("country", "")
    rows = services.candidates(programme, country or None)
    return render(
        request,
        "certificates/list.html",
        {
            "programme": programme,
            "rows": rows,
            "country": country,
            "countries": sorted(
                set(
                    services.certified_participations(programme).values_list(
                        "country_id", flat=True
                    )
                )
            ),
            "issued": services.issued_count(programme),
            "batch_form": BatchForm(),
            "batches": programme.certificate_batches.filter(country__isnull=True)[:5],
            "zone": request.viewer.zone_or(programme.zone),
            "revoked": Certificate.objects.filter(
                participation__programme=programme, status=Certificate.Status.REVOKED
            ).select_related("participation__person"),
        },
    )


def _participation(request: HttpRequest, programme_id: int, participation_id: int):
    programme = managed_programme(request, programme_id)
    return get_object_or_404(
        programme.participations.select_related("person", "programme"), pk=participation_id
    )


def _decide(request, programme_id, participation_id, *, heading, required, decide, done):
    participation = _participation(request, programme_id, participation_id)
    programme = participation.programme
    # A bound form even for an empty POST: issuing needs no reason when eligible.
    form = ReasonForm(request.POST if request.method == "POST" else None, required=required)
    if request.method == "POST" and form.is_valid():
        try:
            decide(participation, form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(_list_url(programme))
    return render(
        request,
        FORM_PAGE,
        {
            "programme": programme,
            "base_template": PROGRAMME_PAGE,
            "heading": heading % {"name": participation.person.display_name()},
            "form": form,
            "cancel_url": _list_url(programme),
        },
    )


@console_view
def issue(request: HttpRequest, programme_id: int, participation_id: int) -> HttpResponse:
    return _decide(
        request,
        programme_id,
        participation_id,
        heading=_("Issue the certificate of %(name)s"),
        required=False,
        decide=lambda p, reason: services.issue(request.user, p, reason=reason),
        done=_("The certificate is issued."),
    )


@console_view
def withhold(request: HttpRequest, programme_id: int, participation_id: int) -> HttpResponse:
    return _decide(
        request,
        programme_id,
        participation_id,
        heading=_("Withhold the certificate of %(name)s"),
        required=True,
        decide=lambda p, reason: services.withhold(request.user, p, reason),
        done=_("The certificate is withheld."),
    )


@console_view
def revoke(request: HttpRequest, programme_id: int, participation_id: int) -> HttpResponse:
    def revoke_current(participation: Participation, reason: str) -> None:
        certificate = services.current_certificate(participation)
        if certificate is None:
            raise ValidationError(_("Only an issued certificate can be revoked."))
        services.revoke(request.user, certificate, reason)

    return _decide(
        request,
        programme_id,
        participation_id,
        heading=_("Revoke the certificate of %(name)s"),
        required=True,
        decide=revoke_current,
        done=_("The certificate is revoked."),
    )


@console_view
def template_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    html, css = services.template_of(programme)
    form = TemplateForm(request.POST or None, initial={"html": html, "css": css})
    if request.method == "POST" and form.is_valid():
        html, css = form.cleaned_data["html"], form.cleaned_data["css"]
        try:
            if "preview" in request.POST:
                response = HttpResponse(
                    services.preview_pdf(programme, html, css), content_type="application/pdf"
                )
                response["Content-Disposition"] = content_disposition_header(False, "preview.pdf")
                return response
            services.save_template(request.user, programme, html, css)
        except ValidationError as error:
            form.add_error("html", error)
        else:
            messages.success(request, _("The template is saved."))
            return redirect(reverse("certificates:template", args=[programme.pk]))
    return render(
        request,
        "certificates/template.html",
        {
            "programme": programme,
            "form": form,
            "asset_form": AssetForm(),
            "assets": TemplateAsset.objects.filter(programme=programme).defer("data"),
        },
    )


@console_view
@require_POST
def template_reset(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    services.reset_template(request.user, programme)
    messages.success(request, _("The built-in template is back."))
    return redirect(reverse("certificates:template", args=[programme.pk]))


@console_view
@require_POST
def asset_upload(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    form = AssetForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["image"]
        try:
            if upload.size > services.MAX_ASSET_BYTES:
                raise ValidationError(_("Images may be at most 2 MB."))
            services.save_asset(request.user, programme, form.cleaned_data["name"], upload.read())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The image is saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("certificates:template", args=[programme.pk]))


@console_view
@require_POST
def asset_delete(request: HttpRequest, programme_id: int, name: str) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    asset = get_object_or_404(TemplateAsset, programme=programme, name=name)
    services.delete_asset(request.user, asset)
    messages.success(request, _("The image is removed."))
    return redirect(reverse("certificates:template", args=[programme.pk]))


@console_view
@require_POST
def batch_request(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    form = BatchForm(request.POST)
    form.is_valid()
    batch = services.request_batch(
        request.user, programme, issue_eligible=form.cleaned_data.get("issue_eligible", False)
    )
    return redirect(reverse("certificates:batch", args=[batch.pk]))


def _certificate(request: HttpRequest, code: str) -> Certificate:
    certificate = get_object_or_404(
        Certificate.objects.select_related("participation__programme", "participation__person"),
        code=code,
    )
    if not certificate.is_public or not request.user.has_perm("certificates.download", certificate):
        raise Http404
    return certificate


@login_required
def download(request: HttpRequest, code: str) -> HttpResponse:
    """One certificate's PDF: for its organisers, its country's coordinator and its holder."""
    return _pdf_response(_certificate(request, code))


# Country coordinators --------------------------------------------------------------------


@login_required
def country(request: HttpRequest, slug: str) -> HttpResponse:
    """The coordinator's country: issued certificates, one by one or as a ZIP."""
    programme = get_object_or_404(Programme, slug=slug)
    code = coordinator_scopes(request.user).get(programme.pk)
    if code is None:
        raise Http404
    if request.method == "POST":
        batch = services.request_batch(request.user, programme, country=code)
        return redirect(reverse("certificates:batch", args=[batch.pk]))
    certificates = (
        Certificate.objects.filter(
            participation__programme=programme,
            participation__country_id=code,
            status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED],
        )
        .select_related("participation__person")
        .defer("pdf")
        .order_by("participation__person__family_name", "id")
    )
    return render(
        request,
        "certificates/country.html",
        {
            "programme": programme,
            "country": code,
            "certificates": certificates,
            "batches": programme.certificate_batches.filter(
                country_id=code, requested_by=request.user
            )[:5],
            "zone": request.viewer.zone_or(programme.zone),
        },
    )


# Batches (organisers and coordinators) ---------------------------------------------------


def _batch(request: HttpRequest, batch_id) -> CertificateBatch:
    batch = get_object_or_404(
        CertificateBatch.objects.select_related("programme", "country"), pk=batch_id
    )
    if not request.user.has_perm("certificates.view_batch", batch):
        raise Http404
    return batch


@login_required
def batch(request: HttpRequest, batch_id) -> HttpResponse:
    batch = _batch(request, batch_id)
    template = "certificates/_batch.html" if request.htmx else "certificates/batch.html"
    return render(request, template, {"batch": batch, "programme": batch.programme})


@login_required
def batch_download(request: HttpRequest, batch_id) -> HttpResponse:
    batch = _batch(request, batch_id)
    path = services.batch_path(batch)
    if batch.status != CertificateBatch.Status.DONE or not path.exists():
        raise Http404
    scope = f"-{batch.country_id}" if batch.country_id else ""
    name = f"certificates-{batch.programme.slug}{scope}.zip"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


# Participants ------------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    certificates = (
        Certificate.objects.filter(
            participation__person__user=request.user,
            status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED],
        )
        .select_related("participation__programme")
        .defer("pdf")
    )
    return render(request, "certificates/mine.html", {"certificates": certificates})


# Public verification -----------------------------------------------------------------------


def _rate_limited(request: HttpRequest) -> bool:
    """Count this look-up against the client address; True once over the limit."""
    limit, window = settings.CERTIFICATE_VERIFY_LIMIT, settings.CERTIFICATE_VERIFY_WINDOW
    key = f"certificates:verify:{get_client_ip_address(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "certificates/too_many.html", status=429)
    response["Retry-After"] = str(settings.CERTIFICATE_VERIFY_WINDOW)
    patch_cache_control(response, no_store=True)
    return response


def verify(request: HttpRequest) -> HttpResponse:
    """The form to type a code; a valid code goes to its page."""
    form = VerifyForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect(reverse("certificates:verify_code", args=[form.cleaned_data["code"]]))
    return render(request, "certificates/verify_form.html", {"form": form})


def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """What the certificate states, or that no certificate has this code.

    One indexed look-up either way, and the same page shape, so timing and layout do
    not tell codes apart beyond what the page says. Public caches may keep the
    answer for a minute (CERTIFICATE_VERIFY_MAX_AGE), so a revocation shows within it.
    """
    if _rate_limited(request):
        return _too_many(request)
    normalised = normalise_code(code)
    if normalised != code and len(normalised) == CODE_LENGTH:
        return redirect(reverse("certificates:verify_code", args=[normalised]))
    certificate = (
        Certificate.objects.filter(
            Q(status=Certificate.Status.ISSUED) | Q(status=Certificate.Status.REVOKED),
            code=normalised,
        )
        .defer("pdf")
        .first()
    )
    language = get_language()
    context = {"certificate": certificate, "form": VerifyForm(initial={"code": code})}
    if certificate:
        context.update(
            title=certificate.programme_title.get(language)
            or next(iter(certificate.programme_title.values()), ""),
            dates=certificate.dates.get(language) or next(iter(certificate.dates.values()), ""),
        )
    response = render(
        request, "certificates/verify.html", context, status=200 if certificate else 404
    )
    patch_cache_control(response, public=True, max_age=settings.CERTIFICATE_VERIFY_MAX_AGE)
    return response
