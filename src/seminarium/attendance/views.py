"""Attendance pages: the organisers' grid, excuses and unknown participants; the
coordinator's country; the participant's own record.

Programmes and rows the user may not see answer 404, as if they did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seminarium.core.console import console_view, edit_with_form
from seminarium.core.exports import (
    conditional_download,
    content_etag,
    csv_response,
    xlsx_response,
)
from seminarium.programmes.console import managed_programme
from seminarium.programmes.models import Participation, Programme
from seminarium.programmes.rules import coordinator_scopes

from . import services
from .forms import ExcuseForm, LinkForm, ThresholdForm
from .models import ExcusedAbsence

EXPORT_FORMATS = ("csv", "xlsx")


def _grid_url(programme: Programme) -> str:
    return reverse("attendance:grid", args=[programme.pk])


def _export(request: HttpRequest, programme: Programme, grid: services.Grid, fmt: str):
    """The grid as a spreadsheet, one row per participant; ETag over the content."""
    language = request.viewer.language
    header = [_("Name"), _("Delegation")]
    for session in grid.sessions:
        title = session.title.localize(language)
        header += [
            _("%(session)s: minutes") % {"session": title},
            _("%(session)s: excused") % {"session": title},
        ]
    header += [
        _("Minutes attended"),
        _("Minutes scheduled"),
        _("Minutes excused"),
        _("Attendance (%)"),
        _("Eligible for a certificate"),
    ]
    rows = []
    for country, grid_rows in grid.countries:
        for row in grid_rows:
            cells = [str(row.participation.person), country]
            for cell in row.cells:
                cells += [round(cell.minutes, 1) if cell.expected else None, cell.excused]
            total = row.total
            cells += [
                round(total.attended_minutes, 1),
                round(total.scheduled_minutes, 1),
                round(total.excused_minutes, 1),
                round(total.rate * 100, 1),
                total.eligible,
            ]
            rows.append(cells)
    etag = content_etag(repr((fmt, language, header, rows)).encode())
    filename = f"attendance-{programme.slug}.{fmt}"

    def build() -> HttpResponse:
        if fmt == "xlsx":
            return xlsx_response(filename, header, rows, sheet_title=_("Attendance"))
        return csv_response(filename, header, rows)

    return conditional_download(request, etag, build, public=False)


def _grid_page(request: HttpRequest, programme: Programme, grid: services.Grid, **extra):
    zone = request.viewer.zone_or(programme.zone)
    return {"programme": programme, "grid": grid, "zone": zone, **extra}


@console_view
def grid(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    built = services.attendance_grid(programme)
    fmt = request.GET.get("format", "")
    if fmt in EXPORT_FORMATS:
        return _export(request, programme, built, fmt)
    unknown = [u for u in services.unknown_participants(programme) if u.linked_to is None]
    form = ThresholdForm(initial={"threshold": round(built.threshold * 100, 2)})
    return render(
        request,
        "attendance/grid.html",
        _grid_page(request, programme, built, unknown=unknown, threshold_form=form),
    )


@console_view
@require_POST
def threshold(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    form = ThresholdForm(request.POST)
    if form.is_valid():
        services.set_threshold(request.user, programme, form.cleaned_data["threshold"])
        messages.success(request, _("The threshold is saved."))
    else:
        messages.error(request, _("The threshold must be a number from 0 to 100."))
    return redirect(_grid_url(programme))


def _excuses_url(programme: Programme) -> str:
    return reverse("attendance:excuses", args=[programme.pk])


@console_view
def excuses(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    form = ExcuseForm(
        request.POST or None, programme=programme, zone=request.viewer.zone_or(programme.zone)
    )
    listed = ExcusedAbsence.objects.filter(session__programme=programme).select_related(
        "participation__person", "session", "recorded_by"
    )
    return edit_with_form(
        request,
        form,
        save=lambda data: services.excuse_absence(
            request.user, data["participation"], data["session"], data["reason"]
        ),
        template="attendance/excuses.html",
        context={
            "programme": programme,
            "excuses": listed,
            "zone": request.viewer.zone_or(programme.zone),
        },
        success_url=_excuses_url(programme),
        success_message=_("The absence is excused."),
    )


@console_view
@require_POST
def excuse_withdraw(request: HttpRequest, programme_id: int, excuse_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    excuse = get_object_or_404(
        ExcusedAbsence.objects.select_related("session", "participation"),
        pk=excuse_id,
        session__programme=programme,
    )
    services.withdraw_excuse(request.user, excuse)
    messages.success(request, _("The excuse is withdrawn."))
    return redirect(_excuses_url(programme))


@console_view
def unknown(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    form = LinkForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.link_participant(
                request.user, programme, data["source"], data["identity"], data["participation"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The events are attributed to the participant."))
        return redirect(reverse("attendance:unknown", args=[programme.pk]))
    listed = services.unknown_participants(programme)
    names = {
        p.pk: str(p.person)
        for p in programme.participations.filter(
            pk__in=[u.linked_to for u in listed if u.linked_to]
        ).select_related("person")
    }
    return render(
        request,
        "attendance/unknown.html",
        {
            "programme": programme,
            "unknown": [(u, names.get(u.linked_to)) for u in listed],
            "form": form,
            "zone": request.viewer.zone_or(programme.zone),
        },
    )


def _programme_by_slug_or_id(value: str) -> Programme:
    lookup = Q(slug=value)
    if value.isdigit():
        lookup |= Q(pk=int(value))
    found = Programme.objects.filter(lookup).order_by("pk").first()
    if found is None:
        raise Http404
    return found


@login_required
def mine(request: HttpRequest, programme: str) -> HttpResponse:
    """The signed-in participant's own attendance in one programme; nobody else's."""
    chosen = _programme_by_slug_or_id(programme)
    participation = (
        Participation.objects.filter(programme=chosen, person__user=request.user)
        .exclude(status=Participation.Status.CANCELLED)
        .select_related("person")
        .first()
    )
    if participation is None:
        raise Http404
    attendance = services.programme_attendance(chosen).get(participation.pk)
    rows = []
    if attendance is not None:
        built = services.attendance_grid(chosen, country=participation.country_id)
        for _country, grid_rows in built.countries:
            for row in grid_rows:
                if row.participation.pk == participation.pk:
                    rows = [
                        (session, cell)
                        for session, cell in zip(built.sessions, row.cells, strict=True)
                        if cell.expected
                    ]
    return render(
        request,
        "attendance/mine.html",
        {
            "programme": chosen,
            "participation": participation,
            "attendance": attendance,
            "rows": rows,
            "threshold_percent": services.attendance_threshold(chosen) * 100,
            "zone": request.viewer.zone_or(chosen.zone),
        },
    )


@login_required
def country(request: HttpRequest, slug: str) -> HttpResponse:
    """A country coordinator's grid: their own country in the programme, nothing else."""
    user = request.user
    chosen = get_object_or_404(Programme, slug=slug)
    if user.has_perm("attendance.view_grid", chosen):
        return redirect(_grid_url(chosen))
    if not coordinator_scopes(user):
        raise PermissionDenied
    if not user.has_perm("attendance.view_country", chosen):
        raise Http404
    code = coordinator_scopes(user)[chosen.pk]
    built = services.attendance_grid(chosen, country=code)
    return render(
        request, "attendance/country.html", _grid_page(request, chosen, built, country=code)
    )
