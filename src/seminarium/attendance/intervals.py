"""Turning raw attendance events into attended intervals and rates. Pure Python, no Django.

Raw events come from provider webhooks, provider reports and the heartbeats our
embedded room page sends while a participant is in the room. The ledger is
append-only and may hold the same event more than once, in any order; every
function here gives exactly the same answer for any order of, and any number of
copies of, the same set of events.

Rules, in the order they are applied:

1. **De-duplication.** Each event carries a key: the provider's event id, or a
   SHA-256 of the canonical JSON of its payload when the provider gives none
   (see :func:`event_key`). Events with the same key are one event. Should two
   differing events ever share a key, the earliest (by the ordering of rule 2)
   is kept, so the choice does not depend on arrival order.
2. **Ordering.** Events are sorted by time; at the same instant a heartbeat
   comes before a leave and a leave before a join (so a reconnect reported as
   leave and join at one instant stays present), and the key breaks any
   remaining tie.
3. **Segments per device.** For each person, session and device:

   - a *join* opens a segment; a join while a segment is already open keeps
     the earlier start;
   - a *leave* closes the open segment at the leave; a leave with nothing open
     is ignored, since its start is unknown;
   - a *heartbeat* with nothing open opens a heartbeat-only segment; inside a
     heartbeat-only segment, two consecutive heartbeats more than ``grace``
     apart split it, the first part ending at the earlier heartbeat plus
     ``grace``. Inside a segment opened by a join, the provider's join and
     leave are authoritative and heartbeats only show the device was still
     there;
   - a segment still open after the last event closes at the room end when it
     is known and the segment was opened by a join; otherwise at the last sign
     of life (the join or the last heartbeat) plus ``grace``. A heartbeat-only
     segment always closes at its last heartbeat plus ``grace``, and a leave
     more than ``grace`` after its last heartbeat closes it there too;
   - nobody is in a room that has ended: every segment ends by the room end
     when it is known.

4. **Union.** Overlapping or touching segments of one person in one session,
   from any number of devices, are merged, so two devices never count twice.
5. **Clipping.** Everything is clipped to the scheduled time of the session;
   what is left empty is dropped.

Rates divide attended time by scheduled time: per session
(:func:`attendance_rate`) and per programme (:func:`programme_rate`, the sum of
attended time over the sum of scheduled time). A certificate needs a rate of at
least the threshold, 85 % by default (:func:`eligible`).
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

Kind = Literal["join", "leave", "heartbeat"]
Interval = tuple[datetime, datetime]
# An event as a plain tuple: (key, person, session, device, kind, at). Keys, people,
# sessions and devices may be any hashable values that order among their own kind.
Row = tuple[Any, Any, Any, Any, str, datetime]

DEFAULT_GRACE = timedelta(seconds=90)
DEFAULT_THRESHOLD = 0.85

# Same-instant order; see rule 2 of the module docstring.
_KIND_RANK = {"heartbeat": 0, "leave": 1, "join": 2}
_HEARTBEAT, _JOIN = _KIND_RANK["heartbeat"], _KIND_RANK["join"]


def _require_aware(name: str, value: datetime) -> None:
    # Naive datetimes compare wrongly (or not at all) against aware ones.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


@dataclass(frozen=True)
class Event:
    """One raw attendance event, as stored in the append-only ledger."""

    key: str
    person: str
    session: str
    device: str
    kind: Kind
    at: datetime

    def __post_init__(self) -> None:
        if self.kind not in _KIND_RANK:
            raise ValueError(f"unknown event kind {self.kind!r}")
        _require_aware("at", self.at)

    def _order(self) -> tuple:
        return (self.at, _KIND_RANK[self.kind], self.key, self.person, self.session, self.device)

    def as_row(self) -> "Row":
        return (self.key, self.person, self.session, self.device, self.kind, self.at)


@dataclass(frozen=True)
class Schedule:
    """The scheduled time of one session, start inclusive, end exclusive."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware("start", self.start)
        _require_aware("end", self.end)
        if self.end <= self.start:
            raise ValueError("a session must end after it starts")

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


def _json_default(value: Any) -> str:
    # Reports carry timestamps; anything else unknown must not hash by its repr,
    # which may hold a memory address and so differ between replays.
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot hash a {type(value).__name__} in an event payload")


def event_key(provider_event_id: str | None, payload: Mapping[str, Any]) -> str:
    """The de-duplication key of an event.

    The provider's event id when there is one; otherwise ``sha256:`` and the hex
    SHA-256 of the payload as canonical JSON (sorted keys, no whitespace), so a
    replayed report yields the same key. Callers taking ids from several
    providers should prefix them with the provider's name.
    """
    if provider_event_id:
        return provider_event_id
    canonical = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    )
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Sorted form of a row: rule 2's order, ready for tuple comparison.
_Ordered = tuple[datetime, int, Any, Any, Any, Any]


def _ordered(rows: Iterable[Row]) -> list[_Ordered]:
    """Rows checked, de-duplicated (rule 1) and sorted (rule 2)."""
    kept: dict[Any, _Ordered] = {}
    rank = _KIND_RANK
    for key, person, session, device, kind, at in rows:
        if kind not in rank:
            raise ValueError(f"unknown event kind {kind!r}")
        if at.tzinfo is None:
            _require_aware("at", at)
        ordered = (at, rank[kind], key, person, session, device)
        current = kept.get(key)
        # Keep the smallest, not the first seen, so arrival order cannot matter.
        if current is None or ordered < current:
            kept[key] = ordered
    return sorted(kept.values())


def _device_segments(
    events: Sequence[_Ordered], room_end: datetime | None, grace: timedelta
) -> list[Interval]:
    """Segments of one device, from its events in order (rule 3)."""
    segments: list[Interval] = []
    start: datetime | None = None
    joined = False
    last_seen: datetime | None = None

    def close(end: datetime) -> None:
        nonlocal start, joined, last_seen
        assert start is not None
        if room_end is not None:
            end = min(end, room_end)
        if end > start:
            segments.append((start, end))
        start, joined, last_seen = None, False, None

    for event in events:
        at, rank = event[0], event[1]
        if rank == _JOIN:
            if start is not None and not joined and at - last_seen > grace:
                # The heartbeats had already lapsed; the join starts afresh.
                close(last_seen + grace)
            if start is None:
                start = at
            joined = True
            last_seen = at  # events come in time order: the latest so far
        elif rank == _HEARTBEAT:
            if start is not None and not joined and at - last_seen > grace:
                close(last_seen + grace)
            if start is None:
                start, joined = at, False
            last_seen = at
        else:  # leave
            if start is None:
                continue
            if joined:
                close(at)
            else:
                close(min(at, last_seen + grace))

    if start is not None:
        if joined and room_end is not None:
            close(room_end)
        else:
            close(last_seen + grace)
    return segments


def union(segments: Iterable[Interval]) -> list[Interval]:
    """Merge overlapping or touching intervals into disjoint, sorted ones."""
    merged: list[Interval] = []
    for start, end in sorted(segments):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def clip(intervals: Iterable[Interval], schedule: Schedule) -> list[Interval]:
    """The parts of ``intervals`` inside the scheduled time, empty ones dropped."""
    clipped = []
    for start, end in intervals:
        start, end = max(start, schedule.start), min(end, schedule.end)
        if end > start:
            clipped.append((start, end))
    return clipped


def _per_session(value: Any, session: str, what: str) -> Any:
    if isinstance(value, Mapping):
        if session not in value:
            raise ValueError(f"no {what} given for session {session!r}")
        return value[session]
    return value


def attended_intervals(
    events: Iterable[Event],
    schedule: Schedule | Mapping[str, Schedule],
    room_end: datetime | Mapping[str, datetime | None] | None = None,
    grace: timedelta = DEFAULT_GRACE,
) -> dict[tuple[str, str], list[Interval]]:
    """Attended intervals per (person, session), following the rules of the module.

    ``schedule`` and ``room_end`` are either one value for every session in
    ``events`` or a mapping from session to value. Each list of intervals is
    sorted, disjoint and inside the schedule; people with nothing left after
    clipping are absent from the result.
    """
    return attended_intervals_of_rows(
        (event.as_row() for event in events), schedule, room_end, grace
    )


def attended_intervals_of_rows(
    rows: Iterable[Row],
    schedule: Schedule | Mapping[Any, Schedule],
    room_end: datetime | Mapping[Any, datetime | None] | None = None,
    grace: timedelta = DEFAULT_GRACE,
) -> dict[tuple[Any, Any], list[Interval]]:
    """:func:`attended_intervals` for events given as plain rows (see ``Row``).

    The same rules and result, without an object per event: callers reading
    millions of events from a database pass tuples straight through.
    """
    if grace < timedelta(0):
        raise ValueError("grace must not be negative")
    if isinstance(room_end, datetime):
        _require_aware("room_end", room_end)

    by_device: dict[tuple[Any, Any, Any], list[_Ordered]] = defaultdict(list)
    for event in _ordered(rows):
        by_device[(event[3], event[4], event[5])].append(event)

    segments: dict[tuple[Any, Any], list[Interval]] = defaultdict(list)
    for (person, session, _device), device_events in by_device.items():
        end = _per_session(room_end, session, "room end")
        segments[(person, session)].extend(_device_segments(device_events, end, grace))

    result: dict[tuple[Any, Any], list[Interval]] = {}
    for (person, session), found in sorted(segments.items()):
        intervals = clip(union(found), _per_session(schedule, session, "schedule"))
        if intervals:
            result[(person, session)] = intervals
    return result


def attended_time(intervals: Iterable[Interval]) -> timedelta:
    """Total length of disjoint intervals, exactly."""
    return sum((end - start for start, end in intervals), timedelta(0))


def minutes(intervals: Iterable[Interval]) -> float:
    """Total length of disjoint intervals in minutes."""
    return attended_time(intervals) / timedelta(minutes=1)


def attendance_rate(intervals: Iterable[Interval], schedule: Schedule) -> float:
    """Share of the scheduled time attended, in [0, 1].

    Intervals are clipped and unioned again here, so a caller's raw list cannot
    push the rate past 1.
    """
    attended = attended_time(clip(union(intervals), schedule))
    # timedelta / timedelta divides whole microseconds, correctly rounded: 51 of
    # 60 minutes is exactly the float 0.85.
    return attended / schedule.duration


def programme_rate(
    attended: Mapping[str, Iterable[Interval]], schedules: Mapping[str, Schedule]
) -> float:
    """One person's share of a programme: attended time over scheduled time, in [0, 1].

    ``schedules`` lists every session of the programme; a session missing from
    ``attended`` counts as not attended. Sessions are weighted by length, so a
    short session missed costs less than a long one. No sessions means 0.
    """
    scheduled = sum((schedule.duration for schedule in schedules.values()), timedelta(0))
    if not scheduled:
        return 0.0
    total = sum(
        (
            attended_time(clip(union(attended.get(session, ())), schedule))
            for session, schedule in schedules.items()
        ),
        timedelta(0),
    )
    return total / scheduled


def eligible(rate: float, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """Whether a rate earns a certificate: at least the threshold, inclusive."""
    if not 0 <= threshold <= 1:
        raise ValueError("the threshold is a share between 0 and 1")
    return rate >= threshold
