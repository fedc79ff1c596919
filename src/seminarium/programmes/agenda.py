"""The programme as a reader sees it: days and sessions in the reader's zone and language.

Times are formatted here, once per session, rather than by template filters, so
that a 1,000-session page stays cheap.
"""

from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet

from seminarium.core import locales

from .models import Programme, Session, SessionRole


@dataclass
class RoleLine:
    name: str
    role: str
    position: str
    organisation: str
    location: str


@dataclass
class AgendaSession:
    session: Session
    title: str
    description: str
    kind: str
    time: str  # "14:00–15:30" in the reader's zone
    programme_time: str  # the same in the programme's zone, when the zones differ
    floor_language: str
    interpretation: list[str]
    room: str
    onsite: list[RoleLine] = field(default_factory=list)
    online: list[RoleLine] = field(default_factory=list)
    speakers: list[RoleLine] = field(default_factory=list)


@dataclass
class AgendaDay:
    day: date
    label: str
    sessions: list[AgendaSession]


def sessions_with_people(programme: Programme) -> QuerySet[Session]:
    """All sessions with their roles, people and organisations, in a constant number of queries."""
    roles = SessionRole.objects.select_related("person__organisation").order_by(
        "protocol_order", "id"
    )
    return programme.sessions.order_by("start", "id").prefetch_related(
        Prefetch("roles", queryset=roles)
    )


def _line(role: SessionRole, language: str) -> RoleLine:
    person = role.person
    organisation = person.organisation
    return RoleLine(
        name=person.display_name(language),
        role=role.get_role_display(),
        position=person.position.localize(language) if person.position else "",
        organisation=organisation.name.localize(language) if organisation else "",
        location=role.location.localize(language) if role.location else "",
    )


def build(
    programme: Programme, sessions: list[Session], language: str, zone: ZoneInfo
) -> list[AgendaDay]:
    home = programme.zone
    differs = zone.key != home.key
    cldr = locales.cldr_locale(language)

    def span(session: Session, in_zone: ZoneInfo) -> str:
        start = locales.short_time(session.start, in_zone, language)
        end = locales.short_time(session.end, in_zone, language)
        return f"{start}–{end}"

    items = []
    for session in sessions:
        item = AgendaSession(
            session=session,
            title=session.title.localize(language),
            description=session.description.localize(language) if session.description else "",
            kind=session.get_kind_display(),
            time=span(session, zone),
            programme_time=span(session, home) if differs else "",
            floor_language=cldr.languages.get(session.floor_language.split("-")[0], ""),
            interpretation=[
                cldr.languages.get(code.split("-")[0], code)
                for code in session.interpretation_languages
            ],
            room=session.room.localize(language) if session.room else "",
        )
        for role in session.roles.all():
            line = _line(role, language)
            if session.kind == Session.Kind.CEREMONY and role.role == SessionRole.Role.GUEST:
                target = item.online if role.mode == SessionRole.Mode.ONLINE else item.onsite
                target.append(line)
            else:
                item.speakers.append(line)
        items.append(item)
    days = []
    for day, group in groupby(items, key=lambda i: i.session.start.astimezone(zone).date()):
        days.append(
            AgendaDay(day=day, label=locales.weekday_date(day, language), sessions=list(group))
        )
    return days
