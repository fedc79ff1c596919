"""The organiser's timetable workflow: solver input from a programme, proposals, acceptance.

A proposal never changes the programme by itself: sessions move only when an organiser
accepts some or all of a proposal (``accept``), so a published programme keeps its
timetable until then. Solver ids: sessions and people by primary key, audience groups as
``<country>@<zone>``.
"""

import logging
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tasks import task

from seminarium.core import locales
from seminarium.core.audit import audited_delete, audited_save, record, snapshot
from seminarium.core.tasks import enqueue_after_commit
from seminarium.people.models import Person
from seminarium.programmes.models import Participation, Programme, Session, SessionRole

from . import check, solver
from .models import (
    AudienceZone,
    Availability,
    InterpreterLimit,
    OrderingRule,
    SessionAudience,
    SessionPin,
    TimetableBreak,
    TimetableProposal,
    TimetableSettings,
)

logger = logging.getLogger(__name__)

TimetableInput = (
    TimetableSettings
    | TimetableBreak
    | AudienceZone
    | Availability
    | InterpreterLimit
    | OrderingRule
    | SessionAudience
)

AUDIENCE_KINDS = (Participation.Kind.PARTICIPANT, Participation.Kind.OBSERVER)
ACTIVE = (Participation.Status.INVITED, Participation.Status.CONFIRMED)
PROGRESS_EVERY_S = 0.5


# --------------------------------------------------------------------------- input


def timetable_settings(programme: Programme) -> TimetableSettings:
    """The programme's settings, or unsaved defaults."""
    found = TimetableSettings.objects.filter(programme=programme).first()
    return found or TimetableSettings(programme=programme)


@dataclass(frozen=True)
class AudienceGroup:
    id: str
    country: str
    timezone: str
    members: int
    overridden: bool
    acceptable: tuple
    comfortable: tuple

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def label(self, language: str | None = None) -> str:
        language = language or get_language() or settings.LANGUAGE_CODE
        country = locales.country_name(self.country, language)
        return f"{country} ({locales.zone_city(self.timezone, language)})"


def audience_groups(programme: Programme) -> list[AudienceGroup]:
    """One group per delegation and home time zone of its invited or confirmed participants
    and observers; a delegation with an override follows the override's zone and hours."""
    defaults = timetable_settings(programme)
    overrides = {z.country_id: z for z in AudienceZone.objects.filter(programme=programme)}
    members: dict[str, Counter] = defaultdict(Counter)
    rows = Participation.objects.filter(
        programme=programme, status__in=ACTIVE, kind__in=AUDIENCE_KINDS
    ).values_list("country_id", "person__home_timezone")
    for country, zone in rows:
        override = overrides.get(country)
        members[country][override.timezone if override else zone] += 1
    for country, override in overrides.items():
        members[country][override.timezone] += 0
    groups = []
    for country in sorted(members):
        override = overrides.get(country)
        acceptable = (defaults.acceptable_start, defaults.acceptable_end)
        comfortable = (defaults.comfortable_start, defaults.comfortable_end)
        if override and override.acceptable_start is not None:
            acceptable = (override.acceptable_start, override.acceptable_end)
        if override and override.comfortable_start is not None:
            comfortable = (override.comfortable_start, override.comfortable_end)
        for zone, count in sorted(members[country].items()):
            groups.append(
                AudienceGroup(
                    id=f"{country}@{zone}",
                    country=country,
                    timezone=zone,
                    members=count,
                    overridden=override is not None,
                    acceptable=acceptable,
                    comfortable=comfortable,
                )
            )
    return groups


@transaction.atomic
def save_input(actor, obj: TimetableInput) -> TimetableInput:
    """Save one of the programme's timetabling inputs (settings, rule, zone, window, limit)."""
    return audited_save(actor, obj, programme_id=obj.programme_id)


@transaction.atomic
def delete_input(actor, obj: TimetableInput) -> None:
    audited_delete(actor, obj, programme_id=obj.programme_id)


def _sessions(programme: Programme) -> list[Session]:
    return list(
        Session.objects.filter(programme=programme)
        .prefetch_related("roles__person")
        .order_by("start", "id")
    )


def _room_key(session: Session) -> str | None:
    data = session.room.data if session.room else None
    if not data:
        return None
    if isinstance(data, dict):
        return "|".join(f"{k}={v}" for k, v in sorted(data.items()) if v) or None
    return str(data)


def build_problem(
    programme: Programme, groups: list[AudienceGroup] | None = None
) -> solver.Problem:
    """The solver's input for ``programme`` as it stands now (instants in UTC)."""
    defaults = timetable_settings(programme)
    sessions = _sessions(programme)
    groups = audience_groups(programme) if groups is None else groups
    audiences = {
        a.session_id: set(a.countries) for a in SessionAudience.objects.filter(programme=programme)
    }
    person_ids: dict[int, object] = {}
    interpreter_ids: set[int] = set()
    specs = []
    for session in sessions:
        roles = list(session.roles.all())
        for role in roles:
            person_ids[role.person_id] = role.person
        # Interpreters without a channel count as one channel, so a pair is still a pair.
        interpreters = {
            (role.channel, str(role.person_id))
            for role in roles
            if role.role == SessionRole.Role.INTERPRETER
        }
        interpreter_ids.update(int(pid) for _channel, pid in interpreters)
        others = {str(r.person_id) for r in roles if r.role != SessionRole.Role.INTERPRETER}
        specs.append(
            solver.SessionSpec(
                id=str(session.pk),
                duration_min=session.duration_minutes,
                title=str(session.title),
                people=tuple(sorted(others)),
                groups=tuple(
                    g.id
                    for g in groups
                    if session.pk not in audiences or g.country in audiences[session.pk]
                ),
                kind=session.kind,
                room=_room_key(session),
                interpreters=tuple(sorted(interpreters)),
            )
        )
    windows: dict[int, list[solver.Window]] = defaultdict(list)
    for window in Availability.objects.filter(programme=programme, person_id__in=person_ids):
        windows[window.person_id].append(solver.Window(window.start, window.end))
    limits = {
        limit.person_id: solver.InterpreterLimits(
            max_daily_minutes=limit.max_daily_minutes,
            max_continuous_minutes=limit.max_continuous_minutes,
        )
        for limit in InterpreterLimit.objects.filter(
            programme=programme, person_id__in=interpreter_ids
        )
    }
    people = [
        solver.Person(
            id=str(pk),
            name=person.display_name("en"),
            available=tuple(windows[pk]) if pk in windows else None,
            interpreter=limits.get(pk),
        )
        for pk, person in sorted(person_ids.items())
    ]
    orderings = [
        solver.Ordering(
            kind=rule.kind,
            a=str(rule.session_id),
            b=str(rule.other_id) if rule.other_id else None,
            min_gap_min=rule.min_gap_minutes,
        )
        for rule in OrderingRule.objects.filter(programme=programme)
    ]
    breaks = tuple((b.start, b.end) for b in TimetableBreak.objects.filter(programme=programme))
    pins = [
        solver.Pin(str(pin.session_id), pin.start)
        for pin in SessionPin.objects.filter(session__programme=programme)
    ]
    return solver.Problem(
        timezone=programme.timezone,
        days=[
            solver.Day(d, defaults.day_start, defaults.day_end, breaks) for d in programme.days()
        ],
        sessions=specs,
        groups=[
            solver.Group(
                id=g.id,
                tz=g.timezone,
                name=g.label("en"),
                acceptable=g.acceptable,
                comfortable=g.comfortable,
            )
            for g in groups
        ],
        people=people,
        orderings=orderings,
        pins=pins,
        current={str(s.pk): s.start for s in sessions},
        slot_min=defaults.slot_minutes,
    )


def _basis(sessions: Iterable[Session]) -> dict[str, list[str]]:
    return {str(s.pk): [s.start.isoformat(), s.end.isoformat()] for s in sessions}


# --------------------------------------------------------------------------- proposals


def _new_proposal(programme: Programme, user, time_limit: int | None) -> TimetableProposal:
    limit = time_limit or settings.TIMETABLE_DEFAULT_TIME_LIMIT
    if not 1 <= limit <= settings.TIMETABLE_MAX_TIME_LIMIT:
        raise ValidationError(
            {
                "time_limit": _("Choose a time limit between 1 and %(max)s seconds.")
                % {"max": settings.TIMETABLE_MAX_TIME_LIMIT}
            }
        )
    proposal = TimetableProposal.objects.create(
        programme=programme,
        requested_by=user if getattr(user, "is_authenticated", False) else None,
        time_limit_s=limit,
    )
    record(
        user,
        "propose",
        proposal,
        after=snapshot(proposal, ["time_limit_s"]),
        programme_id=programme.pk,
    )
    return proposal


@transaction.atomic
def propose(programme: Programme, user, time_limit: int | None = None) -> TimetableProposal:
    """Record a request for a proposal and run the solver in the background after commit."""
    proposal = _new_proposal(programme, user, time_limit)
    enqueue_after_commit(run_proposal_task, proposal.pk)
    return proposal


def propose_now(
    programme: Programme,
    user,
    time_limit: int | None = None,
    on_progress: Callable[[float, str], None] | None = None,
) -> TimetableProposal:
    """Like ``propose``, but solve in this process (the command line), reporting progress."""
    with transaction.atomic():
        proposal = _new_proposal(programme, user, time_limit)
    return run_proposal(proposal, on_progress)


class _ProgressWriter:
    """Writes the solver's latest progress to the proposal row every ``PROGRESS_EVERY_S``.

    The solver reports from its own threads; one writer thread does the database work. When
    the caller is inside a transaction nobody else could see the row yet, so nothing is written.
    """

    def __init__(self, proposal_id: int, also_report: Callable | None, live: bool):
        self.proposal_id, self.also_report = proposal_id, also_report
        self.latest: tuple[float, str] | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True) if live else None

    def __call__(self, fraction: float, phrase: str) -> None:
        self.latest = (min(1.0, max(0.0, fraction)), phrase[:200])
        if self.also_report:
            self.also_report(fraction, phrase)

    def _loop(self) -> None:
        written = None
        try:
            while not self.stop.wait(PROGRESS_EVERY_S):
                if self.latest is not None and self.latest != written:
                    written = self.latest
                    TimetableProposal.objects.filter(pk=self.proposal_id).update(
                        progress=written[0], phrase=written[1]
                    )
        finally:
            connection.close()

    def __enter__(self) -> "_ProgressWriter":
        if self.thread:
            self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        if self.thread:
            self.thread.join()


def _figures_json(figures: dict) -> list[dict]:
    return [
        {
            "id": gid,
            "minutes_outside": f.minutes_outside_comfort,
            "weighted": f.weighted_discomfort,
            "earliest": f.earliest_local.isoformat() if f.earliest_local else None,
            "latest": f.latest_local.isoformat() if f.latest_local else None,
        }
        for gid, f in figures.items()
    ]


def _explanation_json(result: solver.Infeasible) -> list[dict]:
    if result.reasons:
        return [
            {"text": r.english, "code": r.code, "params": {k: str(v) for k, v in r.params.items()}}
            for r in result.reasons
        ]
    return [{"text": text} for text in result.messages]


def run_proposal(
    proposal: TimetableProposal, on_progress: Callable[[float, str], None] | None = None
) -> TimetableProposal:
    """Solve for the proposal's programme and store the outcome on the proposal row."""
    programme = proposal.programme
    with transaction.atomic():
        problem = build_problem(programme)
        proposal.basis = _basis(Session.objects.filter(programme=programme))
    proposal.status = TimetableProposal.Status.RUNNING
    proposal.phrase = "preparing the model"
    proposal.save(update_fields=["status", "phrase", "basis"])
    live = not transaction.get_connection().in_atomic_block
    try:
        with _ProgressWriter(proposal.pk, on_progress, live) as writer:
            outcome = solver.solve(
                problem,
                time_limit_s=proposal.time_limit_s,
                workers=settings.TIMETABLE_SOLVER_WORKERS,
                on_progress=writer,
            )
    except Exception:
        logger.exception("Timetable proposal %s failed", proposal.pk)
        proposal.status = TimetableProposal.Status.FAILED
        proposal.phrase = "failed"
    else:
        if isinstance(outcome, solver.Infeasible):
            proposal.status = TimetableProposal.Status.INFEASIBLE
            proposal.explanation = _explanation_json(outcome)
            proposal.optimal = outcome.proven
            proposal.result = {"kind": outcome.kind}
            proposal.phrase = "done"
        else:
            proposal.status = TimetableProposal.Status.DONE
            proposal.optimal = outcome.optimal
            proposal.gap = outcome.gap
            proposal.result = {
                "starts": {sid: at.isoformat() for sid, at in outcome.starts.items()},
                "ends": {sid: at.isoformat() for sid, at in outcome.ends.items()},
                "moved": outcome.moved,
                "groups": _figures_json(outcome.groups),
                "objectives": outcome.objectives,
                "gaps": outcome.gaps,
                "interpreters": {
                    s.id: [[channel, pid] for channel, pid in s.interpreters]
                    for s in problem.sessions
                },
            }
            proposal.phrase = "done"
    proposal.progress = 1.0
    proposal.finished_at = timezone.now()
    proposal.save()
    return proposal


@task()
def run_proposal_task(proposal_id: int) -> str:
    """Solve one queued proposal in the background."""
    proposal = TimetableProposal.objects.select_related("programme").get(pk=proposal_id)
    if proposal.status != TimetableProposal.Status.QUEUED:
        return proposal.status
    return run_proposal(proposal).status


def is_stale(proposal: TimetableProposal) -> bool:
    """Have sessions been added, removed or moved since the solver started from them?"""
    return _basis(Session.objects.filter(programme=proposal.programme)) != proposal.basis


@transaction.atomic
def accept(proposal: TimetableProposal, user, session_ids: Iterable[int] | None = None) -> int:
    """Move all (``session_ids`` None) or the chosen sessions to their proposed starts, keeping
    their durations. Refuses a proposal made from a timetable that has changed since.
    Returns how many sessions moved."""
    proposal = TimetableProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != TimetableProposal.Status.DONE:
        raise ValidationError(_("Only a finished proposal can be accepted."))
    sessions = {
        str(s.pk): s
        for s in Session.objects.select_for_update().filter(programme=proposal.programme)
    }
    if _basis(sessions.values()) != proposal.basis:
        raise ValidationError(
            _(
                "The timetable has changed since this proposal was made. "
                "Propose a new timetable and review it again."
            )
        )
    starts = proposal.result["starts"]
    chosen = list(starts) if session_ids is None else [str(i) for i in session_ids]
    if not chosen:
        raise ValidationError(_("Choose at least one session."))
    if any(sid not in starts or sid not in sessions for sid in chosen):
        raise ValidationError(_("A chosen session is not part of this proposal."))
    moved = []
    for sid in chosen:
        session = sessions[sid]
        new_start = datetime.fromisoformat(starts[sid])
        if new_start == session.start:
            continue
        duration = session.end - session.start
        session.start, session.end = new_start, new_start + duration
        audited_save(user, session, programme_id=proposal.programme_id)
        moved.append(sid)
    # What was accepted is now the basis, so the rest can still be accepted afterwards.
    proposal.basis = _basis(sessions.values())
    proposal.accepted_session_ids = sorted(
        set(proposal.accepted_session_ids) | set(chosen), key=int
    )
    proposal.save(update_fields=["basis", "accepted_session_ids"])
    record(
        user,
        "accept",
        proposal,
        after={"sessions": chosen, "moved": moved},
        programme_id=proposal.programme_id,
    )
    return len(moved)


@transaction.atomic
def pin(user, session: Session, start: datetime | None = None) -> SessionPin:
    """Keep ``session`` at ``start`` (by default where it is now) in later proposals."""
    found = SessionPin.objects.filter(session=session).first()
    before = snapshot(found, ["start"]) if found else None
    pinned = found or SessionPin(session=session)
    pinned.start = start or session.start
    pinned.pinned_by = user if getattr(user, "is_authenticated", False) else None
    pinned.save()
    record(
        user,
        "pin",
        pinned,
        before=before,
        after=snapshot(pinned, ["session_id", "start"]),
        programme_id=session.programme_id,
    )
    return pinned


@transaction.atomic
def unpin(user, session: Session) -> None:
    found = SessionPin.objects.filter(session=session).first()
    if found is None:
        return
    record(
        user,
        "unpin",
        found,
        before=snapshot(found, ["session_id", "start"]),
        programme_id=session.programme_id,
    )
    found.delete()


@transaction.atomic
def pin_and_resolve(
    proposal: TimetableProposal, user, session_ids: Iterable[int], time_limit: int | None = None
) -> TimetableProposal:
    """Pin the chosen sessions where the proposal puts them, then propose again around them."""
    starts = proposal.result.get("starts", {})
    chosen = [str(i) for i in session_ids]
    if not chosen:
        raise ValidationError(_("Choose at least one session."))
    sessions = Session.objects.filter(programme=proposal.programme, pk__in=chosen)
    if len(sessions) != len(set(chosen)) or any(sid not in starts for sid in chosen):
        raise ValidationError(_("A chosen session is not part of this proposal."))
    for session in sessions:
        pin(user, session, datetime.fromisoformat(starts[str(session.pk)]))
    return propose(proposal.programme, user, time_limit or proposal.time_limit_s)


# --------------------------------------------------------------------------- comparing


@dataclass
class DiffRow:
    session: Session
    old_start: datetime
    new_start: datetime
    new_end: datetime
    pinned: SessionPin | None
    local_starts: list[tuple[AudienceGroup, datetime]]

    @property
    def moved(self) -> bool:
        return self.old_start != self.new_start


@dataclass
class GroupRow:
    """One audience group's figures now and as proposed. Earliest and latest are the instants
    with the earliest local start and the latest local end, to show in the group's zone."""

    group: AudienceGroup
    now_outside: int
    new_outside: int | None
    now_earliest: datetime | None
    now_latest: datetime | None
    new_earliest: datetime | None
    new_latest: datetime | None


@dataclass
class Comparison:
    rows: list[DiffRow]
    groups: list[GroupRow]

    @property
    def moved(self) -> list[DiffRow]:
        return [row for row in self.rows if row.moved]


def _extremes(spans: list[tuple[datetime, datetime]], zone: ZoneInfo):
    if not spans:
        return None, None
    earliest = min((a for a, _b in spans), key=lambda at: at.astimezone(zone).time())
    # An end at local midnight belongs to the evening before: compare a minute earlier.
    latest = max(
        (b for _a, b in spans),
        key=lambda at: (at - timedelta(minutes=1)).astimezone(zone).time(),
    )
    return earliest, latest


def compare(programme: Programme, proposal: TimetableProposal | None) -> Comparison:
    """The current timetable beside a finished proposal (or alone), per session and group."""
    groups = audience_groups(programme)
    problem = build_problem(programme, groups)
    sessions = _sessions(programme)
    pins = {p.session_id: p for p in SessionPin.objects.filter(session__programme=programme)}
    result = proposal.result if proposal and proposal.status == proposal.Status.DONE else {}
    proposed = {sid: datetime.fromisoformat(at) for sid, at in result.get("starts", {}).items()}
    rows = []
    for session in sessions:
        new_start = proposed.get(str(session.pk), session.start)
        rows.append(
            DiffRow(
                session=session,
                old_start=session.start,
                new_start=new_start,
                new_end=new_start + (session.end - session.start),
                pinned=pins.get(session.pk),
                local_starts=[(g, new_start) for g in groups],
            )
        )
    now_figures = check.figures(problem, problem.current)
    new_figures = {g["id"]: g for g in result.get("groups", [])}
    now_spans = [(s.start, s.end) for s in sessions]
    new_spans = [(row.new_start, row.new_end) for row in rows]
    group_rows = []
    for g in groups:
        now_earliest, now_latest = _extremes(now_spans, g.zone)
        new_earliest, new_latest = _extremes(new_spans, g.zone) if proposed else (None, None)
        group_rows.append(
            GroupRow(
                group=g,
                now_outside=now_figures.get(g.id, (0, 0))[0],
                new_outside=new_figures[g.id]["minutes_outside"] if g.id in new_figures else None,
                now_earliest=now_earliest,
                now_latest=now_latest,
                new_earliest=new_earliest,
                new_latest=new_latest,
            )
        )
    return Comparison(rows, group_rows)


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class TimetableWarning:
    code: str
    message: str
    session_ids: tuple[int, ...] = ()


# check.py's findings, in its own wording; each becomes a translatable warning.
_FINDINGS = [
    ("person_overlap", re.compile(r"^person (\S+) is in (\S+) and (\S+) at once$")),
    ("group_overlap", re.compile(r"^group (\S+) is in (\S+) and (\S+) at once$")),
    ("room_overlap", re.compile(r"^room (.+) is in (\S+) and (\S+) at once$")),
    ("outside_hours", re.compile(r"^session (\S+) is outside acceptable hours of group (\S+)$")),
    ("unavailable", re.compile(r"^session (\S+) is outside the availability of (\S+)$")),
    ("outside_days", re.compile(r"^session (\S+) is not inside any programme day$")),
    ("not_pinned", re.compile(r"^session (\S+) is not at its pinned start$")),
    ("not_first", re.compile(r"^(\S+) is not before (\S+)$")),
    ("not_last", re.compile(r"^(\S+) is not after (\S+)$")),
    ("not_after", re.compile(r"^(\S+) does not come after (\S+)$")),
    ("not_same_day", re.compile(r"^(\S+) and (\S+) are not on the same day$")),
    ("interpreter_over", re.compile(r"^interpreter (\S+) works (\d+) min on day (\S+)$")),
    ("overlaps_break", re.compile(r"^session (\S+) overlaps the break at (\S+)$")),
    (
        "single_interpreter",
        re.compile(r"^session (\S+) has a single interpreter on channel ?(\S*)$"),
    ),
    (
        "interpreter_continuous",
        re.compile(r"^interpreter (\S+) interprets (\d+) min without a break until (\S+)$"),
    ),
]


def check_timetable(programme: Programme) -> list[TimetableWarning]:
    """What the current timetable breaks, by the independent checker, in plain words."""
    sessions = {str(s.pk): s for s in Session.objects.filter(programme=programme)}
    if not sessions:
        return []
    audience = audience_groups(programme)
    problem = build_problem(programme, audience)
    language = get_language()
    people = {
        str(p.pk): p.display_name(language)
        for p in Person.objects.filter(pk__in=[p.id for p in problem.people])
    }
    groups = {g.id: g for g in audience}
    days = programme.days()
    title = {sid: str(s.title) for sid, s in sessions.items()}
    zone = programme.zone
    limits = {p.id: p.interpreter for p in problem.people if p.interpreter}
    warnings: list[TimetableWarning] = []
    seen: set[tuple] = set()
    for finding in check.check(problem, {sid: s.start for sid, s in sessions.items()}):
        code, match = next(
            ((code, m) for code, pattern in _FINDINGS if (m := pattern.match(finding))),
            ("other", None),
        )
        if match is None:
            warnings.append(TimetableWarning(code, finding))
            continue
        g = match.groups()
        if code in ("person_overlap", "group_overlap", "room_overlap"):
            pair = (int(g[1]), int(g[2]))
            if code == "group_overlap":
                # Every audience group attends both: one warning per pair of sessions.
                if ("group", pair) in seen:
                    continue
                seen.add(("group", pair))
                text = _("“%(a)s” and “%(b)s” overlap, and the same audience attends both.")
                message = text % {"a": title[g[1]], "b": title[g[2]]}
            elif code == "person_overlap":
                message = _("%(person)s is booked in “%(a)s” and “%(b)s” at the same time.") % {
                    "person": people.get(g[0], g[0]),
                    "a": title[g[1]],
                    "b": title[g[2]],
                }
            else:
                message = _("“%(a)s” and “%(b)s” use the same room at the same time.") % {
                    "a": title[g[1]],
                    "b": title[g[2]],
                }
            warnings.append(TimetableWarning(code, message, pair))
            continue
        if code == "outside_hours":
            group = groups[g[1]]
            session = sessions[g[0]]
            message = _(
                "“%(session)s” runs %(start)s–%(end)s local time for %(group)s, outside the "
                "acceptable hours %(from)s–%(until)s."
            ) % {
                "session": title[g[0]],
                "start": locales.short_time(session.start, group.zone, get_language()),
                "end": locales.short_time(session.end, group.zone, get_language()),
                "group": group.label(),
                "from": group.acceptable[0].strftime("%H:%M"),
                "until": group.acceptable[1].strftime("%H:%M"),
            }
            warnings.append(TimetableWarning(code, message, (int(g[0]),)))
        elif code == "unavailable":
            message = _("%(person)s is not available during “%(session)s”.") % {
                "person": people.get(g[1], g[1]),
                "session": title[g[0]],
            }
            warnings.append(TimetableWarning(code, message, (int(g[0]),)))
        elif code == "outside_days":
            message = _("“%(session)s” lies outside the programme’s daily hours.") % {
                "session": title[g[0]]
            }
            warnings.append(TimetableWarning(code, message, (int(g[0]),)))
        elif code == "not_pinned":
            pinned = SessionPin.objects.get(session_id=int(g[0]))
            message = _("“%(session)s” is pinned to start at %(when)s but starts elsewhere.") % {
                "session": title[g[0]],
                "when": locales.medium_datetime(pinned.start, zone, get_language()),
            }
            warnings.append(TimetableWarning(code, message, (int(g[0]),)))
        elif code in ("not_first", "not_last", "not_after", "not_same_day"):
            texts = {
                "not_first": _("“%(a)s” should come before “%(b)s”."),
                "not_last": _("“%(a)s” should come after “%(b)s”."),
                "not_after": _("“%(b)s” should come after “%(a)s”."),
                "not_same_day": _("“%(a)s” and “%(b)s” should be on the same day."),
            }
            message = texts[code] % {"a": title[g[0]], "b": title[g[1]]}
            warnings.append(TimetableWarning(code, message, (int(g[0]), int(g[1]))))
        elif code == "overlaps_break":
            message = _("“%(session)s” overlaps the daily break at %(when)s.") % {
                "session": title[g[0]],
                "when": locales.short_time(datetime.fromisoformat(g[1]), zone, get_language()),
            }
            warnings.append(TimetableWarning(code, message, (int(g[0]),)))
        elif code == "single_interpreter":
            message = _(
                "“%(session)s” is longer than %(minutes)s minutes but has a single interpreter "
                "%(channel)s: interpreters work in pairs."
            ) % {
                "session": title[g[0]],
                "minutes": problem.pair_over_min,
                "channel": _("into %(language)s") % {"language": g[1]} if g[1] else "",
            }
            warnings.append(TimetableWarning(code, message, (int(g[0]),)))
        elif code == "interpreter_continuous":
            message = _(
                "%(person)s interprets %(minutes)s minutes without a break, until %(when)s; the "
                "limit is %(limit)s."
            ) % {
                "person": people.get(g[0], g[0]),
                "minutes": g[1],
                "when": locales.medium_datetime(datetime.fromisoformat(g[2]), zone, get_language()),
                "limit": limits[g[0]].max_continuous_minutes,
            }
            warnings.append(TimetableWarning(code, message))
        else:  # interpreter_over
            day = days[int(g[2])] if g[2].isdigit() else None
            message = _(
                "%(person)s interprets %(minutes)s minutes on %(day)s; the limit is %(limit)s."
            ) % {
                "person": people.get(g[0], g[0]),
                "minutes": g[1],
                "day": locales.long_date(day, get_language()) if day else "—",
                "limit": limits[g[0]].max_daily_minutes,
            }
            warnings.append(TimetableWarning(code, message))
    return warnings
