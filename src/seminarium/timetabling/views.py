"""The organiser's timetable pages: propose, review beside the current timetable, accept or pin
and re-solve; and the inputs the solver needs. Organisers of the programme only: others get
404 (console users) or 403 (no console), like every console page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from seminarium.core.console import console_view, edit_with_form
from seminarium.programmes.console import managed_programme
from seminarium.programmes.models import Programme, Session

from . import explain, services
from .forms import (
    AudienceZoneForm,
    AvailabilityForm,
    InterpreterLimitForm,
    OrderingRuleForm,
    ProposeForm,
    SessionAudienceForm,
    SessionChoiceForm,
    TimetableBreakForm,
    TimetableSettingsForm,
)
from .models import (
    AudienceZone,
    Availability,
    InterpreterLimit,
    OrderingRule,
    SessionAudience,
    TimetableBreak,
    TimetableProposal,
)

PROGRAMME_PAGE = "programmes/console/programme_page.html"

# The solver's inputs kept as lists on the constraints page: kind -> (model, form, heading).
INPUTS = {
    "breaks": (TimetableBreak, TimetableBreakForm, gettext_lazy("Daily breaks")),
    "rules": (OrderingRule, OrderingRuleForm, gettext_lazy("Order of sessions")),
    "zones": (
        AudienceZone,
        AudienceZoneForm,
        gettext_lazy("Delegations’ time zones set by the organiser"),
    ),
    "availability": (Availability, AvailabilityForm, gettext_lazy("Speakers’ availability")),
    "interpreters": (InterpreterLimit, InterpreterLimitForm, gettext_lazy("Interpreters’ limits")),
    "audiences": (
        SessionAudience,
        SessionAudienceForm,
        gettext_lazy("Sessions for some delegations only"),
    ),
}


def _timetable_url(programme: Programme) -> str:
    return reverse("timetabling:timetable", args=[programme.pk])


def _inputs_url(programme: Programme) -> str:
    return reverse("timetabling:inputs", args=[programme.pk])


def _proposal(programme: Programme, proposal_id: int) -> TimetableProposal:
    return get_object_or_404(TimetableProposal, pk=proposal_id, programme=programme)


def _status_context(proposal: TimetableProposal) -> dict:
    return {
        "proposal": proposal,
        "percent": round(proposal.progress * 100),
        "gap_percent": round((proposal.gap or 0) * 100),
        "phrase": explain.progress_phrase(proposal.phrase),
    }


@console_view
def timetable(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    proposal = TimetableProposal.objects.filter(programme=programme).first()
    if "proposal" in request.GET:
        try:
            proposal = _proposal(programme, int(request.GET["proposal"]))
        except ValueError as error:
            raise Http404 from error
    done = proposal is not None and proposal.status == TimetableProposal.Status.DONE
    warnings = services.check_timetable(programme)
    context = {
        "programme": programme,
        "zone": programme.zone,
        "propose_form": ProposeForm(),
        "comparison": services.compare(programme, proposal if done else None),
        "warnings": warnings,
        "warned": {pk for warning in warnings for pk in warning.session_ids},
        "proposal": proposal,
        "earlier": TimetableProposal.objects.filter(programme=programme).select_related(
            "requested_by"
        )[:8],
        "stale": done and services.is_stale(proposal),
        "explanation": [explain.reason_text(item) for item in proposal.explanation]
        if proposal
        else [],
        "summary": explain.summary_text(proposal.result.get("kind", "")) if proposal else "",
        "settings": services.timetable_settings(programme),
        **(_status_context(proposal) if proposal else {}),
    }
    return render(request, "timetabling/timetable.html", context)


@console_view
def proposal_status(request: HttpRequest, programme_id: int, proposal_id: int) -> HttpResponse:
    """The progress fragment HTMX polls; once the run ends, the whole page reloads."""
    programme = managed_programme(request, programme_id)
    proposal = _proposal(programme, proposal_id)
    response = render(
        request,
        "timetabling/_status.html",
        {"programme": programme, "zone": programme.zone, **_status_context(proposal)},
    )
    if proposal.is_finished and request.htmx:
        response["HX-Redirect"] = f"{_timetable_url(programme)}?proposal={proposal.pk}"
    return response


@require_POST
@console_view
def propose(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("time_limit", []):
            messages.error(request, error)
        return redirect(_timetable_url(programme))
    proposal = services.propose(programme, request.user, form.cleaned_data["time_limit"])
    messages.success(request, _("The solver is working on a proposal."))
    return redirect(f"{_timetable_url(programme)}?proposal={proposal.pk}")


@require_POST
@console_view
def decide(request: HttpRequest, programme_id: int, proposal_id: int) -> HttpResponse:
    """Accept all, accept the ticked sessions, or pin the ticked sessions and solve again."""
    programme = managed_programme(request, programme_id)
    proposal = _proposal(programme, proposal_id)
    form = SessionChoiceForm(request.POST, programme=programme)
    action = request.POST.get("action")
    back = f"{_timetable_url(programme)}?proposal={proposal.pk}"
    if action not in ("accept_all", "accept_selected", "pin_resolve") or not form.is_valid():
        messages.error(request, _("Choose sessions of this programme and an action."))
        return redirect(back)
    chosen = [session.pk for session in form.cleaned_data["sessions"]]
    try:
        if action == "pin_resolve":
            again = services.pin_and_resolve(proposal, request.user, chosen)
            messages.success(request, _("The sessions are pinned; the solver is working again."))
            return redirect(f"{_timetable_url(programme)}?proposal={again.pk}")
        moved = services.accept(proposal, request.user, None if action == "accept_all" else chosen)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "%(count)d session moved to its proposed start.",
            "%(count)d sessions moved to their proposed starts.",
            moved,
        )
        % {"count": moved},
    )
    return redirect(back)


@require_POST
@console_view
def unpin(request: HttpRequest, programme_id: int, session_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    session = get_object_or_404(Session, pk=session_id, programme=programme)
    services.unpin(request.user, session)
    messages.success(request, _("“%(session)s” is no longer pinned.") % {"session": session})
    return redirect(_timetable_url(programme))


@console_view
def settings_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    return edit_with_form(
        request,
        TimetableSettingsForm(
            request.POST or None,
            instance=services.timetable_settings(programme),
            programme=programme,
        ),
        save=lambda edited: services.save_input(request.user, edited),
        template="core/console/form_page.html",
        context={
            "programme": programme,
            "heading": _("Timetable settings"),
            "intro": _(
                "Days start and end in the programme’s time zone; acceptable and comfortable "
                "hours are each delegation’s local time."
            ),
            "base_template": PROGRAMME_PAGE,
            "cancel_url": _inputs_url(programme),
        },
        success_url=lambda _saved: _inputs_url(programme),
        success_message=_("The timetable settings are saved."),
    )


@console_view
def inputs(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    sections = [
        {
            "kind": kind,
            "heading": heading,
            "rows": model.objects.filter(programme=programme),
        }
        for kind, (model, _form, heading) in INPUTS.items()
    ]
    return render(
        request,
        "timetabling/inputs.html",
        {
            "programme": programme,
            "zone": programme.zone,
            "settings": services.timetable_settings(programme),
            "groups": services.audience_groups(programme),
            "sections": sections,
        },
    )


@console_view
def input_add(request: HttpRequest, programme_id: int, kind: str) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    if kind not in INPUTS:
        raise Http404
    _model, form_class, heading = INPUTS[kind]
    return edit_with_form(
        request,
        form_class(request.POST or None, programme=programme),
        save=lambda obj: services.save_input(request.user, obj),
        template="core/console/form_page.html",
        context={
            "programme": programme,
            "heading": heading,
            "base_template": PROGRAMME_PAGE,
            "cancel_url": _inputs_url(programme),
        },
        success_url=lambda _saved: _inputs_url(programme),
        success_message=_("Saved."),
    )


@require_POST
@console_view
def input_delete(request: HttpRequest, programme_id: int, kind: str, pk: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    if kind not in INPUTS:
        raise Http404
    obj = get_object_or_404(INPUTS[kind][0], pk=pk, programme=programme)
    services.delete_input(request.user, obj)
    messages.success(request, _("Deleted."))
    return redirect(_inputs_url(programme))
