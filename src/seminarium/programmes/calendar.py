"""iCalendar (RFC 5545) feed of a programme, built with the icalendar library."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from icalendar import Calendar, Event

from seminarium.core.exports import conditional_download, content_etag

from .models import Programme, Session


def build_calendar(
    programme: Programme,
    sessions: list[Session],
    language: str,
    *,
    event_url: Callable[[Session], str] | None = None,
) -> bytes:
    """The sessions as events; each links to ``event_url(session)``, else the programme page."""
    cal = Calendar()
    cal.add("prodid", "-//Seminarium//seminarium//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", programme.title.localize(language))
    cal.add("x-wr-timezone", programme.timezone)
    page = settings.SITE_URL + reverse("programme", args=[programme.slug])
    for session in sessions:
        event = Event()
        event.add("uid", f"session-{session.pk}@seminarium")
        event.add("dtstamp", programme.updated_at)
        event.add("dtstart", session.start)
        event.add("dtend", session.end)
        event.add("summary", session.title.localize(language))
        if session.description:
            event.add("description", session.description.localize(language))
        if session.room:
            event.add("location", session.room.localize(language))
        event.add("url", event_url(session) if event_url else page)
        cal.add_component(event)
    return cal.to_ical()


def ical_response(
    request: HttpRequest,
    programme: Programme,
    sessions: list[Session],
    language: str,
    *,
    public: bool | None = None,
    event_url: Callable[[Session], str] | None = None,
    filename: str = "",
) -> HttpResponse:
    """The calendar with an ETag (304 when unchanged). Only public feeds allow any origin
    to read them (CORS): by default those of published programmes; personal feeds
    pass ``public=False``."""
    body = build_calendar(programme, sessions, language, event_url=event_url)

    def build() -> HttpResponse:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename or programme.slug}.ics"'
        return response

    if public is None:
        public = programme.is_published
    return conditional_download(request, content_etag(body), build, public=public)
