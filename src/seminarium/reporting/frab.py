"""The programme as a frab-compatible schedule, in the XML and JSON that pretalx and the
c3voc tools (VOC's fahrplan, schedule viewers, recording pipelines) read.

One dictionary in frab JSON's structure is built first; the XML is written from the
same dictionary, so the two always carry the same content. The XML follows the c3voc
schema (schedule.xml, see docs/exports.md); the JSON follows pretalx's frab JSON.

Sessions become events; their on-site room (or "Online") becomes the frab room;
the session kind becomes both track and type; hosts, speakers and moderators become
the event's persons, as the public programme page shows them. Times are given in the
programme's time zone with the offset, as frab requires.
"""

import re
import uuid
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from lxml import etree

import seminarium
from seminarium.programmes import agenda
from seminarium.programmes.models import Programme, Session, SessionRole

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
PERSON_ROLES = (SessionRole.Role.HOST, SessionRole.Role.SPEAKER, SessionRole.Role.MODERATOR)
# Characters XML 1.0 cannot carry (control characters pasted into a title, say).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    """Typed text as both formats can carry it, so that XML and JSON say the same."""
    return NOT_XML.sub("", value)


def _guid(kind: str, key: object) -> str:
    """A stable UUID per object and site, as frab consumers key events by guid.
    Rooms have no row of their own: their key is their name."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/{kind}/{key}"))


def _acronym(programme: Programme) -> str:
    # c3voc acronyms are lower-case letters, digits, "_" and "-", at least 4 characters.
    acronym = slugify(programme.slug).lower()
    return acronym if len(acronym) >= 4 else f"{acronym}____"[:4]


def _event_slug(acronym: str, session: Session) -> str:
    # c3voc slugs: at least four characters without a hyphen, a hyphen, at least four more.
    title = slugify(session.title.localize("en"))
    return f"{acronym.replace('-', '_')}-session-{session.pk}" + (f"-{title}" if title else "")


def _hours_minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _kind_slug(kind: str) -> str:
    return kind.replace("_", "-")


def schedule(programme: Programme, language: str) -> dict:
    """The frab JSON document (as a dict) for ``programme``, texts in ``language``."""
    zone = programme.zone
    page = settings.SITE_URL + reverse("programme", args=[programme.slug])
    acronym = _acronym(programme)
    kinds = dict(Session.Kind.choices)
    online = _("Online")
    sessions = agenda.sessions_with_people(programme)

    def room_of(session: Session) -> str:
        return _text(session.room.localize(language)) if session.room else online

    def event(session: Session) -> dict:
        local_start = session.start.astimezone(zone)
        kind = str(kinds.get(session.kind, session.kind))
        description = session.description.localize(language) if session.description else ""
        return {
            "guid": _guid("session", session.pk),
            "id": session.pk,
            "date": local_start.isoformat(),
            "start": local_start.strftime("%H:%M"),
            "duration": _hours_minutes(session.end - session.start),
            "room": room_of(session),
            "slug": _event_slug(acronym, session),
            "url": f"{page}#session-{session.pk}",
            "title": _text(session.title.localize(language)),
            "subtitle": "",
            "track": kind,
            "type": kind,
            "language": session.floor_language,
            "abstract": _text(description),
            "description": "",
            "persons": [
                {
                    "id": role.person_id,
                    "guid": _guid("person", role.person_id),
                    "name": _text(role.person.display_name(language)),
                    "public_name": _text(role.person.display_name(language)),
                }
                for role in _unique_people(session)
            ],
            "links": [],
        }

    days = []
    rooms: dict[str, str] = {}
    for index, day in enumerate(programme.days(), start=1):
        day_start = datetime.combine(day, time.min, tzinfo=zone)
        day_rooms: dict[str, list[dict]] = defaultdict(list)
        for session in sessions:
            if session.start.astimezone(zone).date() == day:
                room = room_of(session)
                rooms.setdefault(room, _guid("room", room))
                day_rooms[room].append(event(session))
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": day_start.isoformat(),
                "day_end": (day_start + timedelta(days=1)).isoformat(),
                "rooms": dict(day_rooms),
            }
        )
    tracks = sorted({s.kind for s in sessions})
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": "seminarium", "version": seminarium.__version__},
        "schedule": {
            "url": page,
            "version": programme.updated_at.isoformat(),
            "base_url": settings.SITE_URL + "/",
            "conference": {
                "acronym": acronym,
                "title": _text(programme.title.localize(language)),
                "start": programme.start_date.isoformat(),
                "end": programme.end_date.isoformat(),
                "daysCount": len(days),
                "timeslot_duration": "00:05",
                "time_zone_name": programme.timezone,
                "url": page,
                "rooms": [{"name": name, "guid": guid} for name, guid in rooms.items()],
                "tracks": [
                    {"name": str(kinds.get(kind, kind)), "slug": _kind_slug(kind)}
                    for kind in tracks
                ],
                "days": days,
            },
        },
    }


def _unique_people(session: Session) -> list[SessionRole]:
    seen: set[int] = set()
    roles = []
    for role in session.ordered_roles:
        if role.role in PERSON_ROLES and role.person_id not in seen:
            seen.add(role.person_id)
            roles.append(role)
    return roles


def _sub(parent: etree._Element, tag: str, text: object = None, **attributes) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def to_xml(document: dict) -> bytes:
    """The frab schedule.xml for a document built by :func:`schedule`."""
    data = document["schedule"]
    conference = data["conference"]
    root = etree.Element("schedule")
    _sub(root, "generator", **document["generator"])
    _sub(root, "url", data["url"])
    _sub(root, "version", data["version"])
    conf = _sub(root, "conference")
    _sub(conf, "acronym", conference["acronym"])
    _sub(conf, "title", conference["title"])
    _sub(conf, "start", conference["start"])
    _sub(conf, "end", conference["end"])
    _sub(conf, "days", conference["daysCount"])
    _sub(conf, "timeslot_duration", conference["timeslot_duration"])
    _sub(conf, "base_url", data["base_url"])
    _sub(conf, "url", conference["url"])
    _sub(conf, "time_zone_name", conference["time_zone_name"])
    for track in conference["tracks"]:
        _sub(conf, "track", track["name"], name=track["name"], slug=track["slug"])
    room_guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    for day in conference["days"]:
        day_element = _sub(
            root,
            "day",
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
            index=day["index"],
        )
        for room_name, events in day["rooms"].items():
            room = _sub(day_element, "room", name=room_name, guid=room_guids[room_name])
            for event in events:
                _event_xml(room, event)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _event_xml(room: etree._Element, event: dict) -> None:
    element = _sub(room, "event", id=event["id"], guid=event["guid"])
    for tag in (
        "date",
        "start",
        "duration",
        "room",
        "slug",
        "url",
        "title",
        "subtitle",
        "track",
        "type",
        "language",
        "abstract",
        "description",
    ):
        _sub(element, tag, event[tag])
    persons = _sub(element, "persons")
    for person in event["persons"]:
        _sub(persons, "person", person["public_name"], id=person["id"], guid=person["guid"])
    _sub(element, "links")
