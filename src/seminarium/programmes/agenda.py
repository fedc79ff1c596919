"""The programme as a reader sees it: days and sessions in the reader's zone and language.

Everything a reader sees is formatted here, once per session and once per person,
rather than by template filters and includes, so that a 1,000-session page stays cheap.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from zoneinfo import ZoneInfo

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
    interpretation: str
    room: str
    onsite: list[RoleLine] = field(default_factory=list)
    online: list[RoleLine] = field(default_factory=list)
    speakers: list[RoleLine] = field(default_factory=list)


@dataclass
class AgendaDay:
    day: date
    label: str
    sessions: list[AgendaSession]


def sessions_with_people(programme: Programme) -> list[Session]:
    """All sessions with their roles, people and organisations, in two queries.

    Roles are grouped here rather than with prefetch_related, whose per-object
    `.all()` clones a query holding every session id: quadratic on big programmes.
    """
    sessions = list(programme.sessions.order_by("start", "id"))
    roles_by_session: dict[int, list[SessionRole]] = defaultdict(list)
    roles = (
        SessionRole.objects.filter(session__programme=programme)
        .select_related("person__organisation")
        .order_by("protocol_order", "id")
    )
    for role in roles:
        roles_by_session[role.session_id].append(role)
    for session in sessions:
        session.ordered_roles = roles_by_session.get(session.pk, [])
    return sessions


def build(
    programme: Programme, sessions: list[Session], language: str, zone: ZoneInfo
) -> list[AgendaDay]:
    home = programme.zone
    differs = zone.key != home.key
    cldr = locales.cldr_locale(language)
    kinds = {value: str(label) for value, label in Session.Kind.choices}
    role_names = {value: str(label) for value, label in SessionRole.Role.choices}
    people: dict[int, tuple[str, str, str]] = {}

    def language_name(code: str) -> str:
        return cldr.languages.get(code.split("-")[0], code)

    def span(session: Session, in_zone: ZoneInfo) -> str:
        start = locales.short_time(session.start, in_zone, language)
        end = locales.short_time(session.end, in_zone, language)
        return f"{start}–{end}"

    def line(role: SessionRole) -> RoleLine:
        if role.person_id not in people:
            person, organisation = role.person, role.person.organisation
            people[role.person_id] = (
                person.display_name(language),
                person.position.localize(language) if person.position else "",
                organisation.name.localize(language) if organisation else "",
            )
        name, position, organisation_name = people[role.person_id]
        return RoleLine(
            name=name,
            role=role_names[role.role],
            position=position,
            organisation=organisation_name,
            location=role.location.localize(language) if role.location else "",
        )

    items = []
    for session in sessions:
        item = AgendaSession(
            session=session,
            title=session.title.localize(language),
            description=session.description.localize(language) if session.description else "",
            kind=kinds[session.kind],
            time=span(session, zone),
            programme_time=span(session, home) if differs else "",
            floor_language=language_name(session.floor_language),
            interpretation=", ".join(map(language_name, session.interpretation_languages)),
            room=session.room.localize(language) if session.room else "",
        )
        for role in session.ordered_roles:
            if session.kind == Session.Kind.CEREMONY and role.role == SessionRole.Role.GUEST:
                target = item.online if role.mode == SessionRole.Mode.ONLINE else item.onsite
                target.append(line(role))
            else:
                item.speakers.append(line(role))
        items.append(item)
    return [
        AgendaDay(day=day, label=locales.weekday_date(day, language), sessions=list(group))
        for day, group in groupby(items, key=lambda i: i.session.start.astimezone(zone).date())
    ]
