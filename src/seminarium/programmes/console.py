"""Organiser console views for programmes: thin, permission-checked, calling services.

Objects of programmes the user may not manage answer 404, as if they did not exist.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seminarium.core.console import confirm_delete, console_view, edit_with_form

from . import agenda, services
from .forms import ParticipationForm, ProgrammeForm, ProgrammeRoleForm, SessionForm, SessionRoleForm
from .models import Participation, Programme, ProgrammeRole, Session, SessionRole
from .rules import organiser_programme_ids

PROGRAMME_PAGE = "programmes/console/programme_page.html"
FORM_PAGE = "core/console/form_page.html"


def _managed(request: HttpRequest, queryset: QuerySet, perm: str, **lookup):
    """The object, if the user may change it; otherwise 404."""
    obj = get_object_or_404(queryset, **lookup)
    if not request.user.has_perm(perm, obj):
        raise Http404
    return obj


def managed_programme(request: HttpRequest, programme_id: int) -> Programme:
    """A programme the user organises (or any, for site admins); otherwise 404."""
    return _managed(
        request,
        Programme.objects.select_related("host", "funder"),
        "programmes.change_programme",
        pk=programme_id,
    )


def _page(programme: Programme, heading: str, **extra) -> dict:
    return {"programme": programme, "heading": heading, "base_template": PROGRAMME_PAGE, **extra}


def _overview_url(programme: Programme) -> str:
    return reverse("console:programme", args=[programme.pk])


@console_view
def home(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.select_related("host")
    if not request.user.is_superuser:
        programmes = programmes.filter(pk__in=organiser_programme_ids(request.user))
    return render(request, "programmes/console/home.html", {"programmes": programmes})


@console_view
def programme_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("programmes.add_programme"):
        raise PermissionDenied
    return edit_with_form(
        request,
        ProgrammeForm(request.POST or None),
        save=lambda programme: services.save_programme(request.user, programme),
        template=FORM_PAGE,
        context={"heading": _("New programme"), "cancel_url": reverse("console:home")},
        success_url=_overview_url,
        success_message=_("The programme is created, as a draft."),
    )


@console_view
def programme_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    return edit_with_form(
        request,
        ProgrammeForm(request.POST or None, instance=programme),
        save=lambda edited: services.save_programme(request.user, edited),
        template=FORM_PAGE,
        context=_page(programme, _("Edit programme"), cancel_url=_overview_url(programme)),
        success_url=_overview_url,
        success_message=_("The programme is saved."),
    )


@require_POST
@console_view
def programme_status(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    status = request.POST.get("status")
    if status not in Programme.Status.values:
        raise Http404
    services.set_programme_status(request.user, programme, status)
    return redirect(_overview_url(programme))


@console_view
def programme_overview(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    sessions = list(agenda.sessions_with_people(programme))
    by_country = (
        programme.participations.values("country")
        .annotate(
            total=Count("id"),
            confirmed=Count("id", filter=Q(status=Participation.Status.CONFIRMED)),
        )
        .order_by("country")
    )
    return render(
        request,
        "programmes/console/overview.html",
        {
            "programme": programme,
            "days": agenda.build(programme, sessions, get_language(), programme.zone),
            "by_country": by_country,
            "first_start": sessions[0].start if sessions else None,
            "statuses": Programme.Status,
        },
    )


def _session_url(session: Session) -> str:
    return reverse("console:session_roles", args=[session.programme_id, session.pk])


@console_view
def session_create(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    return edit_with_form(
        request,
        SessionForm(request.POST or None, programme=programme),
        save=lambda session: services.save_session(request.user, session),
        template=FORM_PAGE,
        context=_page(programme, _("New session"), cancel_url=_overview_url(programme)),
        success_url=_session_url,
        success_message=_("The session is added."),
    )


def _session(request: HttpRequest, programme_id: int, session_id: int) -> Session:
    return _managed(
        request,
        Session.objects.select_related("programme"),
        "programmes.change_session",
        pk=session_id,
        programme_id=programme_id,
    )


@console_view
def session_edit(request: HttpRequest, programme_id: int, session_id: int) -> HttpResponse:
    session = _session(request, programme_id, session_id)
    programme = session.programme
    return edit_with_form(
        request,
        SessionForm(request.POST or None, instance=session, programme=programme),
        save=lambda edited: services.save_session(request.user, edited),
        template=FORM_PAGE,
        context=_page(
            programme,
            _("Edit session"),
            cancel_url=_session_url(session),
            delete_url=reverse("console:session_delete", args=[programme.pk, session.pk]),
        ),
        success_url=_session_url,
        success_message=_("The session is saved."),
    )


@console_view
def session_delete(request: HttpRequest, programme_id: int, session_id: int) -> HttpResponse:
    session = _session(request, programme_id, session_id)
    programme = session.programme
    return confirm_delete(
        request,
        delete=lambda: services.delete_session(request.user, session),
        context=_page(programme, "", object=session, cancel_url=_session_url(session)),
        success_url=_overview_url(programme),
        success_message=_("The session is deleted."),
    )


@console_view
def session_roles(request: HttpRequest, programme_id: int, session_id: int) -> HttpResponse:
    session = _session(request, programme_id, session_id)
    roles = session.roles.select_related("person__organisation").order_by("protocol_order", "id")
    return render(
        request,
        "programmes/console/session.html",
        {"programme": session.programme, "session": session, "roles": roles},
    )


@console_view
def session_role_create(request: HttpRequest, programme_id: int, session_id: int) -> HttpResponse:
    session = _session(request, programme_id, session_id)
    return edit_with_form(
        request,
        SessionRoleForm(request.POST or None, session=session),
        save=lambda role: services.save_session_role(request.user, role),
        template=FORM_PAGE,
        context=_page(
            session.programme,
            _("Add a person to “%(session)s”") % {"session": session},
            cancel_url=_session_url(session),
        ),
        success_url=_session_url(session),
        success_message=_("The person is added to the session."),
    )


def _session_role(request: HttpRequest, programme_id: int, session_id: int, role_id: int):
    return _managed(
        request,
        SessionRole.objects.select_related("session__programme", "person"),
        "programmes.change_session",
        pk=role_id,
        session_id=session_id,
        session__programme_id=programme_id,
    )


@console_view
def session_role_edit(
    request: HttpRequest, programme_id: int, session_id: int, role_id: int
) -> HttpResponse:
    role = _session_role(request, programme_id, session_id, role_id)
    session = role.session
    return edit_with_form(
        request,
        SessionRoleForm(request.POST or None, instance=role, session=session),
        save=lambda edited: services.save_session_role(request.user, edited),
        template=FORM_PAGE,
        context=_page(
            session.programme,
            _("Edit role in “%(session)s”") % {"session": session},
            cancel_url=_session_url(session),
            delete_url=reverse(
                "console:session_role_delete", args=[programme_id, session_id, role_id]
            ),
        ),
        success_url=_session_url(session),
        success_message=_("The role is saved."),
    )


@console_view
def session_role_delete(
    request: HttpRequest, programme_id: int, session_id: int, role_id: int
) -> HttpResponse:
    role = _session_role(request, programme_id, session_id, role_id)
    return confirm_delete(
        request,
        delete=lambda: services.delete_session_role(request.user, role),
        context=_page(
            role.session.programme, "", object=role, cancel_url=_session_url(role.session)
        ),
        success_url=_session_url(role.session),
        success_message=_("The role is removed."),
    )


def _participations_url(programme: Programme) -> str:
    return reverse("console:participations", args=[programme.pk])


@console_view
def participations(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    listed = programme.participations.select_related("person__organisation", "country")
    countries = sorted({p.country_id for p in listed})
    country = request.GET.get("country", "")
    if country:
        listed = listed.filter(country_id=country)
    context = {
        "programme": programme,
        "participations": listed,
        "countries": countries,
        "country": country,
    }
    # The country filter swaps only the table when HTMX is present; a history
    # restore after a cache miss needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "participations_table.html" if partial else "participations.html"
    return render(request, f"programmes/console/{template}", context)


@console_view
def participation_create(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    initial = {"person": request.GET.get("person")}
    return edit_with_form(
        request,
        ParticipationForm(
            request.POST or None, initial=initial, programme=programme, user=request.user
        ),
        save=lambda participation: services.save_participation(request.user, participation),
        template=FORM_PAGE,
        context=_page(
            programme,
            _("Add a participant"),
            cancel_url=_participations_url(programme),
            links=[
                (
                    reverse("console:person_create") + f"?programme={programme.pk}",
                    _("Someone new? Create the person first"),
                )
            ],
        ),
        success_url=_participations_url(programme),
        success_message=_("The participant is added."),
    )


def _participation(request: HttpRequest, programme_id: int, participation_id: int):
    return _managed(
        request,
        Participation.objects.select_related("programme", "person"),
        "programmes.change_participation",
        pk=participation_id,
        programme_id=programme_id,
    )


@console_view
def participation_edit(
    request: HttpRequest, programme_id: int, participation_id: int
) -> HttpResponse:
    participation = _participation(request, programme_id, participation_id)
    programme = participation.programme
    return edit_with_form(
        request,
        ParticipationForm(
            request.POST or None, instance=participation, programme=programme, user=request.user
        ),
        save=lambda edited: services.save_participation(request.user, edited),
        template=FORM_PAGE,
        context=_page(
            programme,
            _("Edit participant"),
            cancel_url=_participations_url(programme),
            delete_url=reverse(
                "console:participation_delete", args=[programme.pk, participation.pk]
            ),
        ),
        success_url=_participations_url(programme),
        success_message=_("The participant is saved."),
    )


@console_view
def participation_delete(
    request: HttpRequest, programme_id: int, participation_id: int
) -> HttpResponse:
    participation = _participation(request, programme_id, participation_id)
    programme = participation.programme
    return confirm_delete(
        request,
        delete=lambda: services.delete_participation(request.user, participation),
        context=_page(
            programme, "", object=participation, cancel_url=_participations_url(programme)
        ),
        success_url=_participations_url(programme),
        success_message=_("The participant is removed."),
    )


@console_view
def programme_roles(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    form = ProgrammeRoleForm(request.POST or None, programme=programme)
    return edit_with_form(
        request,
        form,
        save=lambda _data: services.grant_programme_role(request.user, form.programme_role()),
        template="programmes/console/programme_roles.html",
        context={
            "programme": programme,
            "roles": ProgrammeRole.objects.filter(programme=programme).select_related(
                "user", "country"
            ),
        },
        success_url=reverse("console:programme_roles", args=[programme.pk]),
        success_message=_("The role is granted."),
    )
