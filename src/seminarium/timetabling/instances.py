"""Seeded timetable instances for tests and the benchmark (pure: no Django).

``demo()`` is the model case: the SCO Judges Seminar, hosted in Shanghai, 26-28 August 2021, for
judges in Almaty (UTC+6 then), Dushanbe, Tashkent (UTC+5) and Moscow (UTC+3), lecturers in
Beijing and Chinese-Russian interpreters in pairs. ``seminar(n_sessions, n_days, n_groups,
tracks, seed)`` makes larger, always-feasible seminars of the same shape: groups from UTC+3 to
UTC+12, lecturers with a few available days, an interpreting pair on a share of the sessions.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .solver import (
    Day,
    Group,
    InterpreterLimits,
    Ordering,
    Person,
    Problem,
    SessionSpec,
    Window,
)

HOST_ZONE = "Asia/Shanghai"
INTERPRETING = InterpreterLimits(
    max_daily_minutes=240, max_continuous_minutes=120, min_break_minutes=30
)

# Zones of the groups, in the order the generator takes them (Moscow and Kamchatka early: the
# pair shares no comfortable hour at all).
ZONES = [
    ("msk", "Europe/Moscow", "Moscow"),
    ("alm", "Asia/Almaty", "Almaty"),
    ("kam", "Asia/Kamchatka", "Kamchatka"),
    ("dyu", "Asia/Dushanbe", "Dushanbe"),
    ("tas", "Asia/Tashkent", "Tashkent"),
    ("vvo", "Asia/Vladivostok", "Vladivostok"),
    ("fru", "Asia/Bishkek", "Bishkek"),
    ("msq", "Europe/Minsk", "Minsk"),
    ("del", "Asia/Kolkata", "New Delhi"),
    ("isb", "Asia/Karachi", "Islamabad"),
    ("uln", "Asia/Ulaanbaatar", "Ulaanbaatar"),
    ("sha", "Asia/Shanghai", "Shanghai"),
]


def demo() -> Problem:
    """The SCO Judges Seminar: 12 sessions over three days, four delegations."""
    tz = ZoneInfo(HOST_ZONE)
    days = [Day(date(2021, 8, 26 + i), time(9), time(22)) for i in range(3)]
    groups = [
        Group("alm", "Asia/Almaty", "Almaty"),
        Group("dyu", "Asia/Dushanbe", "Dushanbe"),
        Group("tas", "Asia/Tashkent", "Tashkent"),
        Group("msk", "Europe/Moscow", "Moscow"),
    ]
    everyone = tuple(g.id for g in groups)
    lecturers = [
        Person(
            f"lecturer{i}",
            f"Lecturer {i}",
            available=tuple(
                Window(
                    datetime.combine(d.date, time(9), tzinfo=tz),
                    datetime.combine(d.date, time(18), tzinfo=tz),
                )
                for d in days
            ),
        )
        for i in range(1, 6)
    ]
    interpreters = [Person(f"ip{i}", f"Interpreter {i}", interpreter=INTERPRETING) for i in "ABCD"]
    pairs = [(("ru", "ipA"), ("ru", "ipB")), (("ru", "ipC"), ("ru", "ipD"))]
    sessions = [
        SessionSpec(
            "opening", 60, "Opening ceremony", ("lecturer1",), everyone, "ceremony", None, pairs[0]
        )
    ]
    for i in range(10):
        sessions.append(
            SessionSpec(
                f"lecture{i + 1}",
                90 if i % 3 else 60,
                f"Lecture {i + 1}",
                (f"lecturer{i % 5 + 1}",),
                everyone,
                interpreters=pairs[i % 2],
            )
        )
    sessions.append(
        SessionSpec("closing", 60, "Closing ceremony", (), everyone, "ceremony", None, pairs[1])
    )
    return Problem(
        HOST_ZONE,
        days,
        sessions,
        groups,
        lecturers + interpreters,
        [Ordering("first", "opening"), Ordering("last", "closing")],
    )


def seminar(
    n_sessions: int,
    n_days: int,
    n_groups: int,
    tracks: int | None = None,
    seed: int = 1,
    interpreted_share: float = 0.3,
) -> Problem:
    """A larger seminar. Every session's audience is one to three groups whose acceptable hours
    overlap for at least three hours, so that each session alone has a place; loads are kept
    below what the days can hold so that the instance is feasible."""
    rnd = random.Random(seed)  # noqa: S311 - invented instances, not secrets
    tz = ZoneInfo(HOST_ZONE)
    first = date(2025, 9, 1)
    days = [Day(first + timedelta(days=i), time(7), time(23)) for i in range(n_days)]
    # beyond 12 groups, cohorts: "Moscow 2" is a second group in Moscow's zone
    groups = [
        Group(
            gid if i < len(ZONES) else f"{gid}{i // len(ZONES) + 1}",
            zone,
            name if i < len(ZONES) else f"{name} {i // len(ZONES) + 1}",
        )
        for i, (gid, zone, name) in ((i, ZONES[i % len(ZONES)]) for i in range(n_groups))
    ]
    offsets = {
        g.id: ZoneInfo(g.tz).utcoffset(datetime(2025, 9, 1)).total_seconds() / 3600 for g in groups
    }
    n_lecturers = max(3, n_sessions // 4)
    lecturers = []
    for i in range(n_lecturers):
        free_days = rnd.sample(days, k=max(1, (n_days * 2) // 3))
        lecturers.append(
            Person(
                f"lecturer{i}",
                f"Lecturer {i}",
                available=tuple(
                    Window(
                        datetime.combine(d.date, time(7), tzinfo=tz),
                        datetime.combine(d.date, time(23), tzinfo=tz),
                    )
                    for d in sorted(free_days, key=lambda d: d.date)
                ),
            )
        )
    # a pair takes about two sessions a day, well inside its daily maximum
    n_pairs = max(1, math.ceil(n_sessions * interpreted_share / (2 * n_days)))
    interpreters = [
        Person(f"ip{i}", f"Interpreter {i}", interpreter=INTERPRETING) for i in range(2 * n_pairs)
    ]
    sessions = []
    for i in range(n_sessions):
        audience = [rnd.choice(groups).id]
        for _ in range(rnd.choice([0, 1, 1, 2])):
            other = rnd.choice(groups).id
            # acceptable 07:00-22:00 everywhere: a spread of 12 h leaves 3 h in common
            if all(abs(offsets[other] - offsets[g]) <= 9 for g in audience):
                audience.append(other)
        pair = ()
        if rnd.random() < interpreted_share:
            k = rnd.randrange(n_pairs)
            pair = (("ru", f"ip{2 * k}"), ("ru", f"ip{2 * k + 1}"))
        sessions.append(
            SessionSpec(
                f"s{i}",
                rnd.choice([45, 60, 60, 90]),
                f"Session {i}",
                (f"lecturer{rnd.randrange(n_lecturers)}",),
                tuple(dict.fromkeys(audience)),
                interpreters=pair,
            )
        )
    return Problem(
        HOST_ZONE,
        days,
        sessions,
        groups,
        lecturers + interpreters,
        slot_min=30 if n_sessions > 200 else 15,
        parallel_tracks=tracks,
    )
