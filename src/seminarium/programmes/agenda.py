"""The programme as a reader sees it: days and sessions in the reader's zone and language.

Everything a reader sees is formatted here, once per session and once per person,
rather than by template filters and includes, so that a 1,000-session page stays cheap.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from zoneinfo import ZoneInfo

from django.utils.html import escape, format_html
from django.utils.translation import gettext

from seminarium.core import locales
from seminarium.people.models import Person

from .models import Programme, Session, SessionRole


@dataclass
class RoleLine:
    person: str  # "<strong>name</strong>, position, organisation", escaped
    role: str
    location: str


@dataclass
class AgendaSession:
    session: Session
    title: str
    description: str
    kind: str
    time: str  # "14:00–15:30" in the reader's zone
    programme_time: str  # "16:00–17:30 programme time", when the zones differ
    details: str  # "In Chinese · interpretation into Russian, English · Hall A · online"
    onsite: list[RoleLine] = field(default_factory=list)
    online: list[RoleLine] = field(default_factory=list)
    speakers: list[RoleLine] = field(default_factory=list)


@dataclass
class AgendaDay:
    day: date
    label: str
    sessions: list[AgendaSession]


def sessions_with_people(programme: Programme) -> list[Session]:
    """All sessions with their roles, people and organisations, in three queries.

    Roles are grouped here rather than with prefetch_related, whose per-object
    `.all()` clones a query holding every session id (quadratic on big programmes),
    and each person is loaded once however many roles they hold.
    """
    sessions = list(programme.sessions.order_by("start", "id"))
    roles = list(
        SessionRole.objects.filter(session__programme=programme).order_by("protocol_order", "id")
    )
    people = Person.objects.filter(pk__in={role.person_id for role in roles})
    people_by_id = {person.pk: person for person in people.select_related("organisation")}
    roles_by_session: dict[int, list[SessionRole]] = defaultdict(list)
    for role in roles:
        role.person = people_by_id[role.person_id]
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
    # Translators: a role before a name, as in "Speaker: Yang Wanming".
    role_names = {
        value: gettext("%(role)s:") % {"role": label} for value, label in SessionRole.Role.choices
    }
    people: dict[int, str] = {}

    # Translated once per page rather than once per session.
    programme_time_label = gettext("%(time)s programme time")
    floor_label = gettext("In %(language)s")
    interpretation_label = gettext("interpretation into %(languages)s")
    online_label = gettext("online")
    # Translators: separates items of a list; Chinese uses the full-width comma "，".
    separator = gettext(", ")

    def language_name(code: str) -> str:
        return cldr.languages.get(code.split("-")[0], code)

    def details(session: Session) -> str:
        parts = [floor_label % {"language": language_name(session.floor_language)}]
        if session.interpretation_languages:
            names = separator.join(map(language_name, session.interpretation_languages))
            parts.append(interpretation_label % {"languages": names})
        if session.room:
            parts.append(session.room.localize(language))
        if session.is_online:
            parts.append(online_label)
        return " · ".join(parts)

    def span(session: Session, in_zone: ZoneInfo) -> str:
        start = locales.short_time(session.start, in_zone, language)
        end = locales.short_time(session.end, in_zone, language)
        return f"{start}–{end}"

    def person_html(role: SessionRole) -> str:
        """Once per person, not per role: big programmes repeat the same people."""
        if role.person_id not in people:
            person, organisation = role.person, role.person.organisation
            details = [
                person.position.localize(language) if person.position else "",
                organisation.name.localize(language) if organisation else "",
            ]
            people[role.person_id] = format_html(
                "<strong>{}</strong>{}",
                person.display_name(language),
                "".join(f"{separator}{escape(d)}" for d in details if d),
            )
        return people[role.person_id]

    def line(role: SessionRole) -> RoleLine:
        return RoleLine(
            person=person_html(role),
            role=role_names[role.role],
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
            programme_time=programme_time_label % {"time": span(session, home)} if differs else "",
            details=details(session),
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
