"""Press-release drafts in Chinese, Russian and English, written from the records.

A draft states only what the records hold: who hosted the programme and when; how
many participants came from which countries and how they attended; the opening
ceremony's officials on site and online, in protocol order, with their titles and
organisations; who hosted the ceremony and who spoke, in order. The press office
edits it; nothing is invented to make it read better.

Who is named (the rule, also in docs/reporting.md):

- A person with a participation in the programme (participants, lecturers, staff,
  interpreters) is named only if they consented to press mention
  (``Participation.press_consent`` is True). Everyone else is counted, not named.
- An official on a ceremony's session roles who has no participation in the programme
  appears there in public office, as protocol lists and official releases name them;
  they are named, with their title and organisation. Such officials have no consent
  field: inviting an official in their office is the basis for naming them, and an
  official who must not be named is given a participation with press consent "No".

Sentences are translatable templates (gettext under ``translation.override``); names
come in the target language's form (people/names.py); dates, numbers, country names
and lists come from CLDR through Babel.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from babel.lists import format_list
from babel.numbers import format_decimal
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seminarium.core import locales
from seminarium.people.models import Organisation, Person
from seminarium.programmes.models import Participation, Programme, Session, SessionRole

RELEASE_LANGUAGES = ("zh-hans", "ru", "en")

# The project writes British English: day before month, no serial comma.
_CLDR_LANGUAGE = {"en": "en-gb"}


@dataclass(frozen=True)
class PressRelease:
    language: str
    headline: str
    paragraphs: list[str]
    # Counted but not named, for the press office's information (not part of the text).
    unnamed: int = 0

    @property
    def text(self) -> str:
        return "\n\n".join([self.headline, *self.paragraphs])


@dataclass
class ReleaseFacts:
    """What the records say, independent of the language it is told in."""

    programme: Programme
    participants: list[Participation]
    ceremony: Session | None
    ceremony_roles: list[SessionRole]
    # person id -> press consent, for everyone with a participation in the programme
    consent: dict[int, bool | None] = field(default_factory=dict)

    def may_name(self, person: Person) -> bool:
        if person.pk in self.consent:
            return self.consent[person.pk] is True
        return True  # an official in public office, with no participation: see above


def release_facts(programme: Programme) -> ReleaseFacts:
    participations = list(
        programme.participations.select_related("person__organisation").order_by(
            "country_id", "person__family_name", "id"
        )
    )
    participants = [
        p
        for p in participations
        if p.kind == Participation.Kind.PARTICIPANT and p.status == Participation.Status.CONFIRMED
    ]
    ceremony = programme.sessions.filter(kind=Session.Kind.CEREMONY).order_by("start", "id").first()
    roles = []
    if ceremony is not None:
        roles = list(
            ceremony.roles.filter(
                role__in=[SessionRole.Role.HOST, SessionRole.Role.GUEST, SessionRole.Role.SPEAKER]
            )
            .select_related("person__organisation")
            .order_by("protocol_order", "id")
        )
    return ReleaseFacts(
        programme=programme,
        participants=participants,
        ceremony=ceremony,
        ceremony_roles=roles,
        consent={p.person_id: p.press_consent for p in participations},
    )


def draft_release(programme: Programme, language: str) -> PressRelease:
    return write_release(release_facts(programme), language)


def draft_releases(programme: Programme) -> list[PressRelease]:
    """The draft in each release language, from one reading of the records."""
    facts = release_facts(programme)
    return [write_release(facts, language) for language in RELEASE_LANGUAGES]


def write_release(facts: ReleaseFacts, language: str) -> PressRelease:
    with translation.override(language):
        return _Writer(facts, language).release()


class _Writer:
    def __init__(self, facts: ReleaseFacts, language: str) -> None:
        self.facts = facts
        self.language = language
        # The language Babel formats dates, numbers and lists in.
        self.formats = _CLDR_LANGUAGE.get(language, language)
        self.cldr = locales.cldr_locale(self.formats)
        self.described: set[int] = set()
        self.unnamed = 0

    # Pieces -------------------------------------------------------------------------

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.cldr)

    def long_date(self, value: date) -> str:
        return locales.long_date(value, self.formats)

    def join(self, items: list[str]) -> str:
        return format_list(items, locale=self.cldr)

    def organisation(self, organisation: Organisation) -> str:
        return organisation.name.localize(self.language)

    def host(self, first_mention: bool) -> str:
        host = self.facts.programme.host
        name = self.organisation(host)
        if not host.short_name:
            return name
        if first_mention:
            return _("%(name)s (%(short_name)s)") % {"name": name, "short_name": host.short_name}
        return host.short_name

    def person(self, person: Person) -> str:
        """The name, with title and organisation on first mention."""
        name = person.display_name(self.language)
        if person.pk in self.described:
            return name
        self.described.add(person.pk)
        position = person.position.localize(self.language) if person.position else ""
        organisation = self.organisation(person.organisation) if person.organisation else ""
        values = {"name": name, "position": position, "organisation": organisation}
        if position and organisation:
            return _("%(name)s (%(position)s, %(organisation)s)") % values
        if position:
            return _("%(name)s (%(position)s)") % values
        if organisation:
            return _("%(name)s (%(organisation)s)") % values
        return name

    def named(self, roles: list[SessionRole]) -> tuple[list[Person], int]:
        """The people who may be named, in protocol order, and how many may not."""
        people = [r.person for r in roles if self.facts.may_name(r.person)]
        hidden = len(roles) - len(people)
        self.unnamed += hidden
        return people, hidden

    # Paragraphs ---------------------------------------------------------------------

    def release(self) -> PressRelease:
        paragraphs = [self.programme_paragraph()]
        if self.facts.ceremony is not None:
            paragraphs.append(self.ceremony_paragraph())
        title = self.facts.programme.title.localize(self.language)
        if self.facts.ceremony is not None:
            headline = _("%(host)s held the opening ceremony of “%(title)s”") % {
                "host": self.host(first_mention=False),
                "title": title,
            }
        else:
            headline = _("%(host)s hosted “%(title)s”") % {
                "host": self.host(first_mention=False),
                "title": title,
            }
        return PressRelease(self.language, headline, paragraphs, self.unnamed)

    def programme_paragraph(self) -> str:
        programme = self.facts.programme
        sentences = [
            _("From %(start)s to %(end)s, %(host)s hosted “%(title)s”.")
            % {
                "host": self.host(first_mention=True),
                "title": programme.title.localize(self.language),
                "start": self.long_date(programme.start_date),
                "end": self.long_date(programme.end_date),
            }
        ]
        participants = self.facts.participants
        if participants:
            sentences.append(self.attendance_sentence(participants))
            by_country: dict[str, int] = defaultdict(int)
            for participation in participants:
                by_country[participation.country_id] += 1
            if len(by_country) > 1:
                sentences.append(
                    _("By country: %(counts)s.")
                    % {
                        "counts": self.join(
                            [
                                _("%(country)s %(count)s")
                                % {
                                    "country": locales.country_name(code, self.language),
                                    "count": self.number(count),
                                }
                                for code, count in by_country.items()
                            ]
                        )
                    }
                )
            named = [p.person for p in participants if p.press_consent is True]
            self.unnamed += len(participants) - len(named)
            if named:
                sentences.append(
                    _("Among them: %(names)s.")
                    % {"names": self.join([self.person(person) for person in named])}
                )
        return " ".join(sentences)

    def attendance_sentence(self, participants: list[Participation]) -> str:
        count = len(participants)
        countries = self.join(
            [
                locales.country_name(code, self.language)
                for code in dict.fromkeys(p.country_id for p in participants)
            ]
        )
        # Participants are called judges only when every one of them belongs to a court.
        judges = all(
            p.person.organisation is not None
            and p.person.organisation.kind == Organisation.Kind.COURT
            for p in participants
        )
        mode = self.facts.programme.delivery_mode
        values = {"count": self.number(count), "countries": countries}
        if judges and mode == Programme.DeliveryMode.ONLINE:
            template = ngettext(
                "A total of %(count)s judge from %(countries)s attended the seminar online.",
                "A total of %(count)s judges from %(countries)s attended the seminar online.",
                count,
            )
        elif judges and mode == Programme.DeliveryMode.ONSITE:
            template = ngettext(
                "A total of %(count)s judge from %(countries)s attended the seminar on site.",
                "A total of %(count)s judges from %(countries)s attended the seminar on site.",
                count,
            )
        elif judges:
            template = ngettext(
                "A total of %(count)s judge from %(countries)s attended the seminar, "
                "on site and online.",
                "A total of %(count)s judges from %(countries)s attended the seminar, "
                "on site and online.",
                count,
            )
        elif mode == Programme.DeliveryMode.ONLINE:
            template = ngettext(
                "A total of %(count)s participant from %(countries)s attended the seminar online.",
                "A total of %(count)s participants from %(countries)s attended the seminar online.",
                count,
            )
        elif mode == Programme.DeliveryMode.ONSITE:
            template = ngettext(
                "A total of %(count)s participant from %(countries)s attended the seminar on site.",
                "A total of %(count)s participants from %(countries)s attended the seminar "
                "on site.",
                count,
            )
        else:
            template = ngettext(
                "A total of %(count)s participant from %(countries)s attended the seminar, "
                "on site and online.",
                "A total of %(count)s participants from %(countries)s attended the seminar, "
                "on site and online.",
                count,
            )
        return template % values

    def ceremony_paragraph(self) -> str:
        ceremony = self.facts.ceremony
        assert ceremony is not None
        zone = self.facts.programme.zone
        values = {
            "ceremony": ceremony.title.localize(self.language),
            "date": self.long_date(ceremony.start.astimezone(zone).date()),
            "time": locales.short_time(ceremony.start, zone, self.formats),
            "city": locales.zone_city(zone.key, self.language),
            "offset": locales.utc_offset(ceremony.start, zone),
            "place": ceremony.room.localize(self.language) if ceremony.room else "",
        }
        if values["place"]:
            template = _(
                "The %(ceremony)s was held at %(place)s on %(date)s, at %(time)s %(city)s time "
                "(%(offset)s)."
            )
        else:
            template = _(
                "The %(ceremony)s was held on %(date)s, at %(time)s %(city)s time (%(offset)s)."
            )
        sentences = [template % values]

        roles = self.facts.ceremony_roles
        guests = [r for r in roles if r.role == SessionRole.Role.GUEST]
        sentences += self.onsite_guests([r for r in guests if r.mode == SessionRole.Mode.ONSITE])
        sentences += self.online_guests([r for r in guests if r.mode == SessionRole.Mode.ONLINE])
        sentences += self.hosts([r for r in roles if r.role == SessionRole.Role.HOST])
        sentences += self.speakers([r for r in roles if r.role == SessionRole.Role.SPEAKER])
        return " ".join(sentences)

    def onsite_guests(self, roles: list[SessionRole]) -> list[str]:
        people, hidden = self.named(roles)
        sentences = []
        if people:
            sentences.append(
                _("%(people)s attended the ceremony on site.")
                % {"people": self.join([self.person(p) for p in people])}
            )
        if hidden:
            sentences.append(
                ngettext(
                    "%(count)s further guest attended the ceremony on site.",
                    "%(count)s further guests attended the ceremony on site.",
                    hidden,
                )
                % {"count": self.number(hidden)}
            )
        return sentences

    def online_guests(self, roles: list[SessionRole]) -> list[str]:
        by_place: dict[str, list[SessionRole]] = defaultdict(list)
        for role in roles:
            place = role.location.localize(self.language) if role.location else ""
            by_place[place].append(role)
        sentences = []
        for place, place_roles in by_place.items():
            people, hidden = self.named(place_roles)
            if people:
                values = {"people": self.join([self.person(p) for p in people]), "place": place}
                if place:
                    sentence = _("%(people)s attended the ceremony online from %(place)s.")
                else:
                    sentence = _("%(people)s attended the ceremony online.")
                sentences.append(sentence % values)
            if hidden:
                sentences.append(
                    ngettext(
                        "%(count)s further guest attended the ceremony online.",
                        "%(count)s further guests attended the ceremony online.",
                        hidden,
                    )
                    % {"count": self.number(hidden)}
                )
        return sentences

    def hosts(self, roles: list[SessionRole]) -> list[str]:
        people, _hidden = self.named(roles)
        if not people:
            return []
        return [
            _("%(people)s hosted the ceremony.")
            % {"people": self.join([self.person(p) for p in people])}
        ]

    def speakers(self, roles: list[SessionRole]) -> list[str]:
        people, hidden = self.named(roles)
        sentences = []
        if people:
            sentences.append(
                _("Speeches were given, in this order, by %(people)s.")
                % {"people": self.join([self.person(p) for p in people])}
            )
        if hidden:
            sentences.append(
                ngettext(
                    "%(count)s further speaker addressed the ceremony.",
                    "%(count)s further speakers addressed the ceremony.",
                    hidden,
                )
                % {"count": self.number(hidden)}
            )
        return sentences
