"""iCalendar (RFC 5545) feed of a programme, built with the icalendar library."""

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import reverse
from icalendar import Calendar, Event

from .models import Programme, Session


def build_calendar(programme: Programme, sessions: list[Session], language: str) -> bytes:
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
        event.add("url", page)
        cal.add_component(event)
    return cal.to_ical()


def ical_response(
    request: HttpRequest, programme: Programme, sessions: list[Session], language: str
) -> HttpResponse:
    body = build_calendar(programme, sessions, language)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Content-Disposition"] = f'inline; filename="{programme.slug}.ics"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
