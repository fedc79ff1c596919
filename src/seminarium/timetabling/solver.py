"""Timetable solver for online seminars spread over many time zones (pure: no Django).

The model works on integer minutes in UTC, counted from the start of the first programme day.
Every session gets one start variable whose domain is precomputed: a start on the slot grid of
some programme day (day bounds are in the programme's zone) at which every audience group is
inside its acceptable local hours and every required person is available. CP-SAT therefore only
sees feasible values for those unary constraints.

Hard constraints modelled:
  * no person, audience group or room in two sessions at once (NoOverlap per resource);
  * every audience group inside its acceptable local hours (zoneinfo, so DST and historical
    offsets are right);
  * speakers' availability windows;
  * programme day bounds (a session lies within one programme day);
  * pins (fixed start);
  * ordering: ``first``, ``last``, ``after`` (with optional minimum gap) and ``same_day``;
  * interpreters' daily maximum of minutes (per programme day).

Objective, lexicographic, solved as successive CP-SAT solves (the optimum of level k is fixed as
a constraint before level k+1 is optimised):
  1. the worst-off group's weighted discomfort (each minute outside the comfortable local hours
     costs 1 + (minutes further out) // 60, so the second hour outside costs 2 per minute, ...);
  2. total weighted discomfort over all groups;
  3. compactness: sum over days of (last end - first start);
  4. stability: number of sessions moved away from ``Problem.current``.

On infeasibility a second, diagnostic model is built where every relaxable hard constraint
(per pin, per ordering rule, per group window per session, per person availability per session,
per person/group/room no-overlap, per interpreter daily limit) carries an assumption literal; the
core from ``SufficientAssumptionsForInfeasibility`` is shrunk by deletion to a minimal one and
rendered as plain sentences.

Not yet modelled: interpreters' maximum continuous minutes (``max_continuous_minutes`` is
accepted but ignored), pairing/relief rules for interpreters beyond listing both as required
people, rooms' own availability, breaks/buffers between sessions, session kinds (``kind`` is
carried but has no effect). Compactness bounds are weak (the gap of that level is often not
closed within the time limit); levels 1-2 usually are proven optimal. Times not on the slot grid
are only possible through pins. Audience groups are treated like people: a group cannot attend
two sessions at once.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ortools.sat.python import cp_model

# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class Window:
    """A span of time; both ends timezone-aware."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class InterpreterLimits:
    max_daily_minutes: int | None = None
    max_continuous_minutes: int | None = None  # not yet modelled


@dataclass(frozen=True)
class Person:
    id: str
    name: str = ""
    available: tuple[Window, ...] | None = None  # None: always available
    interpreter: InterpreterLimits | None = None

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Group:
    id: str
    tz: str
    name: str = ""
    acceptable: tuple[time, time] = (time(7), time(22))
    comfortable: tuple[time, time] = (time(9), time(18))

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class SessionSpec:
    id: str
    duration_min: int
    title: str = ""
    people: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    kind: str = "lecture"
    room: str | None = None

    @property
    def label(self) -> str:
        return self.title or self.id


@dataclass(frozen=True)
class Day:
    """A programme day; ``start``/``end`` are local times in the programme's zone."""

    date: date
    start: time = time(9)
    end: time = time(18)


ORDERING_KINDS = ("first", "last", "after", "same_day")


@dataclass(frozen=True)
class Ordering:
    """``first``/``last``: session ``a`` before/after all others. ``after``: ``b`` starts at
    least ``min_gap_min`` after ``a`` ends. ``same_day``: ``a`` and ``b`` on one programme day."""

    kind: str
    a: str
    b: str | None = None
    min_gap_min: int = 0


@dataclass(frozen=True)
class Pin:
    session: str
    start: datetime


@dataclass
class Problem:
    timezone: str
    days: list[Day]
    sessions: list[SessionSpec]
    groups: list[Group] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    orderings: list[Ordering] = field(default_factory=list)
    pins: list[Pin] = field(default_factory=list)
    current: dict[str, datetime] = field(default_factory=dict)
    slot_min: int = 15


# --------------------------------------------------------------------------- output


@dataclass
class GroupFigures:
    minutes_outside_comfort: int
    weighted_discomfort: int
    earliest_local: datetime | None
    latest_local: datetime | None


@dataclass
class Solution:
    starts: dict[str, datetime]  # UTC
    ends: dict[str, datetime]  # UTC
    groups: dict[str, GroupFigures]
    optimal: bool
    gap: float  # relative gap of the first (worst-off group) level
    objectives: dict[str, int]
    gaps: dict[str, float]
    moved: list[str]


@dataclass
class Infeasible:
    explanation: list[str]
    proven: bool = True
    summary: str = "No timetable satisfies all of these constraints together."


# --------------------------------------------------------------------------- preparation


def _local(dt_date: date, t: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(dt_date, t, tzinfo=tz).astimezone(UTC)


def _fmt_local(dt: datetime, tz: ZoneInfo) -> str:
    return dt.astimezone(tz).strftime("%a %d %b %Y %H:%M")


class _Prep:
    def __init__(self, problem: Problem):
        p = problem
        self.p = p
        self.tz = ZoneInfo(p.timezone)
        self.sessions = {s.id: s for s in p.sessions}
        self.groups = {g.id: g for g in p.groups}
        self.people = {x.id: x for x in p.people}
        self.zones = {g.id: ZoneInfo(g.tz) for g in p.groups}
        spans = []
        for d in p.days:
            a = _local(d.date, d.start, self.tz)
            b_date = d.date if d.end > d.start else d.date + timedelta(days=1)
            b = _local(b_date, d.end, self.tz)
            spans.append((a, b))
        self.origin = min(a for a, _ in spans)
        self.day_ranges = [(self.minutes(a), self.minutes(b)) for a, b in spans]
        self.horizon = max(b for _, b in self.day_ranges)
        self.acceptable = {g.id: self._daily(g, g.acceptable) for g in p.groups}
        self.comfort = {g.id: self._daily(g, g.comfortable) for g in p.groups}
        self.prefix_w: dict[str, list[int]] = {}
        self.prefix_n: dict[str, list[int]] = {}
        for g in p.groups:
            self._prefix(g.id)
        self.windows = {
            x.id: [(self.minutes(w.start), self.minutes(w.end)) for w in x.available]
            for x in p.people
            if x.available is not None
        }

    def minutes(self, dt: datetime) -> int:
        return int((dt - self.origin).total_seconds() // 60)

    def at(self, m: int) -> datetime:
        return (self.origin + timedelta(minutes=m)).astimezone(UTC)

    def _daily(self, g: Group, window: tuple[time, time]) -> list[tuple[int, int]]:
        tz = self.zones[g.id]
        first = (self.origin - timedelta(days=2)).astimezone(tz).date()
        last = (self.at(self.horizon) + timedelta(days=2)).astimezone(tz).date()
        out = []
        d = first
        while d <= last:
            a = _local(d, window[0], tz)
            end_date = d if window[1] > window[0] else d + timedelta(days=1)
            b = _local(end_date, window[1], tz)
            out.append((self.minutes(a), self.minutes(b)))
            d += timedelta(days=1)
        return out

    def _prefix(self, gid: str) -> None:
        ivs = self.comfort[gid]
        w = [0] * (self.horizon + 1)
        n = [0] * (self.horizon + 1)
        for m in range(self.horizon):
            dist = min(max(0, a - m, m + 1 - b) for a, b in ivs)
            cost = 0 if dist == 0 else 1 + (dist - 1) // 60
            w[m + 1] = w[m] + cost
            n[m + 1] = n[m] + (1 if dist else 0)
        self.prefix_w[gid] = w
        self.prefix_n[gid] = n

    def cost(self, gid: str, t: int, dur: int) -> int:
        return self.prefix_w[gid][t + dur] - self.prefix_w[gid][t]

    @staticmethod
    def fits(ivs: list[tuple[int, int]], t: int, dur: int) -> bool:
        return any(a <= t and t + dur <= b for a, b in ivs)

    def base_starts(self, s: SessionSpec) -> list[int]:
        out = []
        for ds, de in self.day_ranges:
            out.extend(range(ds, de - s.duration_min + 1, self.p.slot_min))
        for pin in self.p.pins:
            if pin.session == s.id:
                v = self.minutes(pin.start)
                if any(ds <= v and v + s.duration_min <= de for ds, de in self.day_ranges):
                    out.append(v)
        return sorted(set(out))

    def group_ok(self, s: SessionSpec, gid: str, starts: list[int]) -> list[int]:
        return [t for t in starts if self.fits(self.acceptable[gid], t, s.duration_min)]

    def person_ok(self, s: SessionSpec, pid: str, starts: list[int]) -> list[int]:
        if pid not in self.windows:
            return starts
        return [t for t in starts if self.fits(self.windows[pid], t, s.duration_min)]

    # -- wording
    def hm(self, t: time) -> str:
        return t.strftime("%H:%M")

    def person_label(self, pid: str) -> str:
        return self.people[pid].label if pid in self.people else pid

    def windows_text(self, pid: str) -> str:
        person = self.people[pid]
        parts = [
            f"{_fmt_local(w.start, self.tz)}–{w.end.astimezone(self.tz).strftime('%H:%M')}"
            for w in person.available or ()
        ]
        return "; ".join(parts) if parts else "never"


def _validate(p: Problem) -> list[str]:
    errors = []
    ids = [s.id for s in p.sessions]
    known = set(ids)
    if len(known) != len(ids):
        errors.append("Two sessions share the same identifier.")
    if not p.days:
        errors.append("The programme has no days.")
    gids = {g.id for g in p.groups}
    for s in p.sessions:
        if s.duration_min <= 0:
            errors.append(f"Session “{s.label}” has no positive duration.")
        errors.extend(
            f"Session “{s.label}” names an unknown audience group “{g}”."
            for g in s.groups
            if g not in gids
        )
    for o in p.orderings:
        if o.kind not in ORDERING_KINDS:
            errors.append(f"Unknown ordering rule “{o.kind}”.")
        for sid in (o.a, o.b) if o.kind in ("after", "same_day") else (o.a,):
            if sid not in known:
                errors.append(f"An ordering rule names an unknown session “{sid}”.")
    errors.extend(
        f"A pin names an unknown session “{pin.session}”."
        for pin in p.pins
        if pin.session not in known
    )
    for name, dt in [(f"pin of {pin.session}", pin.start) for pin in p.pins] + [
        (f"current start of {k}", v) for k, v in p.current.items()
    ]:
        if dt.tzinfo is None:
            errors.append(f"The {name} has no time zone.")
    for x in p.people:
        for w in x.available or ():
            if w.start.tzinfo is None or w.end.tzinfo is None:
                errors.append(f"An availability window of {x.label} has no time zone.")
    try:
        ZoneInfo(p.timezone)
        for g in p.groups:
            ZoneInfo(g.tz)
    except Exception as exc:  # ZoneInfoNotFoundError, ValueError
        errors.append(f"Unknown time zone: {exc}.")
    return errors


# --------------------------------------------------------------------------- model


class _Model:
    def __init__(self, prep: _Prep, diagnose: bool):
        self.prep = prep
        self.diagnose = diagnose
        self.m = cp_model.CpModel()
        self.lits: dict[int, tuple[cp_model.IntVar, str]] = {}
        self.start: dict[str, cp_model.IntVar] = {}
        self.on_day: dict[str, dict[int, cp_model.IntVar]] = {}
        self.domains: dict[str, list[int]] = {}
        self.empty: list[str] = []  # sessions with no possible start (normal mode)
        self._build()

    def guard(self, text: str):
        lit = self.m.new_bool_var(f"a{len(self.lits)}")
        self.lits[lit.index] = (lit, text)
        return lit

    def _enf(self, ct, text: str):
        if self.diagnose:
            ct.only_enforce_if(self.guard(text))

    def _build(self) -> None:
        prep, m, p = self.prep, self.m, self.prep.p
        pins = {pin.session: prep.minutes(pin.start) for pin in p.pins}
        for s in p.sessions:
            base = prep.base_starts(s)
            if self.diagnose:
                values = base
            else:
                values = base
                for g in s.groups:
                    values = prep.group_ok(s, g, values)
                for pid in s.people:
                    values = prep.person_ok(s, pid, values)
                if s.id in pins:
                    values = [v for v in values if v == pins[s.id]]
                pinned = [pin for pin in p.pins if pin.session == s.id]
                if len({prep.minutes(x.start) for x in pinned}) > 1:
                    values = []
            if not values:
                self.empty.append(s.id)
                values = base or [0]
            self.domains[s.id] = values
            v = m.new_int_var_from_domain(cp_model.Domain.from_values(values), f"start_{s.id}")
            self.start[s.id] = v
            days = {}
            for d, (ds, de) in enumerate(prep.day_ranges):
                if any(ds <= t and t + s.duration_min <= de for t in values):
                    b = m.new_bool_var(f"on_{s.id}_{d}")
                    m.add(v >= ds).only_enforce_if(b)
                    m.add(v + s.duration_min <= de).only_enforce_if(b)
                    days[d] = b
            m.add_exactly_one(days.values())
            self.on_day[s.id] = days
            if self.diagnose:
                self._unary_guards(s, base)
        if self.diagnose:
            for pin in p.pins:
                s = prep.sessions[pin.session]
                when = _fmt_local(pin.start, prep.tz)
                self._enf(
                    m.add(self.start[s.id] == prep.minutes(pin.start)),
                    f"Session “{s.label}” is pinned to start at {when} ({p.timezone}).",
                )
        self._resources()
        self._orderings()
        self._interpreters()

    def _unary_guards(self, s: SessionSpec, base: list[int]) -> None:
        prep = self.prep
        for gid in s.groups:
            g = prep.groups[gid]
            ok = prep.group_ok(s, gid, base)
            text = (
                f"Session “{s.label}” ({s.duration_min} min) must lie within the acceptable "
                f"hours of audience group “{g.label}”: {prep.hm(g.acceptable[0])}–"
                f"{prep.hm(g.acceptable[1])} local time ({g.tz})."
            )
            self._in_values(s, ok, text)
        for pid in s.people:
            if pid not in prep.windows:
                continue
            ok = prep.person_ok(s, pid, base)
            text = (
                f"Session “{s.label}” ({s.duration_min} min) needs {prep.person_label(pid)}, "
                f"who is available only {prep.windows_text(pid)} ({prep.p.timezone})."
            )
            self._in_values(s, ok, text)

    def _in_values(self, s: SessionSpec, ok: list[int], text: str) -> None:
        lit = self.guard(text)
        if ok:
            self.m.add_linear_expression_in_domain(
                self.start[s.id], cp_model.Domain.from_values(ok)
            ).only_enforce_if(lit)
        else:
            self.m.add_bool_or([~lit])

    def _resources(self) -> None:
        prep, m = self.prep, self.m
        users: dict[tuple[str, str], list[SessionSpec]] = {}
        for s in prep.p.sessions:
            for pid in s.people:
                users.setdefault(("person", pid), []).append(s)
            for gid in s.groups:
                users.setdefault(("group", gid), []).append(s)
            if s.room:
                users.setdefault(("room", s.room), []).append(s)
        fixed = {}
        for (kind, rid), sessions in users.items():
            if len(sessions) < 2:
                continue
            names = ", ".join(f"“{s.label}”" for s in sessions)
            if kind == "person":
                text = (
                    f"{prep.person_label(rid)} cannot take part in two sessions at once ({names})."
                )
            elif kind == "group":
                text = (
                    f"Audience group “{prep.groups[rid].label}” cannot attend two sessions at "
                    f"once ({names})."
                )
            else:
                text = f"Room “{rid}” can host only one session at a time ({names})."
            if self.diagnose:
                lit = self.guard(text)
                ivs = [
                    m.new_optional_fixed_size_interval_var(
                        self.start[s.id], s.duration_min, lit, f"iv_{rid}_{s.id}"
                    )
                    for s in sessions
                ]
            else:
                ivs = []
                for s in sessions:
                    if s.id not in fixed:
                        fixed[s.id] = m.new_fixed_size_interval_var(
                            self.start[s.id], s.duration_min, f"iv_{s.id}"
                        )
                    ivs.append(fixed[s.id])
            m.add_no_overlap(ivs)

    def _orderings(self) -> None:
        prep, m = self.prep, self.m
        ss = prep.sessions
        for o in prep.p.orderings:
            a = ss[o.a]
            sa = self.start[a.id]
            cts = []
            if o.kind == "first":
                text = f"Session “{a.label}” must come before every other session."
                cts = [
                    m.add(self.start[s.id] >= sa + a.duration_min)
                    for s in prep.p.sessions
                    if s.id != a.id
                ]
            elif o.kind == "last":
                text = f"Session “{a.label}” must come after every other session."
                cts = [
                    m.add(sa >= self.start[s.id] + s.duration_min)
                    for s in prep.p.sessions
                    if s.id != a.id
                ]
            elif o.kind == "after":
                b = ss[o.b]
                gap = f" with at least {o.min_gap_min} min in between" if o.min_gap_min else ""
                text = f"Session “{b.label}” must come after session “{a.label}”{gap}."
                cts = [m.add(self.start[b.id] >= sa + a.duration_min + o.min_gap_min)]
            else:
                b = ss[o.b]
                text = f"Sessions “{a.label}” and “{b.label}” must be on the same day."
                da, db = self.on_day[a.id], self.on_day[b.id]
                for d in set(da) | set(db):
                    x = da.get(d, 0)
                    y = db.get(d, 0)
                    cts.append(
                        m.add(x == y) if not (isinstance(x, int) and isinstance(y, int)) else None
                    )
                cts = [c for c in cts if c is not None]
            if self.diagnose:
                lit = self.guard(text)
                for c in cts:
                    c.only_enforce_if(lit)

    def _interpreters(self) -> None:
        prep, m = self.prep, self.m
        for person in prep.p.people:
            lim = person.interpreter
            if lim is None or lim.max_daily_minutes is None:
                continue
            mine = [s for s in prep.p.sessions if person.id in s.people]
            if not mine:
                continue
            names = ", ".join(f"“{s.label}” ({s.duration_min} min)" for s in mine)
            text = (
                f"Interpreter {person.label} may work at most {lim.max_daily_minutes} min per "
                f"day (sessions: {names})."
            )
            lit = self.guard(text) if self.diagnose else None
            for d in range(len(prep.day_ranges)):
                terms = [
                    s.duration_min * self.on_day[s.id][d] for s in mine if d in self.on_day[s.id]
                ]
                if not terms:
                    continue
                ct = m.add(sum(terms) <= lim.max_daily_minutes)
                if lit is not None:
                    ct.only_enforce_if(lit)

    # -- objective pieces (normal mode only)
    def objectives(self) -> list[tuple[str, cp_model.LinearExprT]]:
        prep, m, p = self.prep, self.m, self.prep.p
        per_group: dict[str, list] = {g.id: [] for g in p.groups}
        ub = 0
        for s in p.sessions:
            if not s.groups:
                continue
            cvars = []
            for gid in s.groups:
                hi = max(prep.cost(gid, t, s.duration_min) for t in self.domains[s.id])
                ub += hi
                c = m.new_int_var(0, hi, f"c_{s.id}_{gid}")
                cvars.append(c)
                per_group[gid].append(c)
            tuples = [
                [t, *(prep.cost(gid, t, s.duration_min) for gid in s.groups)]
                for t in self.domains[s.id]
            ]
            m.add_allowed_assignments([self.start[s.id], *cvars], tuples)
        totals = []
        for cs in per_group.values():
            tot = m.new_int_var(0, ub, "")
            m.add(tot == sum(cs))
            totals.append(tot)
        levels: list[tuple[str, cp_model.LinearExprT]] = []
        if totals:
            worst = m.new_int_var(0, ub, "worst")
            m.add_max_equality(worst, totals)
            levels += [("worst_discomfort", worst), ("total_discomfort", sum(totals))]
        spans = []
        for d, (ds, de) in enumerate(prep.day_ranges):
            lo = m.new_int_var(ds, de, f"lo{d}")
            hi = m.new_int_var(ds, de, f"hi{d}")
            m.add(hi >= lo)
            for s in p.sessions:
                if d in self.on_day[s.id]:
                    b = self.on_day[s.id][d]
                    m.add(lo <= self.start[s.id]).only_enforce_if(b)
                    m.add(hi >= self.start[s.id] + s.duration_min).only_enforce_if(b)
            spans.append(hi - lo)
        levels.append(("compactness", sum(spans)))
        self.moved: dict[str, cp_model.IntVar] = {}
        for sid, when in p.current.items():
            if sid not in self.start:
                continue
            mv = m.new_bool_var(f"moved_{sid}")
            m.add(self.start[sid] == prep.minutes(when)).only_enforce_if(~mv)
            self.moved[sid] = mv
        if self.moved:
            levels.append(("stability", sum(self.moved.values())))
        return levels


# --------------------------------------------------------------------------- solve


def _params(solver: cp_model.CpSolver, seconds: float, workers: int) -> None:
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = workers


def solve(problem: Problem, time_limit_s: float = 10, workers: int = 2) -> Solution | Infeasible:
    errors = _validate(problem)
    if errors:
        return Infeasible(errors, summary="The timetable input is inconsistent.")
    prep = _Prep(problem)
    too_long = [
        s
        for s in problem.sessions
        if not any(de - ds >= s.duration_min for ds, de in prep.day_ranges)
    ]
    if too_long:
        return Infeasible(
            [
                f"Session “{s.label}” ({s.duration_min} min) is longer than every programme day."
                for s in too_long
            ]
        )
    deadline = _time.monotonic() + time_limit_s
    model = _Model(prep, diagnose=False)
    if model.empty:
        return _diagnose(prep, deadline)
    levels = model.objectives()
    m = model.m
    values: dict[str, int] | None = None
    objectives: dict[str, int] = {}
    gaps: dict[str, float] = {}
    optimal = True
    for i, (name, expr) in enumerate(levels):
        solver = cp_model.CpSolver()
        remaining = deadline - _time.monotonic()
        _params(solver, remaining / (len(levels) - i), workers)
        m.minimize(expr)
        status = solver.solve(m)
        if status == cp_model.INFEASIBLE and values is None:
            return _diagnose(prep, deadline)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if values is None:
                return Infeasible(
                    [
                        f"No timetable was found within {time_limit_s:g} s; the solver could "
                        "neither find one nor prove that none exists. Allow more time or relax "
                        "constraints."
                    ],
                    proven=False,
                    summary="No timetable found in time.",
                )
            optimal = False
            break
        val = round(solver.objective_value)
        bound = solver.best_objective_bound
        objectives[name] = val
        gaps[name] = 0.0 if status == cp_model.OPTIMAL else (val - bound) / max(1, abs(val))
        optimal = optimal and status == cp_model.OPTIMAL
        values = {sid: solver.value(v) for sid, v in model.start.items()}
        m.add(expr <= val)
        m.clear_hints()
        for sid, v in model.start.items():
            m.add_hint(v, values[sid])
    assert values is not None
    return _solution(prep, values, objectives, gaps, optimal)


def _solution(prep, values, objectives, gaps, optimal) -> Solution:
    p = prep.p
    starts = {sid: prep.at(v) for sid, v in values.items()}
    ends = {s.id: prep.at(values[s.id] + s.duration_min) for s in p.sessions}
    figures = {}
    for g in p.groups:
        mine = [s for s in p.sessions if g.id in s.groups]
        n = sum(
            prep.prefix_n[g.id][values[s.id] + s.duration_min] - prep.prefix_n[g.id][values[s.id]]
            for s in mine
        )
        w = sum(prep.cost(g.id, values[s.id], s.duration_min) for s in mine)
        tz = prep.zones[g.id]
        first = min((starts[s.id] for s in mine), default=None)
        last = max((ends[s.id] for s in mine), default=None)
        figures[g.id] = GroupFigures(
            minutes_outside_comfort=n,
            weighted_discomfort=w,
            earliest_local=first.astimezone(tz) if first else None,
            latest_local=last.astimezone(tz) if last else None,
        )
    moved = [
        sid
        for sid, when in p.current.items()
        if sid in values and prep.minutes(when) != values[sid]
    ]
    first = next(iter(gaps.values()), 0.0)
    return Solution(starts, ends, figures, optimal, first, objectives, gaps, moved)


def _diagnose(prep: _Prep, deadline: float) -> Infeasible:
    model = _Model(prep, diagnose=True)
    m = model.m
    all_lits = list(model.lits)

    def run(assumed: list[int], seconds: float):
        m.clear_assumptions()
        m.add_assumptions([model.lits[i][0] for i in assumed])
        solver = cp_model.CpSolver()
        _params(solver, seconds, 1)
        status = solver.solve(m)
        core = (
            solver.sufficient_assumptions_for_infeasibility()
            if status == cp_model.INFEASIBLE
            else None
        )
        return status, core

    days = "; ".join(
        f"{_fmt_local(prep.at(ds), prep.tz)}–{prep.at(de).astimezone(prep.tz).strftime('%H:%M')}"
        for ds, de in prep.day_ranges
    )
    context = f"Every session must also fit inside one programme day: {days} ({prep.p.timezone})."
    status, core = run(all_lits, max(1.0, deadline - _time.monotonic()))
    if status != cp_model.INFEASIBLE:
        return Infeasible(
            [
                "The timetable could not be found, but no small set of conflicting constraints "
                "could be isolated in the time allowed.",
                context,
            ],
            proven=False,
        )
    core = [i for i in core if i in model.lits] if core else []
    if not core:
        return Infeasible(
            ["The sessions cannot be fitted into the programme days at all.", context]
        )
    # Deletion-based minimisation: drop each literal whose removal keeps it infeasible.
    i = 0
    while i < len(core):
        trial = core[:i] + core[i + 1 :]
        st, sub = run(trial, 2.0)
        if st == cp_model.INFEASIBLE:
            keep = set(sub or trial) & set(trial)
            core = [x for x in trial if x in keep] if keep else trial
        else:
            i += 1
    return Infeasible([model.lits[i][1] for i in core] + [context])
