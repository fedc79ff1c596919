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
  * programme day bounds (a session lies within one programme day) and the day's breaks (no
    session overlaps a break);
  * pins (fixed start);
  * ordering: ``first``, ``last``, ``after`` (with optional minimum gap) and ``same_day``;
  * interpreters: daily maximum of minutes (per programme day); maximum continuous interpreting
    (sessions separated by less than ``min_break_minutes`` form one stretch, whose total may not
    exceed ``max_continuous_minutes``); a session longer than ``Problem.pair_over_min`` needs a
    pair of interpreters on each of its channels (checked on the input: the solver does not
    assign interpreters);
  * parallel tracks: at most ``Problem.parallel_tracks`` sessions at once (Cumulative; the
    sessions are then numbered onto tracks, which is always possible for intervals).

Objective, lexicographic, solved as successive CP-SAT solves (the optimum of level k is fixed as
a constraint before level k+1 is optimised):
  1. the worst-off group's weighted discomfort (each minute outside the comfortable local hours
     costs 1 + (minutes further out) // 60, so the second hour outside costs 2 per minute, ...);
  2. total weighted discomfort over all groups;
  3. compactness: sum over days of (last end - first start), which is the days' idle time plus a
     constant, plus ``LONELY_DAY_COST`` for every day with exactly one session;
  4. stability: number of sessions moved away from ``Problem.current``.

Redundant constraints tighten the bounds (minutes a group spends in comfortable hours cannot
exceed the comfortable minutes its sessions can reach; a day spans at least the load of any
one-at-a-time resource). Above ``LARGE`` sessions a greedy timetable, completed by CP-SAT with the
starts fixed, is the hint and the fallback, and presolve probing is off. A level may run past
its share of the time until it has a solution.

On infeasibility a second, diagnostic model is built where every relaxable hard constraint
(per pin, per ordering rule, per group window per session, per person availability per session,
per person/group/room no-overlap, per interpreter limit, the track limit) carries an assumption
literal; the core from ``SufficientAssumptionsForInfeasibility`` is shrunk by deletion to a
minimal one and rendered as plain sentences. Each sentence is also returned as a ``Reason`` (a
code and string parameters; ``REASON_TEXTS`` holds the English templates) so that callers can
translate it.

Not yet modelled: choosing interpreters (they are input, as ``people`` or ``interpreters``),
rooms' own availability, buffers between sessions, session kinds (``kind`` is carried but has no
effect; opening and closing ceremonies are ``first``/``last`` orderings). Compactness bounds are
weak (the gap of that level is often not closed within the time limit); levels 1-2 are proven
optimal on small and medium programmes, not on 1,000 sessions. Times not on the slot grid are
only possible through pins. Audience groups are treated like people: a group cannot attend two
sessions at once.
"""

from __future__ import annotations

import threading
import time as _time
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
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
    max_continuous_minutes: int | None = None
    min_break_minutes: int = 30  # a shorter pause does not end a stretch of interpreting


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
    interpreters: tuple[tuple[str, str], ...] = ()  # (channel language, person id)

    @property
    def label(self) -> str:
        return self.title or self.id

    @property
    def everyone(self) -> tuple[str, ...]:
        """Required people: ``people`` and the interpreters, each once."""
        return tuple(dict.fromkeys([*self.people, *(pid for _, pid in self.interpreters)]))


@dataclass(frozen=True)
class Day:
    """A programme day; ``start``/``end`` are local times in the programme's zone."""

    date: date
    start: time = time(9)
    end: time = time(18)
    breaks: tuple[tuple[time, time], ...] = ()  # local (programme zone); no session overlaps one


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
    pair_over_min: int = 40  # a longer session needs two interpreters on each channel
    parallel_tracks: int | None = None  # at most this many sessions at once (None: no limit)


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
    tracks: dict[str, int] = field(default_factory=dict)  # 1-based, when parallel_tracks is set


REASON_TEXTS: dict[str, str] = {
    "duplicate_session": "Two sessions share the same identifier.",
    "no_days": "The programme has no days.",
    "bad_tracks": "The number of parallel tracks must be at least 1, not %(tracks)s.",
    "bad_duration": "Session “%(session)s” has no positive duration.",
    "unknown_group": "Session “%(session)s” names an unknown audience group “%(group)s”.",
    "unknown_ordering": "Unknown ordering rule “%(rule)s”.",
    "ordering_unknown_session": "An ordering rule names an unknown session “%(session)s”.",
    "pin_unknown_session": "A pin names an unknown session “%(session)s”.",
    "pin_without_zone": "The pin of session “%(session)s” has no time zone.",
    "current_without_zone": "The current start of session “%(session)s” has no time zone.",
    "window_without_zone": "An availability window of %(person)s has no time zone.",
    "unknown_zone": "Unknown time zone: %(zone)s.",
    "longer_than_day": (
        "Session “%(session)s” (%(minutes)s min) is longer than every programme day, or than "
        "every stretch of a day between breaks."
    ),
    "pair_needed": (
        "Session “%(session)s” (%(minutes)s min) is longer than %(limit)s min, so its %(channel)s "
        "channel needs a pair of interpreters; only %(people)s is assigned."
    ),
    "pinned": "Session “%(session)s” is pinned to start at %(when)s (%(zone)s).",
    "group_hours": (
        "Session “%(session)s” (%(minutes)s min) must lie within the acceptable hours of audience "
        "group “%(group)s”: %(from)s–%(to)s local time (%(zone)s)."
    ),
    "availability": (
        "Session “%(session)s” (%(minutes)s min) needs %(person)s, who is available only "
        "%(windows)s (%(zone)s)."
    ),
    "person_overlap": "%(person)s cannot take part in two sessions at once (%(sessions)s).",
    "group_overlap": (
        "Audience group “%(group)s” cannot attend two sessions at once (%(sessions)s)."
    ),
    "room_overlap": "Room “%(room)s” can host only one session at a time (%(sessions)s).",
    "first": "Session “%(session)s” must come before every other session.",
    "last": "Session “%(session)s” must come after every other session.",
    "after": "Session “%(later)s” must come after session “%(earlier)s”.",
    "after_gap": (
        "Session “%(later)s” must come after session “%(earlier)s” with at least %(gap)s min in "
        "between."
    ),
    "same_day": "Sessions “%(session)s” and “%(other)s” must be on the same day.",
    "interpreter_daily": (
        "Interpreter %(person)s may work at most %(limit)s min per day (sessions: %(sessions)s)."
    ),
    "interpreter_continuous": (
        "Interpreter %(person)s may interpret at most %(limit)s min without a break of at least "
        "%(break)s min (sessions: %(sessions)s)."
    ),
    "tracks": "At most %(tracks)s sessions can run at the same time.",
    "day_bounds": (
        "Every session must also fit inside one programme day, outside its breaks: %(days)s "
        "(%(zone)s)."
    ),
    "no_core": "The sessions cannot be fitted into the programme days at all.",
    "not_isolated": (
        "The timetable could not be found, but no small set of conflicting constraints could be "
        "isolated in the time allowed."
    ),
    "timeout": (
        "No timetable was found within %(seconds)s s; the solver could neither find one nor prove "
        "that none exists. Allow more time or relax constraints."
    ),
}


@dataclass(frozen=True)
class Reason:
    """One sentence of an explanation: ``REASON_TEXTS[code] % params`` in English; a caller
    translates the template and fills in the same parameters."""

    code: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def english(self) -> str:
        return REASON_TEXTS[self.code] % self.params


SUMMARIES = {
    "conflict": "No timetable satisfies all of these constraints together.",
    "input": "The timetable input is inconsistent.",
    "timeout": "No timetable found in time.",
}


@dataclass
class Infeasible:
    explanation: list[str]
    proven: bool = True
    summary: str = SUMMARIES["conflict"]
    reasons: list[Reason] = field(default_factory=list)
    kind: str = "conflict"  # key of SUMMARIES: "conflict", "input" or "timeout"

    @property
    def messages(self) -> list[str]:
        return self.explanation


def _infeasible(reasons: list[Reason], kind: str = "conflict", proven: bool = True) -> Infeasible:
    return Infeasible([r.english for r in reasons], proven, SUMMARIES[kind], reasons, kind)


# --------------------------------------------------------------------------- preparation

MAX_COMFORT_CUTS = 20  # per group
LARGE = 200  # sessions: bigger timetables get a completed greedy hint and lighter presolve
LONELY_DAY_COST = 240  # compactness: a day with a single session weighs like 4 hours of spread
LEVEL_PHRASES = {
    "worst_discomfort": "fairness",
    "total_discomfort": "total discomfort",
    "compactness": "compactness",
    "stability": "stability",
}


def _local(dt_date: date, t: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(dt_date, t, tzinfo=tz).astimezone(UTC)


def _fmt_local(dt: datetime, tz: ZoneInfo) -> str:
    return dt.astimezone(tz).strftime("%a %d %b %Y %H:%M")


def _names(sessions) -> str:
    return ", ".join(f"“{s.label}”" for s in sessions)


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
        breaks = []
        for d in p.days:
            a = _local(d.date, d.start, self.tz)
            b_date = d.date if d.end > d.start else d.date + timedelta(days=1)
            b = _local(b_date, d.end, self.tz)
            spans.append((a, b))
            for lo, hi in d.breaks:
                lo_date = d.date if lo >= d.start else d.date + timedelta(days=1)
                hi_date = lo_date if hi > lo else lo_date + timedelta(days=1)
                breaks.append((_local(lo_date, lo, self.tz), _local(hi_date, hi, self.tz)))
        self.origin = min(a for a, _ in spans)
        self.day_ranges = [(self.minutes(a), self.minutes(b)) for a, b in spans]
        self.breaks = [(self.minutes(a), self.minutes(b)) for a, b in breaks]
        self.horizon = max(b for _, b in self.day_ranges)
        self.acceptable = {g.id: self._daily(g, g.acceptable) for g in p.groups}
        self.comfort = {g.id: self._daily(g, g.comfortable) for g in p.groups}
        self._prefix_cache: dict[tuple, tuple[list[int], list[int]]] = {}
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
        g = self.groups[gid]
        key = (g.tz, g.comfortable)
        if key in self._prefix_cache:  # cohorts in one zone share their arrays
            self.prefix_w[gid], self.prefix_n[gid] = self._prefix_cache[key]
            return
        ivs = sorted(self.comfort[gid])
        w = [0] * (self.horizon + 1)
        n = [0] * (self.horizon + 1)
        k = 0
        for m in range(self.horizon):
            while k < len(ivs) and ivs[k][1] <= m:
                k += 1
            if k < len(ivs) and ivs[k][0] <= m:
                dist = 0
            else:
                after = ivs[k][0] - m if k < len(ivs) else 1 << 30
                before = m + 1 - ivs[k - 1][1] if k > 0 else 1 << 30
                dist = min(after, before)
            cost = 0 if dist == 0 else 1 + (dist - 1) // 60
            w[m + 1] = w[m] + cost
            n[m + 1] = n[m] + (1 if dist else 0)
        self.prefix_w[gid], self.prefix_n[gid] = w, n
        self._prefix_cache[key] = (w, n)

    def cost(self, gid: str, t: int, dur: int) -> int:
        return self.prefix_w[gid][t + dur] - self.prefix_w[gid][t]

    @staticmethod
    def fitting(ivs: list[tuple[int, int]], starts: list[int], dur: int) -> list[int]:
        """The starts t with [t, t + dur] inside one of the intervals ``ivs``."""
        ivs = sorted(ivs)
        lows = [a for a, _ in ivs]
        reach = list(accumulate((b for _, b in ivs), max))  # furthest end among a <= t
        out = []
        for t in starts:
            k = bisect_right(lows, t)
            if k and reach[k - 1] >= t + dur:
                out.append(t)
        return out

    def clear_of_breaks(self, t: int, dur: int) -> bool:
        return not any(t < b and a < t + dur for a, b in self.breaks)

    def base_starts(self, s: SessionSpec) -> list[int]:
        out = []
        for ds, de in self.day_ranges:
            out.extend(range(ds, de - s.duration_min + 1, self.p.slot_min))
        for pin in self.p.pins:
            if pin.session == s.id:
                v = self.minutes(pin.start)
                if any(ds <= v and v + s.duration_min <= de for ds, de in self.day_ranges):
                    out.append(v)
        return sorted(t for t in set(out) if self.clear_of_breaks(t, s.duration_min))

    def group_ok(self, s: SessionSpec, gid: str, starts: list[int]) -> list[int]:
        return self.fitting(self.acceptable[gid], starts, s.duration_min)

    def person_ok(self, s: SessionSpec, pid: str, starts: list[int]) -> list[int]:
        if pid not in self.windows:
            return starts
        return self.fitting(self.windows[pid], starts, s.duration_min)

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

    def days_text(self) -> str:
        parts = []
        for ds, de in self.day_ranges:
            text = f"{_fmt_local(self.at(ds), self.tz)}–{self.at(de).astimezone(self.tz):%H:%M}"
            pauses = [
                f"{self.at(a).astimezone(self.tz):%H:%M}–{self.at(b).astimezone(self.tz):%H:%M}"
                for a, b in self.breaks
                if ds <= a < de
            ]
            if pauses:
                text += f" (breaks {', '.join(pauses)})"
            parts.append(text)
        return "; ".join(parts)


def _validate(p: Problem) -> list[Reason]:
    errors = []
    ids = [s.id for s in p.sessions]
    known = set(ids)
    if len(known) != len(ids):
        errors.append(Reason("duplicate_session"))
    if not p.days:
        errors.append(Reason("no_days"))
    if p.parallel_tracks is not None and p.parallel_tracks < 1:
        errors.append(Reason("bad_tracks", {"tracks": str(p.parallel_tracks)}))
    gids = {g.id for g in p.groups}
    for s in p.sessions:
        if s.duration_min <= 0:
            errors.append(Reason("bad_duration", {"session": s.label}))
        errors.extend(
            Reason("unknown_group", {"session": s.label, "group": g})
            for g in s.groups
            if g not in gids
        )
    for o in p.orderings:
        if o.kind not in ORDERING_KINDS:
            errors.append(Reason("unknown_ordering", {"rule": o.kind}))
        for sid in (o.a, o.b) if o.kind in ("after", "same_day") else (o.a,):
            if sid not in known:
                errors.append(Reason("ordering_unknown_session", {"session": str(sid)}))
    errors.extend(
        Reason("pin_unknown_session", {"session": pin.session})
        for pin in p.pins
        if pin.session not in known
    )
    errors.extend(
        Reason("pin_without_zone", {"session": pin.session})
        for pin in p.pins
        if pin.start.tzinfo is None
    )
    errors.extend(
        Reason("current_without_zone", {"session": sid})
        for sid, dt in p.current.items()
        if dt.tzinfo is None
    )
    for x in p.people:
        if any(w.start.tzinfo is None or w.end.tzinfo is None for w in x.available or ()):
            errors.append(Reason("window_without_zone", {"person": x.label}))
    for zone in [p.timezone, *(g.tz for g in p.groups)]:
        try:
            ZoneInfo(zone)
        except Exception:  # ZoneInfoNotFoundError, ValueError
            errors.append(Reason("unknown_zone", {"zone": zone}))
    return errors


def _static_conflicts(prep: _Prep) -> list[Reason]:
    """Conflicts visible without search: sessions longer than any day, unpaired interpreters."""
    p = prep.p
    out = [
        Reason("longer_than_day", {"session": s.label, "minutes": str(s.duration_min)})
        for s in p.sessions
        if not prep.base_starts(s)
    ]
    for s in p.sessions:
        if s.duration_min <= p.pair_over_min:
            continue
        channels: dict[str, list[str]] = {}
        for channel, pid in s.interpreters:
            channels.setdefault(channel, []).append(pid)
        for channel, pids in channels.items():
            if len(set(pids)) < 2:
                out.append(
                    Reason(
                        "pair_needed",
                        {
                            "session": s.label,
                            "minutes": str(s.duration_min),
                            "limit": str(p.pair_over_min),
                            "channel": channel,
                            "people": prep.person_label(pids[0]),
                        },
                    )
                )
    return out


# --------------------------------------------------------------------------- model


class _Model:
    def __init__(self, prep: _Prep, diagnose: bool):
        self.prep = prep
        self.diagnose = diagnose
        self.m = cp_model.CpModel()
        self.lits: dict[int, tuple[cp_model.IntVar, Reason]] = {}
        self.start: dict[str, cp_model.IntVar] = {}
        self.interval: dict[str, cp_model.IntervalVar] = {}
        self.on_day: dict[str, dict[int, cp_model.IntVar]] = {}
        self.domains: dict[str, list[int]] = {}
        self.empty: list[str] = []  # sessions with no possible start (normal mode)
        self._build()

    def guard(self, reason: Reason):
        lit = self.m.new_bool_var(f"a{len(self.lits)}")
        self.lits[lit.index] = (lit, reason)
        return lit

    def _build(self) -> None:
        prep, m, p = self.prep, self.m, self.prep.p
        pins = {pin.session: prep.minutes(pin.start) for pin in p.pins}
        for s in p.sessions:
            base = prep.base_starts(s)
            values = base
            if not self.diagnose:
                for g in s.groups:
                    values = prep.group_ok(s, g, values)
                for pid in s.everyone:
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
            self.interval[s.id] = m.new_fixed_size_interval_var(v, s.duration_min, f"iv_{s.id}")
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
                reason = Reason(
                    "pinned",
                    {
                        "session": s.label,
                        "when": _fmt_local(pin.start, prep.tz),
                        "when_iso": pin.start.isoformat(),
                        "zone": p.timezone,
                    },
                )
                m.add(self.start[s.id] == prep.minutes(pin.start)).only_enforce_if(
                    self.guard(reason)
                )
        self._resources()
        self._orderings()
        self._interpreters()
        self._tracks()

    def _unary_guards(self, s: SessionSpec, base: list[int]) -> None:
        prep = self.prep
        for gid in s.groups:
            g = prep.groups[gid]
            reason = Reason(
                "group_hours",
                {
                    "session": s.label,
                    "minutes": str(s.duration_min),
                    "group": g.label,
                    "from": prep.hm(g.acceptable[0]),
                    "to": prep.hm(g.acceptable[1]),
                    "zone": g.tz,
                },
            )
            self._in_values(s, prep.group_ok(s, gid, base), reason)
        for pid in s.everyone:
            if pid not in prep.windows:
                continue
            reason = Reason(
                "availability",
                {
                    "session": s.label,
                    "minutes": str(s.duration_min),
                    "person": prep.person_label(pid),
                    "windows": prep.windows_text(pid),
                    "zone": prep.p.timezone,
                },
            )
            self._in_values(s, prep.person_ok(s, pid, base), reason)

    def _in_values(self, s: SessionSpec, ok: list[int], reason: Reason) -> None:
        lit = self.guard(reason)
        if ok:
            self.m.add_linear_expression_in_domain(
                self.start[s.id], cp_model.Domain.from_values(ok)
            ).only_enforce_if(lit)
        else:
            self.m.add_bool_or([~lit])

    def _users(self) -> dict[tuple[str, str], list[SessionSpec]]:
        users: dict[tuple[str, str], list[SessionSpec]] = {}
        for s in self.prep.p.sessions:
            for pid in s.everyone:
                users.setdefault(("person", pid), []).append(s)
            for gid in s.groups:
                users.setdefault(("group", gid), []).append(s)
            if s.room:
                users.setdefault(("room", s.room), []).append(s)
        return users

    def _resources(self) -> None:
        prep, m = self.prep, self.m
        for (kind, rid), sessions in self._users().items():
            if len(sessions) < 2:
                continue
            if not self.diagnose:
                m.add_no_overlap([self.interval[s.id] for s in sessions])
                continue
            names = _names(sessions)
            if kind == "person":
                reason = Reason(
                    "person_overlap", {"person": prep.person_label(rid), "sessions": names}
                )
            elif kind == "group":
                reason = Reason(
                    "group_overlap", {"group": prep.groups[rid].label, "sessions": names}
                )
            else:
                reason = Reason("room_overlap", {"room": rid, "sessions": names})
            lit = self.guard(reason)
            m.add_no_overlap(
                [
                    m.new_optional_fixed_size_interval_var(
                        self.start[s.id], s.duration_min, lit, f"iv_{rid}_{s.id}"
                    )
                    for s in sessions
                ]
            )

    def _orderings(self) -> None:
        prep, m = self.prep, self.m
        ss = prep.sessions
        for o in prep.p.orderings:
            a = ss[o.a]
            sa = self.start[a.id]
            cts = []
            if o.kind == "first":
                reason = Reason("first", {"session": a.label})
                cts = [
                    m.add(self.start[s.id] >= sa + a.duration_min)
                    for s in prep.p.sessions
                    if s.id != a.id
                ]
            elif o.kind == "last":
                reason = Reason("last", {"session": a.label})
                cts = [
                    m.add(sa >= self.start[s.id] + s.duration_min)
                    for s in prep.p.sessions
                    if s.id != a.id
                ]
            elif o.kind == "after":
                b = ss[o.b]
                params = {"earlier": a.label, "later": b.label, "gap": str(o.min_gap_min)}
                reason = Reason("after_gap" if o.min_gap_min else "after", params)
                cts = [m.add(self.start[b.id] >= sa + a.duration_min + o.min_gap_min)]
            else:
                b = ss[o.b]
                reason = Reason("same_day", {"session": a.label, "other": b.label})
                da, db = self.on_day[a.id], self.on_day[b.id]
                for d in set(da) | set(db):
                    x, y = da.get(d), db.get(d)
                    if x is None:
                        cts.append(m.add(y == 0))
                    elif y is None:
                        cts.append(m.add(x == 0))
                    else:
                        cts.append(m.add(x == y))
            if self.diagnose:
                lit = self.guard(reason)
                for c in cts:
                    c.only_enforce_if(lit)

    def _interpreters(self) -> None:
        prep = self.prep
        for person in prep.p.people:
            lim = person.interpreter
            if lim is None:
                continue
            mine = [s for s in prep.p.sessions if person.id in s.everyone]
            if not mine:
                continue
            names = ", ".join(f"“{s.label}” ({s.duration_min} min)" for s in mine)
            if lim.max_daily_minutes is not None:
                self._daily_limit(person, lim.max_daily_minutes, mine, names)
            if lim.max_continuous_minutes is not None:
                self._continuous_limit(person, lim, mine, names)

    def _daily_limit(self, person: Person, limit: int, mine, names: str) -> None:
        prep, m = self.prep, self.m
        if sum(s.duration_min for s in mine) <= limit:
            return
        reason = Reason(
            "interpreter_daily",
            {"person": person.label, "limit": str(limit), "sessions": names},
        )
        lit = self.guard(reason) if self.diagnose else None
        for d in range(len(prep.day_ranges)):
            terms = [s.duration_min * self.on_day[s.id][d] for s in mine if d in self.on_day[s.id]]
            if not terms:
                continue
            ct = m.add(sum(terms) <= limit)
            if lit is not None:
                ct.only_enforce_if(lit)

    def _continuous_limit(self, person: Person, lim: InterpreterLimits, mine, names: str) -> None:
        """acc[j] is at least the minutes interpreted in j's stretch up to j's end: whenever i
        ends less than a break before j starts, acc[j] >= acc[i] + dur[j]. Every session of
        the stretch between i and j then also lies in it, so the bound is exact at the optimum
        and acc[j] <= limit is the rule."""
        m = self.m
        limit, pause = lim.max_continuous_minutes, lim.min_break_minutes
        total = sum(s.duration_min for s in mine)
        if total <= limit and not any(s.duration_min > limit for s in mine):
            return
        reason = Reason(
            "interpreter_continuous",
            {"person": person.label, "limit": str(limit), "break": str(pause), "sessions": names},
        )
        lit = self.guard(reason) if self.diagnose else None
        acc = {}
        for s in mine:
            acc[s.id] = m.new_int_var(s.duration_min, total, f"acc_{person.id}_{s.id}")
            ct = m.add(acc[s.id] <= limit)
            if lit is not None:
                ct.only_enforce_if(lit)
        for i in mine:
            for j in mine:
                if i is j or not set(self.on_day[i.id]) & set(self.on_day[j.id]):
                    continue
                near = m.new_bool_var("")
                close = cp_model.Domain(i.duration_min, i.duration_min + pause - 1)
                m.add_linear_expression_in_domain(
                    self.start[j.id] - self.start[i.id], close.complement()
                ).only_enforce_if(~near)
                m.add(acc[j.id] >= acc[i.id] + j.duration_min).only_enforce_if(near)

    def _tracks(self) -> None:
        prep, m = self.prep, self.m
        k = prep.p.parallel_tracks
        if k is None or len(prep.p.sessions) <= k:
            return
        ct = m.add_cumulative(list(self.interval.values()), [1] * len(self.interval), k)
        if self.diagnose:
            ct.only_enforce_if(self.guard(Reason("tracks", {"tracks": str(k)})))

    def greedy_hint(self) -> None:
        """Hint a timetable built greedily: most constrained sessions first, each at its least
        uncomfortable free start. Interpreters get a full break around every session (stricter
        than their rule) and orderings are ignored; CP-SAT repairs what does not hold."""
        prep, p = self.prep, self.prep.p
        busy: dict[str, int] = {}  # resource -> bit mask of busy minutes
        tracks = [0] * (p.parallel_tracks or 0)
        daily: dict[tuple[str, int], int] = {}
        limits = {x.id: x.interpreter for x in p.people if x.interpreter}

        def span(a: int, b: int) -> int:
            a = max(a, 0)
            return ((1 << (b - a)) - 1) << a if b > a else 0

        order = sorted(p.sessions, key=lambda s: (len(self.domains[s.id]), -s.duration_min))
        for s in order:
            keys = [*s.everyone, *(f"group {g}" for g in s.groups)]
            if s.room:
                keys.append(f"room {s.room}")
            costs = {
                t: sum(prep.cost(g, t, s.duration_min) for g in s.groups)
                for t in self.domains[s.id]
            }
            for t in sorted(costs, key=lambda t: (costs[t], t)):
                own = span(t, t + s.duration_min)
                day = next(d for d, (ds, de) in enumerate(prep.day_ranges) if ds <= t < de)
                if any(busy.get(k, 0) & own for k in keys):
                    continue
                wide = {}
                for pid in s.everyone:
                    lim = limits.get(pid)
                    if lim is None:
                        continue
                    if daily.get((pid, day), 0) + s.duration_min > (lim.max_daily_minutes or 1e9):
                        break
                    pause = lim.min_break_minutes if lim.max_continuous_minutes else 0
                    wide[pid] = span(t - pause, t + s.duration_min + pause)
                else:
                    if any(busy.get(pid, 0) & mask for pid, mask in wide.items()):
                        continue
                    free = next((k for k, mask in enumerate(tracks) if not mask & own), None)
                    if tracks and free is None:
                        continue
                    if tracks:
                        tracks[free] |= own
                    for k in keys:
                        busy[k] = busy.get(k, 0) | wide.get(k, own)
                    for pid in wide:
                        daily[pid, day] = daily.get((pid, day), 0) + s.duration_min
                    self.m.add_hint(self.start[s.id], t)
                    break

    # -- objective pieces (normal mode only)
    def objectives(self) -> list[tuple[str, cp_model.LinearExprT]]:
        prep, m, p = self.prep, self.m, self.prep.p
        per_group: dict[str, list] = {g.id: [] for g in p.groups}
        inside: dict[str, list] = {g.id: [] for g in p.groups}  # (session, minutes inside)
        ub = 0
        for s in p.sessions:
            if not s.groups:
                continue
            columns = []
            for gid in s.groups:
                hi = max(prep.cost(gid, t, s.duration_min) for t in self.domains[s.id])
                ub += hi
                c = m.new_int_var(0, hi, f"c_{s.id}_{gid}")
                comfy = m.new_int_var(0, s.duration_min, f"in_{s.id}_{gid}")
                # redundant, for the relaxation: every minute outside costs at least 1
                m.add(c + comfy >= s.duration_min)
                columns += [c, comfy]
                per_group[gid].append(c)
                inside[gid].append((s, comfy))
            tuples = []
            for t in self.domains[s.id]:
                row = [t]
                for gid in s.groups:
                    outside = prep.prefix_n[gid][t + s.duration_min] - prep.prefix_n[gid][t]
                    row += [prep.cost(gid, t, s.duration_min), s.duration_min - outside]
                tuples.append(row)
            m.add_allowed_assignments([self._time_of_day(s, tuples), *columns], tuples)
            if len(s.groups) > 1:  # redundant: groups far apart cannot all be comfortable
                least = min(sum(row[1::2]) for row in tuples)
                if least:
                    m.add(sum(columns[::2]) >= least)
        self._comfort_cuts(inside)
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
        levels.append(("compactness", self._compactness()))
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

    def _time_of_day(self, s: SessionSpec, tuples: list[list[int]]) -> cp_model.IntVar:
        """The variable the cost table of ``s`` reads. When the costs repeat from day to day (no
        clock change), that is the minute within the day, a domain many times smaller than the
        start's, and the rows of ``tuples`` are rewritten in place to use it."""
        days = self.on_day[s.id]
        if len(days) < 2:
            return self.start[s.id]
        day_start = {d: self.prep.day_ranges[d][0] for d in days}
        by_offset: dict[int, list[int]] = {}
        for row in tuples:
            t = row[0]
            d = next(d for d, ds in day_start.items() if ds <= t < self.prep.day_ranges[d][1])
            if by_offset.setdefault(t - day_start[d], row[1:]) != row[1:]:
                return self.start[s.id]
        offset = self.m.new_int_var_from_domain(
            cp_model.Domain.from_values(sorted(by_offset)), f"tod_{s.id}"
        )
        self.m.add(self.start[s.id] == sum(ds * days[d] for d, ds in day_start.items()) + offset)
        tuples[:] = [[o, *row] for o, row in sorted(by_offset.items())]
        return offset

    def _comfort_cuts(self, inside: dict[str, list]) -> None:
        """Redundant cuts for the bound of levels 1-2. A group attends one session at a time,
        so sessions that can only use the same comfortable minutes M (as bit masks over the
        horizon) share them: the minutes they spend inside sum to at most |M|."""
        prep, m = self.prep, self.m
        for gid, pairs in inside.items():
            comfort = 0
            for a, b in prep.comfort[gid]:
                a, b = max(a, 0), min(b, prep.horizon)
                if a < b:
                    comfort |= ((1 << (b - a)) - 1) << a
            reach = {}
            for s, _ in pairs:
                mask = 0
                for t in self.domains[s.id]:
                    mask |= ((1 << s.duration_min) - 1) << t
                reach[s.id] = mask & comfort
            masks = Counter(reach.values()).most_common(MAX_COMFORT_CUTS - 1)
            union = 0
            for mask in reach.values():
                union |= mask
            for mask in {union, *(mask for mask, _ in masks)}:
                members = [(s, v) for s, v in pairs if reach[s.id] & ~mask == 0]
                if sum(s.duration_min for s, _ in members) > mask.bit_count():
                    m.add(sum(v for _, v in members) <= mask.bit_count())

    def _compactness(self) -> cp_model.LinearExprT:
        prep, m, p = self.prep, self.m, self.prep.p
        terms = []
        users = [members for members in self._users().values() if len(members) > 1]
        for d, (ds, de) in enumerate(prep.day_ranges):
            here = [s for s in p.sessions if d in self.on_day[s.id]]
            if not here:
                continue
            lo = m.new_int_var(ds, de, f"lo{d}")
            hi = m.new_int_var(ds, de, f"hi{d}")
            m.add(hi >= lo)
            for s in here:
                b = self.on_day[s.id][d]
                m.add(lo <= self.start[s.id]).only_enforce_if(b)
                m.add(hi >= self.start[s.id] + s.duration_min).only_enforce_if(b)
            terms.append(hi - lo)
            # redundant: the day spans at least the load of any one-at-a-time resource
            for members in users:
                load = [
                    s.duration_min * self.on_day[s.id][d] for s in members if d in self.on_day[s.id]
                ]
                if len(load) > 1:
                    m.add(hi - lo >= sum(load))
            count = sum(self.on_day[s.id][d] for s in here)
            used, many = m.new_bool_var(f"used{d}"), m.new_bool_var(f"many{d}")
            m.add(count <= len(here) * used)
            m.add(count >= 2).only_enforce_if(many)
            lonely = m.new_bool_var(f"lonely{d}")
            m.add(lonely >= used - many)
            terms.append(LONELY_DAY_COST * lonely)
        return sum(terms)


# --------------------------------------------------------------------------- solve

Progress = Callable[[float, str], None]


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution of one level, as a share of that level's time, and
    stops the search once a solution is in hand and ``share`` seconds have passed (so that the
    first level may run past its share while it has found no timetable at all)."""

    def __init__(
        self, on_progress: Progress | None, level: int, levels: int, name: str, share: float
    ):
        super().__init__()
        self.on_progress, self.level, self.levels = on_progress, level, levels
        self.phrase = f"level {level + 1} of {levels}: {LEVEL_PHRASES.get(name, name)}"
        self.share = max(share, 1e-3)
        self.found = False
        self.started = _time.monotonic()
        self.timer = threading.Timer(share, self._late)

    def _late(self) -> None:
        if self.found:
            self.stop_search()

    def on_solution_callback(self) -> None:
        self.found = True
        elapsed = _time.monotonic() - self.started
        if self.on_progress:
            share = min(0.99, elapsed / self.share)
            self.on_progress((self.level + share) / self.levels, self.phrase)
        if elapsed >= self.share:
            self.stop_search()


def _params(solver: cp_model.CpSolver, seconds: float, workers: int, large: bool = False) -> None:
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = workers
    if large:  # probing in presolve costs more than it saves on big timetables
        solver.parameters.cp_model_probing_level = 0


def _hint_all(m: cp_model.CpModel, values: list[int]) -> None:
    m.clear_hints()
    m.proto.solution_hint.vars.extend(range(len(values)))
    m.proto.solution_hint.values.extend(values)


def _complete_hint(
    model: _Model, levels: list[tuple[str, cp_model.LinearExprT]], deadline: float, workers: int
) -> tuple[dict[str, int], dict[str, int]] | None:
    """Turn the hinted starts into a hint for every variable (CP-SAT rarely completes a partial
    hint of a big model by itself) by solving a copy with the starts fixed. That copy is the
    whole model, so its answer is a valid timetable: return its starts and level values as a
    fallback for when the first level finds nothing better in time."""
    m = model.m
    hint = m.proto.solution_hint
    if not hint.vars:
        return None
    fixed = m.clone()
    for index, value in zip(hint.vars, hint.values, strict=True):
        fixed.add(fixed.get_int_var_from_proto_index(index) == value)
    solver = cp_model.CpSolver()
    _params(solver, (deadline - _time.monotonic()) / 4, workers, large=True)
    solver.parameters.stop_after_first_solution = True
    if solver.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    _hint_all(m, list(solver.response_proto.solution))
    starts = {sid: solver.value(v) for sid, v in model.start.items()}
    return starts, {name: round(solver.value(expr)) for name, expr in levels}


def solve(
    problem: Problem,
    time_limit_s: float = 10,
    workers: int = 2,
    on_progress: Progress | None = None,
) -> Solution | Infeasible:
    """Timetable ``problem`` within about ``time_limit_s`` seconds, or explain why not.

    ``on_progress(fraction, phrase)`` is called between objective levels and on every improving
    solution (from the solver's thread), with ``fraction`` in 0..1."""
    deadline = _time.monotonic() + time_limit_s
    report = on_progress or (lambda fraction, phrase: None)
    errors = _validate(problem)
    if errors:
        return _infeasible(errors, "input")
    report(0.0, "preparing the model")
    prep = _Prep(problem)
    static = _static_conflicts(prep)
    if static:
        return _infeasible(static)
    model = _Model(prep, diagnose=False)
    if model.empty:
        return _diagnose(prep, deadline)
    levels = model.objectives()
    large = len(problem.sessions) > LARGE
    model.greedy_hint()
    m = model.m
    fallback = _complete_hint(model, levels, deadline, workers) if large else None
    values: dict[str, int] | None = None
    objectives: dict[str, int] = {}
    gaps: dict[str, float] = {}
    optimal = True
    for i, (name, expr) in enumerate(levels):
        report(i / len(levels), f"level {i + 1} of {len(levels)}: {LEVEL_PHRASES[name]}")
        solver = cp_model.CpSolver()
        remaining = deadline - _time.monotonic()
        share = remaining / (2 if i == 0 and len(levels) > 1 else len(levels) - i)
        # A level may run past its share until it has a solution (the first level has to find a
        # timetable at all; on big models presolve alone can outlast a share); then it stops.
        _params(solver, remaining, workers, large)
        m.minimize(expr)
        callback = _Reporter(on_progress, i, len(levels), name, share)
        callback.timer.start()
        try:
            status = solver.solve(m, callback)
        finally:
            callback.timer.cancel()
        if status == cp_model.INFEASIBLE and values is None:
            return _diagnose(prep, deadline)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if values is None and fallback is not None:
                values, objectives = fallback
                bound = max(0.0, solver.best_objective_bound)
                gaps = {n: 1.0 for n in objectives}
                gaps[name] = (objectives[name] - bound) / max(1, objectives[name])
            if values is None:
                reason = Reason("timeout", {"seconds": f"{time_limit_s:g}"})
                return _infeasible([reason], "timeout", proven=False)
            optimal = False
            break
        val = round(solver.objective_value)
        bound = max(0.0, solver.best_objective_bound)  # every level is >= 0 by construction
        objectives[name] = val
        gaps[name] = 0.0 if status == cp_model.OPTIMAL else (val - bound) / max(1, val)
        optimal = optimal and status == cp_model.OPTIMAL
        values = {sid: solver.value(v) for sid, v in model.start.items()}
        m.add(expr <= val)
        _hint_all(m, list(solver.response_proto.solution))
    assert values is not None
    report(1.0, "done")
    return _solution(prep, values, objectives, gaps, optimal)


def _tracks(p: Problem, values: dict[str, int]) -> dict[str, int]:
    """Number sessions onto tracks: the first free track, in order of start (interval
    partitioning, so never more tracks than sessions at once)."""
    if p.parallel_tracks is None:
        return {}
    free_at: list[int] = []
    out = {}
    for s in sorted(p.sessions, key=lambda s: (values[s.id], s.id)):
        t = values[s.id]
        k = next((k for k, end in enumerate(free_at) if end <= t), len(free_at))
        if k == len(free_at):
            free_at.append(0)
        free_at[k] = t + s.duration_min
        out[s.id] = k + 1
    return out


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
    return Solution(
        starts, ends, figures, optimal, first, objectives, gaps, moved, _tracks(p, values)
    )


def _diagnose(prep: _Prep, deadline: float) -> Infeasible:
    model = _Model(prep, diagnose=True)
    m = model.m

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

    context = Reason("day_bounds", {"days": prep.days_text(), "zone": prep.p.timezone})
    status, core = run(list(model.lits), max(1.0, deadline - _time.monotonic()))
    if status != cp_model.INFEASIBLE:
        return _infeasible([Reason("not_isolated"), context], proven=False)
    core = [i for i in core if i in model.lits] if core else []
    if not core:
        return _infeasible([Reason("no_core"), context])
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
    return _infeasible([model.lits[i][1] for i in core] + [context])
