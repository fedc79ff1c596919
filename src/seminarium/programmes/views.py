"""Public programme pages, the iCal feed and the participant portal."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from seminarium.core import locales
from seminarium.people.models import directory_version

from . import agenda, calendar
from .models import Participation, Programme

# A backstop: keys change with every edit anyway.
AGENDA_CACHE_SECONDS = 24 * 3600


def _visible_programme(request: HttpRequest, slug: str) -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("host", "funder"), slug=slug)
    if not request.user.has_perm("programmes.view_programme", programme):
        # Unpublished programmes do not exist for those who may not see them.
        raise Http404
    return programme


def home(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.published().select_related("host")
    return render(request, "programmes/home.html", {"programmes": programmes})


def _agenda_html(programme: Programme, language: str, zone: ZoneInfo) -> tuple[str, datetime]:
    """The rendered days and sessions, and the first session's start; cached until
    the programme, its sessions or anyone in them change."""
    key = (
        f"agenda:{programme.pk}:{programme.updated_at.timestamp()}:{directory_version()}"
        f":{language}:{zone.key}"
    )
    if cached := cache.get(key):
        return mark_safe(cached[0]), cached[1]
    sessions = agenda.sessions_with_people(programme)
    first = sessions[0].start if sessions else datetime.now(UTC)
    html = render_to_string(
        "programmes/_agenda.html", {"days": agenda.build(programme, sessions, language, zone)}
    )
    cache.set(key, (str(html), first), timeout=AGENDA_CACHE_SECONDS)
    return html, first


def programme_page(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _visible_programme(request, slug)
    language = get_language()
    zone = request.viewer.zone_or(programme.zone)
    html, first = _agenda_html(programme, language, zone)
    return render(
        request,
        "programmes/programme.html",
        {
            "programme": programme,
            "agenda": html,
            "zone": zone,
            "zone_label": locales.zone_label(zone, language, first),
            "programme_zone_label": locales.zone_label(programme.zone, language, first),
            "zone_differs": zone.key != programme.zone.key,
            "dates": locales.date_range(programme.start_date, programme.end_date, language),
        },
    )


def programme_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _visible_programme(request, slug)
    sessions = agenda.sessions_with_people(programme)
    return calendar.ical_response(request, programme, sessions, get_language())


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    participations = []
    if person is not None:
        participations = list(
            Participation.objects.filter(person=person)
            .exclude(status=Participation.Status.CANCELLED)
            .select_related("programme", "programme__host")
        )
    language = get_language()
    entries = []
    for participation in participations:
        programme = participation.programme
        zone = request.viewer.zone_or(person.zone if person else programme.zone)
        sessions = agenda.sessions_with_people(programme)
        my_session_ids = {
            s.pk for s in sessions for r in s.ordered_roles if r.person_id == person.pk
        }
        entries.append(
            {
                "participation": participation,
                "programme": programme,
                "zone": zone,
                "zone_label": locales.zone_label(
                    zone, language, sessions[0].start if sessions else datetime.now(UTC)
                ),
                "days": agenda.build(programme, sessions, language, zone),
                "my_session_ids": my_session_ids,
            }
        )
    return render(request, "programmes/portal.html", {"person": person, "entries": entries})
