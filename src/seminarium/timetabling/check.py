"""Independent checker for timetables (pure: no Django).

Shares no logic with ``solver.py``: it imports only the input dataclasses and recomputes
everything directly with aware datetimes and zoneinfo, minute by minute where needed. Use it to
verify any timetable, whoever produced it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .solver import Problem


def _overlap(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> bool:
    return a0 < b1 and b0 < a1


def _day_window(problem: Problem, day) -> tuple[datetime, datetime]:
    tz = ZoneInfo(problem.timezone)
    start = datetime.combine(day.date, day.start, tzinfo=tz)
    end_date = day.date if day.end > day.start else day.date + timedelta(days=1)
    end = datetime.combine(end_date, day.end, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def _inside_local(tz: ZoneInfo, lo, hi, start: datetime, end: datetime) -> bool:
    """Is [start, end] within [lo, hi] local time of one local day (hi <= lo: overnight)?"""
    local_start = start.astimezone(tz)
    for offset in (-1, 0):
        d = local_start.date() + timedelta(days=offset)
        a = datetime.combine(d, lo, tzinfo=tz)
        b = datetime.combine(d + timedelta(days=1 if hi <= lo else 0), hi, tzinfo=tz)
        if a <= start and end <= b:
            return True
    return False


def check(problem: Problem, starts: dict[str, datetime]) -> list[str]:
    """Return the hard constraints that the timetable ``starts`` (session id -> aware start)
    violates; an empty list means the timetable is valid."""
    bad: list[str] = []
    sessions = {s.id: s for s in problem.sessions}
    for sid in sessions:
        if sid not in starts:
            bad.append(f"session {sid} is not scheduled")
    if bad:
        return bad
    span = {
        sid: (starts[sid], starts[sid] + timedelta(minutes=s.duration_min))
        for sid, s in sessions.items()
    }
    days = [_day_window(problem, d) for d in problem.days]

    def day_of(sid: str) -> int | None:
        a, b = span[sid]
        for i, (d0, d1) in enumerate(days):
            if d0 <= a and b <= d1:
                return i
        return None

    day = {sid: day_of(sid) for sid in sessions}
    for sid, d in day.items():
        if d is None:
            bad.append(f"session {sid} is not inside any programme day")

    tz = ZoneInfo(problem.timezone)
    for programme_day, (d0, _d1) in zip(problem.days, days, strict=True):
        for lo, hi in programme_day.breaks:
            b0 = datetime.combine(d0.astimezone(tz).date(), lo, tzinfo=tz)
            if b0 < d0:  # a break after local midnight of an overnight day
                b0 = datetime.combine(b0.date() + timedelta(days=1), lo, tzinfo=tz)
            b1 = datetime.combine(b0.date() + timedelta(days=0 if hi > lo else 1), hi, tzinfo=tz)
            for sid in sessions:
                if _overlap(*span[sid], b0, b1):
                    bad.append(f"session {sid} overlaps the break at {b0.isoformat()}")

    if problem.parallel_tracks is not None:
        edges = sorted(
            [(a, 1) for a, _ in span.values()] + [(b, -1) for _, b in span.values()],
            key=lambda edge: (edge[0], edge[1]),  # an end before a start at the same minute
        )
        running = peak = 0
        for _when, step in edges:
            running += step
            peak = max(peak, running)
        if peak > problem.parallel_tracks:
            bad.append(f"{peak} sessions run at once, more than {problem.parallel_tracks}")

    def required(s) -> set[str]:
        return set(s.people) | {pid for _channel, pid in s.interpreters}

    resources: dict[str, list[str]] = {}
    for s in problem.sessions:
        for p in required(s):
            resources.setdefault(f"person {p}", []).append(s.id)
        for g in s.groups:
            resources.setdefault(f"group {g}", []).append(s.id)
        if s.room:
            resources.setdefault(f"room {s.room}", []).append(s.id)
    for res, sids in resources.items():
        for i, x in enumerate(sids):
            for y in sids[i + 1 :]:
                if _overlap(*span[x], *span[y]):
                    bad.append(f"{res} is in {x} and {y} at once")

    groups = {g.id: g for g in problem.groups}
    for s in problem.sessions:
        for gid in s.groups:
            g = groups[gid]
            if not _inside_local(ZoneInfo(g.tz), *g.acceptable, *span[s.id]):
                bad.append(f"session {s.id} is outside acceptable hours of group {gid}")

    people = {p.id: p for p in problem.people}
    for s in problem.sessions:
        for pid in required(s):
            person = people.get(pid)
            if person is None or person.available is None:
                continue
            a, b = span[s.id]
            if not any(w.start <= a and b <= w.end for w in person.available):
                bad.append(f"session {s.id} is outside the availability of {pid}")

    for pin in problem.pins:
        if starts[pin.session] != pin.start:
            bad.append(f"session {pin.session} is not at its pinned start")

    for o in problem.orderings:
        a0, a1 = span[o.a]
        if o.kind == "first":
            for sid in sessions:
                if sid != o.a and span[sid][0] < a1:
                    bad.append(f"{o.a} is not before {sid}")
        elif o.kind == "last":
            for sid in sessions:
                if sid != o.a and span[sid][1] > a0:
                    bad.append(f"{o.a} is not after {sid}")
        elif o.kind == "after":
            if span[o.b][0] < a1 + timedelta(minutes=o.min_gap_min):
                bad.append(f"{o.b} does not come after {o.a}")
        elif o.kind == "same_day" and day[o.a] != day[o.b]:
            bad.append(f"{o.a} and {o.b} are not on the same day")

    for s in problem.sessions:
        if s.duration_min <= problem.pair_over_min:
            continue
        for channel in {c for c, _pid in s.interpreters}:
            if len({pid for c, pid in s.interpreters if c == channel}) < 2:
                bad.append(f"session {s.id} has a single interpreter on channel {channel}")

    for person in problem.people:
        lim = person.interpreter
        if lim is None:
            continue
        mine = sorted(
            (span[s.id] for s in problem.sessions if person.id in required(s)),
            key=lambda ab: ab[0],
        )
        if lim.max_daily_minutes is not None:
            per_day: dict[int | None, int] = {}
            for s in problem.sessions:
                if person.id in required(s):
                    per_day[day[s.id]] = per_day.get(day[s.id], 0) + s.duration_min
            for d, total in per_day.items():
                if total > lim.max_daily_minutes:
                    bad.append(f"interpreter {person.id} works {total} min on day {d}")
        if lim.max_continuous_minutes is not None:
            stretch = timedelta(0)
            previous_end = None
            for a, b in mine:
                pause = timedelta(minutes=lim.min_break_minutes)
                if previous_end is None or a - previous_end >= pause:
                    stretch = timedelta(0)
                stretch += b - a
                previous_end = b
                if stretch > timedelta(minutes=lim.max_continuous_minutes):
                    minutes = stretch // timedelta(minutes=1)
                    bad.append(
                        f"interpreter {person.id} interprets {minutes} min without a break "
                        f"until {b.isoformat()}"
                    )
    return bad


def figures(problem: Problem, starts: dict[str, datetime]) -> dict[str, tuple[int, int]]:
    """Per group: (minutes outside comfortable hours, weighted discomfort), minute by minute.

    A minute that is k minutes outside the comfortable window (k >= 1) costs 1 + (k - 1) // 60.
    """
    out = {}
    for g in problem.groups:
        tz = ZoneInfo(g.tz)
        lo, hi = g.comfortable
        minutes = weighted = 0
        for s in problem.sessions:
            if g.id not in s.groups:
                continue
            for k in range(s.duration_min):
                t = starts[s.id] + timedelta(minutes=k)
                local = t.astimezone(tz)
                dist = None
                for offset in (-1, 0, 1):
                    d = local.date() + timedelta(days=offset)
                    a = datetime.combine(d, lo, tzinfo=tz)
                    b = datetime.combine(d + timedelta(days=1 if hi <= lo else 0), hi, tzinfo=tz)
                    if a <= t < b:
                        dist = 0
                        break
                    here = (
                        (a - t) // timedelta(minutes=1)
                        if t < a
                        else ((t - b) // timedelta(minutes=1) + 1)
                    )
                    dist = here if dist is None else min(dist, here)
                if dist:
                    minutes += 1
                    weighted += 1 + (dist - 1) // 60
        out[g.id] = (minutes, weighted)
    return out
