"""Nomination pages: the country coordinator's, and the organisers' in the console.

A coordinator sees only their own country in the programmes they coordinate;
anything else answers 404, as if it did not exist. Signed-in users with no
nominating or console role at all get 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from seminarium.core.console import console_view, edit_with_form
from seminarium.programmes.console import managed_programme
from seminarium.programmes.rules import coordinator_scopes

from . import imports, services
from .forms import (
    CallForm,
    DecisionForm,
    ImportForm,
    MovePlacesForm,
    NomineeForm,
    SubstituteForm,
    WithdrawForm,
    question_formset,
    quota_formset,
)
from .models import Call, Nomination, Quota

COORDINATOR_FORM_PAGE = "nominations/coordinator_form.html"

# The coordinator's pages ------------------------------------------------------------


def _coordinated_call(request: HttpRequest, slug: str) -> tuple[Call, str]:
    """The call and the country this user nominates for; 403 or 404 otherwise."""
    user = request.user
    if not coordinator_scopes(user) and not user.has_perm("core.use_console"):
        raise PermissionDenied
    call = get_object_or_404(Call.objects.select_related("programme"), programme__slug=slug)
    country = coordinator_scopes(user).get(call.programme_id)
    if country is None:
        raise Http404
    return call, country


def _coordinator_url(call: Call) -> str:
    return reverse("nominations:coordinate", args=[call.programme.slug])


def _coordinator_context(request: HttpRequest, call: Call, country: str) -> dict:
    programme = call.programme
    return {
        "call": call,
        "programme": programme,
        "country": country,
        "quota": Quota.objects.filter(call=call, country_id=country).first(),
        "zone": request.viewer.zone_or(programme.zone),
        "base_template": "nominations/coordinator_page.html",
    }


@login_required
def coordinate(request: HttpRequest, slug: str) -> HttpResponse:
    """The country's nominations, the places left, and the form to nominate one judge."""
    user = request.user
    call = Call.objects.filter(programme__slug=slug).first()
    if call and user.has_perm("nominations.decide", call):
        return redirect("nominations:decisions", call.programme_id)
    call, country = _coordinated_call(request, slug)
    form = NomineeForm(request.POST or None, call=call, country=country)
    nominations = Nomination.objects.filter(call=call, country_id=country).select_related(
        "person__organisation"
    )
    return edit_with_form(
        request,
        form,
        save=lambda person: services.nominate(user, call, country, person, form.answers()),
        template="nominations/coordinate.html",
        context={**_coordinator_context(request, call, country), "nominations": nominations},
        success_url=_coordinator_url(call),
        success_message=_("The judge is nominated."),
    )


def _country_nomination(request: HttpRequest, slug: str, nomination_id: int):
    call, _country = _coordinated_call(request, slug)
    nomination = get_object_or_404(
        Nomination.objects.select_related("person", "call__programme"),
        pk=nomination_id,
        call=call,
    )
    if not request.user.has_perm("nominations.withdraw", nomination):
        raise Http404
    return nomination


@login_required
def substitute(request: HttpRequest, slug: str, nomination_id: int) -> HttpResponse:
    nomination = _country_nomination(request, slug, nomination_id)
    call = nomination.call
    form = SubstituteForm(request.POST or None, call=call, country=nomination.country_id)
    return edit_with_form(
        request,
        form,
        save=lambda person: services.substitute(
            request.user, nomination, person, form.cleaned_data["reason"]
        ),
        template=COORDINATOR_FORM_PAGE,
        context={
            **_coordinator_context(request, call, nomination.country_id),
            "heading": _("Substitute %(name)s") % {"name": nomination.person},
            "intro": _("The new judge takes this place; the answers given before are kept."),
            "cancel_url": _coordinator_url(call),
        },
        success_url=_coordinator_url(call),
        success_message=_("The substitute is nominated."),
    )


@login_required
def withdraw(request: HttpRequest, slug: str, nomination_id: int) -> HttpResponse:
    nomination = _country_nomination(request, slug, nomination_id)
    call = nomination.call
    return edit_with_form(
        request,
        WithdrawForm(request.POST or None),
        save=lambda data: services.withdraw(request.user, nomination, data["reason"]),
        template=COORDINATOR_FORM_PAGE,
        context={
            **_coordinator_context(request, call, nomination.country_id),
            "heading": _("Withdraw %(name)s?") % {"name": nomination.person},
            "intro": _("A place this nominee holds goes to the next on your waiting list."),
            "submit_label": _("Withdraw"),
            "cancel_url": _coordinator_url(call),
        },
        success_url=_coordinator_url(call),
        success_message=_("The nomination is withdrawn."),
    )


@login_required
def import_nominations(request: HttpRequest, slug: str) -> HttpResponse:
    call, country = _coordinated_call(request, slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            imported = imports.import_nominations(
                request.user, call, country, form.cleaned_data["file"]
            )
        except imports.ImportRejected as rejected:
            problems = rejected.problems
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s judge is nominated.",
                    "%(count)s judges are nominated.",
                    len(imported),
                )
                % {"count": len(imported)},
            )
            return redirect(_coordinator_url(call))
    return render(
        request,
        "nominations/import.html",
        {
            **_coordinator_context(request, call, country),
            "form": form,
            "problems": problems,
            "columns": imports.header(call),
            "required_columns": imports.REQUIRED_COLUMNS,
            "questions": call.extra_fields.all(),
        },
    )


@login_required
def import_template(request: HttpRequest, slug: str) -> HttpResponse:
    call, _country = _coordinated_call(request, slug)
    response = HttpResponse(imports.template_csv(call), content_type="text/csv; charset=utf-8")
    filename = f"nominations-{call.programme.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The organisers' pages ----------------------------------------------------------------


def _managed_call(request: HttpRequest, programme_id: int) -> Call:
    call = get_object_or_404(Call.objects.select_related("programme"), programme_id=programme_id)
    if not request.user.has_perm("nominations.change_call", call):
        raise Http404
    return call


def _decisions_url(programme_id: int) -> str:
    return reverse("nominations:decisions", args=[programme_id])


@console_view
def call_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Open the call, or change it: deadline, message, places per country, extra questions."""
    programme = managed_programme(request, programme_id)
    call = Call.objects.filter(programme=programme).first() or Call(programme=programme)
    data = request.POST or None
    form = CallForm(data, instance=call, programme=programme)
    quotas = quota_formset(data, call)
    questions = question_formset(data, call, programme)
    if request.method == "POST" and all([form.is_valid(), quotas.is_valid(), questions.is_valid()]):
        try:
            with transaction.atomic():
                opened = services.open_call(
                    request.user,
                    programme,
                    deadline=form.cleaned_data["deadline"],
                    quotas=quotas.places(),
                    message=form.cleaned_data["message"].data,
                )
                services.save_extra_fields(request.user, opened, *questions.changes())
        except services.NominationRefused as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("The call for nominations is open."))
            return redirect(_decisions_url(programme.pk))
    return render(
        request,
        "nominations/call_form.html",
        {
            "programme": programme,
            "call": call,
            "form": form,
            "quotas": quotas,
            "questions": questions,
        },
    )


@require_POST
@console_view
def call_close(request: HttpRequest, programme_id: int) -> HttpResponse:
    call = _managed_call(request, programme_id)
    services.close_call(request.user, call)
    messages.success(request, _("The call for nominations is closed."))
    return redirect(_decisions_url(programme_id))


@console_view
def decisions(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Every nomination, country by country, each with its decision form."""
    programme = managed_programme(request, programme_id)
    call = Call.objects.filter(programme=programme).first()
    if call is None:
        return render(request, "nominations/decisions.html", {"programme": programme})
    quotas = {quota.country_id: quota for quota in call.quotas.all()}
    cards: dict[str, list] = {}
    for nomination in call.nominations.select_related("person__organisation").order_by(
        "country", "created_at", "id"
    ):
        cards.setdefault(nomination.country_id, []).append(
            (nomination, DecisionForm(prefix=f"n{nomination.pk}"))
        )
    return render(
        request,
        "nominations/decisions.html",
        {
            "programme": programme,
            "call": call,
            "countries": [(code, quotas.get(code), listed) for code, listed in cards.items()],
            "questions": {str(q.pk): q.label for q in call.extra_fields.all()},
            "zone": programme.zone,
        },
    )


@console_view
def decide(request: HttpRequest, programme_id: int, nomination_id: int) -> HttpResponse:
    """Approve, wait-list or reject one nomination. With HTMX only its card is swapped."""
    nomination = get_object_or_404(
        Nomination.objects.select_related("call__programme", "person__organisation"),
        pk=nomination_id,
        call__programme_id=programme_id,
    )
    if not request.user.has_perm("nominations.decide", nomination.call):
        raise Http404
    form = DecisionForm(request.POST or None, prefix=f"n{nomination.pk}")
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.decide(
                request.user, nomination, form.cleaned_data["decision"], form.cleaned_data["reason"]
            )
        except services.NominationRefused as refused:
            form.add_error(None, refused)
        else:
            if not request.htmx:
                messages.success(request, _("The decision is recorded."))
                return redirect(f"{_decisions_url(programme_id)}#nomination-{nomination.pk}")
            form, saved = DecisionForm(prefix=f"n{nomination.pk}"), True
    call = nomination.call
    context = {
        "programme": call.programme,
        "call": call,
        "nomination": nomination,
        "form": form,
        "saved": saved,
        "questions": {str(q.pk): q.label for q in call.extra_fields.all()},
    }
    template = "_decision.html" if request.htmx else "decide.html"
    return render(request, f"nominations/{template}", context)


@console_view
def quotas(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Places, taken and left per country; unused places moved between countries."""
    call = _managed_call(request, programme_id)
    listed = list(call.quotas.all())
    return edit_with_form(
        request,
        MovePlacesForm(request.POST or None, quotas=listed),
        save=lambda data: services.move_places(
            request.user, call, data["from_country"], data["to_country"].pk, data["count"]
        ),
        template="nominations/quotas.html",
        context={
            "programme": call.programme,
            "call": call,
            "quotas": listed,
            "places": sum(q.places for q in listed),
            "taken": sum(q.taken for q in listed),
            "left": sum(q.left for q in listed),
        },
        success_url=reverse("nominations:quotas", args=[programme_id]),
        success_message=_("The places are moved."),
    )
