"""What reports and exports read: tables for CSV/XLSX downloads and the funder's report.

Everything here only reads. Attendance comes from the attendance ledger
(attendance.services), ratings and suggestions from evaluation.services,
certificates from certificates.services; nothing is estimated when a figure is
missing: it is shown as missing.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from babel.numbers import format_decimal, format_percent
from django.utils.translation import gettext as _

from seminarium.attendance.services import minutes_attended, programme_attendance
from seminarium.certificates.services import issued_count
from seminarium.core import locales
from seminarium.core.exports import Cell
from seminarium.evaluation.services import ProgrammeResults, programme_results
from seminarium.nominations.models import Call, Nomination
from seminarium.people.models import Person
from seminarium.programmes.models import Participation, Programme, Session

Table = tuple[list[str], list[list[Cell]]]

# The people a funder counts as the programme's participants.
COUNTED_KINDS = (Participation.Kind.PARTICIPANT,)
COUNTED_STATUSES = (Participation.Status.CONFIRMED,)


def _participations(programme: Programme, country: str | None):
    participations = programme.participations.select_related("person__organisation").order_by(
        "country_id", "person__family_name", "person__given_name", "id"
    )
    return participations.filter(country_id=country) if country else participations


def gender_collected() -> bool:
    """Whether people's gender is recorded at all. It is not (see docs/reporting.md):
    a seminar needs no gender, so the report says "not collected" instead of guessing."""
    return "gender" in {f.name for f in Person._meta.get_fields()}


# Tables for CSV and XLSX ------------------------------------------------------------


def participants_table(programme: Programme, country: str | None, language: str) -> Table:
    """Everyone in the programme (or one delegation), names exactly as supplied."""
    header = [
        _("Delegation"),
        _("Family name"),
        _("Given name"),
        _("Patronymic"),
        _("Family name (passport, Latin)"),
        _("Given name (passport, Latin)"),
        _("Name in Chinese"),
        _("Name in Russian"),
        _("Organisation"),
        _("Title or position"),
        _("Takes part as"),
        _("Status"),
    ]
    rows: list[list[Cell]] = []
    for p in _participations(programme, country):
        person = p.person
        rows.append(
            [
                locales.country_name(p.country_id, language),
                person.family_name,
                person.given_name,
                person.patronymic,
                person.latin_family_name,
                person.latin_given_name,
                person.chinese_name,
                person.russian_name,
                person.organisation.name.localize(language) if person.organisation else "",
                person.position.localize(language) if person.position else "",
                p.get_kind_display(),
                p.get_status_display(),
            ]
        )
    return header, rows


def attendance_table(programme: Programme, country: str | None, language: str) -> Table:
    """Each active participation's attendance, from the ledger."""
    header = [
        _("Delegation"),
        _("Name"),
        _("Takes part as"),
        _("Minutes attended"),
        _("Minutes scheduled"),
        _("Minutes excused"),
        _("Attendance (%)"),
        _("Meets the certificate threshold"),
    ]
    attendance = programme_attendance(programme)
    rows: list[list[Cell]] = []
    for p in _participations(programme, country):
        record = attendance.get(p.pk)
        if record is None:
            continue
        rows.append(
            [
                locales.country_name(p.country_id, language),
                p.person.display_name(language),
                p.get_kind_display(),
                round(record.attended_minutes),
                round(record.scheduled_minutes),
                round(record.excused_minutes),
                round(100 * record.rate, 1),
                _("Yes") if record.eligible else _("No"),
            ]
        )
    return header, rows


def evaluation_table(programme: Programme, country: str | None, language: str) -> Table:
    """Average ratings (1–5) per session, lecturer and delegation, the quiz, suggestions.
    With ``country``, only that delegation's answers count."""
    results = programme_results(programme, country=country)
    header = [_("Part"), _("Item"), _("Average rating (1–5)"), _("Answers")]

    def average(value: float | None) -> Cell:
        return None if value is None else round(value, 2)

    rows: list[list[Cell]] = [
        [_("Overall"), _("All level-1 ratings"), average(results.overall), results.respondents]
    ]
    for session, value, answers in results.per_session:
        rows.append([_("Session"), session.title.localize(language), average(value), answers])
    for person, value, answers in results.per_lecturer:
        rows.append([_("Lecturer"), person.display_name(language), average(value), answers])
    for code, (value, answers) in results.per_country.items():
        rows.append(
            [_("Delegation"), locales.country_name(code, language), average(value), answers]
        )
    if results.quiz_average is not None:
        rows.append(
            [_("Quiz"), _("Average share of points (%)"), round(results.quiz_average, 1), ""]
        )
    for text in results.suggestions:
        rows.append([_("Suggestion"), text, None, ""])
    return header, rows


# The funder's report ----------------------------------------------------------------


@dataclass(frozen=True)
class CountryLine:
    code: str
    name: str
    participants: int
    places: int | None  # None: no quota for this country
    nominated: int
    approved: int
    attendance_rate: float | None  # mean of the delegation's rates, 0..1
    rating: float | None
    ratings: int


@dataclass(frozen=True)
class SessionLine:
    session: Session
    title: str
    attendance_rate: float | None  # share of the participants' time attended, 0..1
    rating: float | None
    ratings: int


@dataclass
class FunderReport:
    programme: Programme
    language: str
    title: str
    host: str
    funder: str
    reference: str
    dates: str
    participants: int
    gender_collected: bool
    has_call: bool
    countries: list[CountryLine]
    sessions: list[SessionLine]
    overall_attendance: float | None
    eligible: int
    certificates: int
    evaluation: ProgrammeResults

    @property
    def suggestions(self) -> list[str]:
        return self.evaluation.suggestions


def funder_report(programme: Programme, language: str) -> FunderReport:
    counted = [
        p
        for p in _participations(programme, None)
        if p.kind in COUNTED_KINDS and p.status in COUNTED_STATUSES
    ]
    counted_ids = {p.pk for p in counted}
    attendance = {
        pk: record for pk, record in programme_attendance(programme).items() if pk in counted_ids
    }
    results = programme_results(programme)

    call = Call.objects.filter(programme=programme).first()
    places: dict[str, int] = {}
    nominated: Counter[str] = Counter()
    approved: Counter[str] = Counter()
    if call is not None:
        places = {q.country_id: q.places for q in call.quotas.all()}
        for country, status in call.nominations.values_list("country_id", "status"):
            if status != Nomination.Status.WITHDRAWN:
                nominated[country] += 1
            if status == Nomination.Status.APPROVED:
                approved[country] += 1

    rates_by_country: dict[str, list[float]] = defaultdict(list)
    by_country: Counter[str] = Counter()
    for p in counted:
        by_country[p.country_id] += 1
        if p.pk in attendance:
            rates_by_country[p.country_id].append(attendance[p.pk].rate)
    codes = sorted(set(by_country) | set(places) | set(nominated))
    countries = [
        CountryLine(
            code=code,
            name=locales.country_name(code, language),
            participants=by_country[code],
            places=places.get(code),
            nominated=nominated[code],
            approved=approved[code],
            attendance_rate=_mean(rates_by_country.get(code, [])),
            rating=results.per_country.get(code, (None, 0))[0],
            ratings=results.per_country.get(code, (None, 0))[1],
        )
        for code in codes
    ]

    ratings = {session.pk: (value, answers) for session, value, answers in results.per_session}
    sessions = []
    measured = list(programme.sessions.exclude(kind=Session.Kind.BREAK).order_by("start", "id"))
    minutes = minutes_attended(measured)
    for session in measured:
        duration = session.duration_minutes
        present = sum(min(minutes.get((session.pk, pk), 0.0), duration) for pk in counted_ids)
        value, answers = ratings.get(session.pk, (None, 0))
        sessions.append(
            SessionLine(
                session=session,
                title=session.title.localize(language),
                attendance_rate=present / (duration * len(counted_ids))
                if counted_ids and duration
                else None,
                rating=value,
                ratings=answers,
            )
        )

    return FunderReport(
        programme=programme,
        language=language,
        title=programme.title.localize(language),
        host=programme.host.name.localize(language),
        funder=programme.funder.name.localize(language) if programme.funder else "",
        reference=programme.funding_reference,
        dates=locales.date_range(programme.start_date, programme.end_date, language),
        participants=len(counted),
        gender_collected=gender_collected(),
        has_call=call is not None,
        countries=countries,
        sessions=sessions,
        overall_attendance=_mean([record.rate for record in attendance.values()]),
        eligible=sum(1 for record in attendance.values() if record.eligible),
        certificates=issued_count(programme),
        evaluation=results,
    )


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def percent(value: float | None, language: str) -> str:
    """``87 %`` in the reader's locale; a dash when there is nothing to measure."""
    if value is None:
        return "—"
    return format_percent(value, locale=locales.cldr_locale(language))


def rating(value: float | None, language: str) -> str:
    if value is None:
        return "—"
    return format_decimal(round(value, 2), locale=locales.cldr_locale(language))


def report_table(report: FunderReport) -> Table:
    """The report as one long table, for XLSX: part, item, figure, and a second figure."""
    header = [_("Part"), _("Item"), _("Figure"), _("Second figure")]
    rows: list[list[Cell]] = [
        [_("Programme"), _("Title"), report.title, ""],
        [_("Programme"), _("Dates"), report.dates, ""],
        [_("Programme"), _("Host"), report.host, ""],
        [_("Programme"), _("Funder"), report.funder, ""],
        [_("Programme"), _("Project reference"), report.reference, ""],
        [_("Participants"), _("Confirmed participants"), report.participants, ""],
        [
            _("Participants"),
            _("Gender"),
            _("Collected") if report.gender_collected else _("Not collected"),
            "",
        ],
    ]
    for line in report.countries:
        rows.append([_("Participants by country"), line.name, line.participants, ""])
        rows.append(
            [
                _("Nominations versus places"),
                line.name,
                line.nominated,
                "" if line.places is None else line.places,
            ]
        )
        rows.append(
            [_("Attendance by country (%)"), line.name, _rounded_percent(line.attendance_rate), ""]
        )
        rows.append([_("Rating by country (1–5)"), line.name, _rounded(line.rating), line.ratings])
    for line in report.sessions:
        rows.append(
            [_("Attendance by session (%)"), line.title, _rounded_percent(line.attendance_rate), ""]
        )
        rows.append([_("Rating by session (1–5)"), line.title, _rounded(line.rating), line.ratings])
    rows += [
        [_("Attendance"), _("Overall (%)"), _rounded_percent(report.overall_attendance), ""],
        [_("Attendance"), _("Meet the certificate threshold"), report.eligible, ""],
        [_("Evaluation"), _("Overall rating (1–5)"), _rounded(report.evaluation.overall), ""],
        [_("Evaluation"), _("Respondents"), report.evaluation.respondents, ""],
        [
            _("Evaluation"),
            _("Quiz: average share of points (%)"),
            _rounded(report.evaluation.quiz_average),
            "",
        ],
        [_("Certificates"), _("Issued"), report.certificates, ""],
    ]
    rows += [[_("Suggestions"), text, "", ""] for text in report.suggestions]
    return header, rows


def _rounded(value: float | None) -> Cell:
    return None if value is None else round(value, 2)


def _rounded_percent(value: float | None) -> Cell:
    return None if value is None else round(100 * value, 1)
