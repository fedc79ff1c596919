"""Timetable solver: each hard constraint, awkward time zones, infeasibility, random checks."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seminarium.timetabling.check import check, figures
from seminarium.timetabling.solver import (
    Day,
    Group,
    Infeasible,
    InterpreterLimits,
    Ordering,
    Person,
    Pin,
    Problem,
    SessionSpec,
    Solution,
    Window,
    solve,
)

SH = ZoneInfo("Asia/Shanghai")
D1 = date(2026, 3, 2)
D2 = date(2026, 3, 3)


def sh(d: date, h: int, m: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, h, m, tzinfo=SH)


def local(dt: datetime, tz: str = "Asia/Shanghai") -> datetime:
    return dt.astimezone(ZoneInfo(tz))


def run(problem: Problem) -> Solution:
    result = solve(problem, time_limit_s=5, workers=2)
    assert isinstance(result, Solution), result
    assert check(problem, result.starts) == []
    mine = figures(problem, result.starts)
    for gid, (minutes, weighted) in mine.items():
        assert result.groups[gid].minutes_outside_comfort == minutes
        assert result.groups[gid].weighted_discomfort == weighted
    return result


def early_group(gid="early") -> Group:
    # Comfortable only 09:00-10:00 Shanghai: everybody wants that hour.
    return Group(gid, "Asia/Shanghai", comfortable=(time(9), time(10)))


def late_group(gid="late") -> Group:
    return Group(gid, "Asia/Shanghai", comfortable=(time(16), time(17)))


def overlaps(sol: Solution, a: str, b: str) -> bool:
    return sol.starts[a] < sol.ends[b] and sol.starts[b] < sol.ends[a]


# --------------------------------------------------------------- hard constraints


def test_person_cannot_be_in_two_sessions():
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1)],
        [
            SessionSpec("a", 60, people=("wang",), groups=("g1",)),
            SessionSpec("b", 60, people=("wang",), groups=("g2",)),
        ],
        groups=[early_group("g1"), early_group("g2")],
    )
    sol = run(problem)
    assert not overlaps(sol, "a", "b")
    assert check(problem, {"a": sol.starts["a"], "b": sol.starts["a"]}) != []


def test_audience_group_cannot_attend_two_sessions():
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1)],
        [SessionSpec("a", 60, groups=("g",)), SessionSpec("b", 60, groups=("g",))],
        groups=[early_group("g")],
    )
    sol = run(problem)
    assert not overlaps(sol, "a", "b")
    assert sol.groups["g"].minutes_outside_comfort == 60


def test_room_is_not_double_booked():
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1)],
        [
            SessionSpec("a", 60, groups=("g1",), room="hall"),
            SessionSpec("b", 60, groups=("g2",), room="hall"),
        ],
        groups=[early_group("g1"), early_group("g2")],
    )
    sol = run(problem)
    assert not overlaps(sol, "a", "b")
    assert check(problem, {"a": sol.starts["a"], "b": sol.starts["a"]}) == [
        "room hall is in a and b at once"
    ]


def test_group_acceptable_hours_are_hard():
    # Kamchatka (+12) is comfortable until 14:00 Shanghai; Shanghai accepts only from 15:00.
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1, time(6), time(23))],
        [SessionSpec("a", 60, groups=("kam", "sha"))],
        groups=[
            Group("kam", "Asia/Kamchatka"),
            Group("sha", "Asia/Shanghai", acceptable=(time(15), time(22))),
        ],
    )
    sol = run(problem)
    assert local(sol.starts["a"]).time() >= time(15)
    assert sol.groups["kam"].minutes_outside_comfort == 60


def test_speaker_availability():
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1)],
        [SessionSpec("a", 60, people=("li",), groups=("g",))],
        groups=[early_group("g")],
        people=[Person("li", available=(Window(sh(D1, 14), sh(D1, 15, 30)),))],
    )
    sol = run(problem)
    assert local(sol.starts["a"]).time() in (time(14), time(14, 15), time(14, 30))


def test_pin_holds_even_when_uncomfortable():
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1)],
        [SessionSpec("a", 60, groups=("g",))],
        groups=[early_group("g")],
        pins=[Pin("a", sh(D1, 16))],
    )
    sol = run(problem)
    assert sol.starts["a"] == sh(D1, 16)


def test_first_and_last():
    sessions = [
        SessionSpec("open", 30, groups=("late",)),
        SessionSpec("talk", 60, groups=("early",)),
        SessionSpec("close", 30, groups=("early2",)),
    ]
    groups = [late_group(), early_group(), early_group("early2")]
    orderings = [Ordering("first", "open"), Ordering("last", "close")]
    problem = Problem("Asia/Shanghai", [Day(D1)], sessions, groups=groups, orderings=orderings)
    sol = run(problem)
    assert sol.ends["open"] <= sol.starts["talk"] <= sol.ends["talk"] <= sol.starts["close"]


def test_b_after_a_with_gap():
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1)],
        [SessionSpec("a", 60, groups=("late",)), SessionSpec("b", 60, groups=("early",))],
        groups=[late_group(), early_group()],
        orderings=[Ordering("after", "a", "b", min_gap_min=30)],
    )
    sol = run(problem)
    assert sol.starts["b"] >= sol.ends["a"] + timedelta(minutes=30)


def test_same_day():
    # Without the rule b goes to day 2, the only day with its comfortable hour 06:00-07:00.
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1), Day(D2, time(6), time(18))],
        [
            SessionSpec("a", 60, people=("li",)),
            SessionSpec("b", 60, groups=("early",)),
        ],
        groups=[
            Group(
                "early",
                "Asia/Shanghai",
                acceptable=(time(6), time(22)),
                comfortable=(time(6), time(7)),
            )
        ],
        people=[Person("li", available=(Window(sh(D1, 14), sh(D1, 15)),))],
        orderings=[Ordering("same_day", "a", "b")],
    )
    sol = run(problem)
    assert local(sol.starts["a"]).date() == local(sol.starts["b"]).date() == D1
    without = run(
        Problem(problem.timezone, problem.days, problem.sessions, problem.groups, problem.people)
    )
    assert local(without.starts["b"]).date() == D2


def test_interpreter_daily_maximum():
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1), Day(D2)],
        [
            SessionSpec("a", 60, people=("zhao",)),
            SessionSpec("b", 60, people=("zhao",)),
        ],
        people=[Person("zhao", interpreter=InterpreterLimits(max_daily_minutes=60))],
        current={"a": sh(D1, 9), "b": sh(D1, 10)},
    )
    sol = run(problem)
    assert local(sol.starts["a"]).date() != local(sol.starts["b"]).date()
    assert len(sol.moved) == 1
    bad = check(problem, {"a": sh(D1, 9), "b": sh(D1, 10)})
    assert bad == ["interpreter zhao works 120 min on day 0"]


def test_stability_keeps_current_timetable():
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1), Day(D2)],
        [SessionSpec("a", 60, people=("x",)), SessionSpec("b", 60, people=("x",))],
        current={"a": sh(D2, 11), "b": sh(D2, 12)},
    )
    sol = run(problem)
    assert sol.moved == []
    assert sol.optimal and sol.gap == 0


# --------------------------------------------------------------- time zones


@pytest.mark.parametrize(("year", "outside"), [(2021, 0), (2025, 60)])
def test_almaty_historical_offset(year, outside):
    # Almaty was UTC+6 until March 2024, UTC+5 afterwards.
    day = date(year, 3, 1)
    problem = Problem(
        "Asia/Shanghai",
        [Day(day, time(8), time(12))],
        [SessionSpec("a", 60, groups=("alm",))],
        groups=[Group("alm", "Asia/Almaty")],
    )
    sol = run(problem)
    assert sol.starts["a"] == datetime(year, 3, 1, 3, 0, tzinfo=UTC)
    assert sol.groups["alm"].minutes_outside_comfort == outside
    expected = time(9) if year == 2021 else time(8)
    assert sol.groups["alm"].earliest_local.time() == expected


def test_half_hour_zone_kolkata():
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1)],
        [SessionSpec("a", 60, groups=("del",))],
        groups=[Group("del", "Asia/Kolkata", comfortable=(time(9), time(10)))],
    )
    sol = run(problem)
    assert sol.starts["a"] == datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
    assert sol.groups["del"].minutes_outside_comfort == 0
    assert sol.groups["del"].earliest_local.time() == time(9)


def test_berlin_dst_change_inside_programme():
    # Berlin moves to CEST on Sunday 29 March 2026; 09:00 local is 08:00 UTC before, 07:00 after.
    sat, mon = date(2026, 3, 28), date(2026, 3, 30)
    problem = Problem(
        "Asia/Shanghai",
        [Day(sat, time(13), time(20)), Day(mon, time(13), time(20))],
        [SessionSpec("a", 60, groups=("ber",)), SessionSpec("b", 60, groups=("ber",))],
        groups=[Group("ber", "Europe/Berlin", comfortable=(time(9), time(10)))],
        orderings=[Ordering("after", "a", "b")],
    )
    sol = run(problem)
    assert sol.starts["a"] == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
    assert sol.starts["b"] == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    assert sol.groups["ber"].minutes_outside_comfort == 0
    assert sol.groups["ber"].latest_local.time() == time(10)


# --------------------------------------------------------------- infeasibility


def test_infeasible_pin_against_moscow_hours_is_explained():
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1, time(8), time(23)), Day(D2, time(8), time(23))],
        [
            SessionSpec("open", 60, title="Opening ceremony", groups=("msk", "dush")),
            SessionSpec("talk", 90, title="Judicial ethics", people=("wang",), groups=("dush",)),
            SessionSpec("close", 30, title="Closing", groups=("msk",)),
        ],
        groups=[
            Group("msk", "Europe/Moscow", name="Moscow"),
            Group("dush", "Asia/Dushanbe", name="Dushanbe"),
        ],
        people=[Person("wang", name="Prof. Wang")],
        orderings=[Ordering("first", "open"), Ordering("last", "close")],
        pins=[Pin("open", sh(D1, 11))],  # 08:00 in Dushanbe, 06:00 in Moscow
    )
    result = solve(problem, time_limit_s=5)
    assert isinstance(result, Infeasible)
    assert result.proven
    text = " ".join(result.explanation)
    assert "pinned" in text and "Opening ceremony" in text
    assert "Moscow" in text and "07:00–22:00" in text and "Europe/Moscow" in text
    assert "Judicial ethics" not in text and "Prof. Wang" not in text
    assert "Dushanbe" not in text


def test_infeasible_speaker_availability_against_kamchatka():
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1, time(6), time(23))],
        [SessionSpec("a", 60, title="Evidence", people=("li",), groups=("kam", "msk"))],
        groups=[Group("kam", "Asia/Kamchatka", name="Kamchatka"), Group("msk", "Europe/Moscow")],
        people=[Person("li", name="Judge Li", available=(Window(sh(D1, 20), sh(D1, 22)),))],
    )
    result = solve(problem, time_limit_s=5)
    assert isinstance(result, Infeasible)
    text = " ".join(result.explanation)
    assert "Judge Li" in text and "Kamchatka" in text and "Evidence" in text
    assert "Europe/Moscow" not in text


@pytest.mark.parametrize("conflict", ["cycle", "interpreter"])
def test_infeasible_ordering_cycle_or_interpreter_limit(conflict):
    limit = 90 if conflict == "interpreter" else 120
    orderings = [Ordering("after", "a", "c"), Ordering("after", "c", "a")]
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1)],
        [
            SessionSpec("a", 60, people=("ip",)),
            SessionSpec("b", 60, people=("ip",)),
            SessionSpec("c", 60),
        ],
        people=[Person("ip", name="Ms Zhao", interpreter=InterpreterLimits(limit))],
        orderings=orderings if conflict == "cycle" else [Ordering("after", "a", "b")],
    )
    result = solve(problem, time_limit_s=5)
    assert isinstance(result, Infeasible)
    text = " ".join(result.explanation[:-1])  # the last line is the programme-day context
    if conflict == "cycle":
        assert len(result.explanation) == 3
        assert text.count("must come after") == 2 and "Ms Zhao" not in text
    else:
        assert len(result.explanation) == 2
        assert "Ms Zhao may work at most 90 min per day" in text


def test_bad_input_is_reported_not_raised():
    problem = Problem("Asia/Shanghai", [Day(D1)], [SessionSpec("a", 60, groups=("nobody",))])
    result = solve(problem)
    assert isinstance(result, Infeasible)
    assert "unknown audience group" in result.explanation[0]


# --------------------------------------------------------------- property

ZONES = ["Asia/Shanghai", "Asia/Almaty", "Europe/Moscow", "Asia/Kolkata", "Asia/Vladivostok"]


@st.composite
def problems(draw):
    n_days = draw(st.integers(1, 2))
    pause = draw(st.sampled_from([(), ((time(12), time(13)),)]))
    days = [Day(D1 + timedelta(days=i), time(8), time(20), pause) for i in range(n_days)]
    groups = [
        Group(f"g{i}", z)
        for i, z in enumerate(draw(st.lists(st.sampled_from(ZONES), min_size=1, max_size=3)))
    ]
    people = []
    for i in range(3):
        avail = None
        if draw(st.booleans()):
            d = days[draw(st.integers(0, n_days - 1))].date
            h = draw(st.integers(8, 16))
            avail = (Window(sh(d, h), sh(d, h + draw(st.integers(1, 4)))),)
        limits = InterpreterLimits(
            draw(st.sampled_from([None, 60, 120])),
            draw(st.sampled_from([None, 60, 90])),
            draw(st.sampled_from([15, 30])),
        )
        people.append(Person(f"p{i}", available=avail, interpreter=limits))
    n = draw(st.integers(2, 5))
    sessions = []
    for i in range(n):
        minutes = draw(st.sampled_from([30, 45, 60, 90]))
        # mostly well-formed interpreting (a pair past 40 min); sometimes a lone interpreter
        lone = (("en", "p2"),) if minutes <= 40 or draw(st.integers(0, 4)) == 0 else ()
        sessions.append(
            SessionSpec(
                f"s{i}",
                minutes,
                people=tuple(draw(st.sets(st.sampled_from([p.id for p in people]), max_size=2))),
                groups=tuple(draw(st.sets(st.sampled_from([g.id for g in groups]), max_size=2))),
                room=draw(st.sampled_from([None, "r1"])),
                interpreters=draw(st.sampled_from([(), (("ru", "p1"), ("ru", "p2")), lone])),
            )
        )
    ids = [s.id for s in sessions]
    orderings = []
    if draw(st.booleans()):
        a, b = draw(st.permutations(ids))[:2]
        kind = draw(st.sampled_from(["first", "last", "after", "same_day"]))
        orderings.append(Ordering(kind, a, b))
    pins = []
    if draw(st.booleans()):
        pins.append(Pin(ids[0], sh(days[0].date, draw(st.integers(8, 17)))))
    tracks = draw(st.sampled_from([None, 1, 2]))
    return Problem(
        "Asia/Shanghai",
        days,
        sessions,
        groups,
        people,
        orderings,
        pins,
        slot_min=30,
        parallel_tracks=tracks,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_solution_passes_the_independent_checker(problem):
    result = solve(problem, time_limit_s=2, workers=1)
    if isinstance(result, Solution):
        assert check(problem, result.starts) == []
        mine = figures(problem, result.starts)
        for gid, (minutes, weighted) in mine.items():
            assert result.groups[gid].minutes_outside_comfort == minutes
            assert result.groups[gid].weighted_discomfort == weighted
    else:
        assert result.explanation == [r.english for r in result.reasons]
        assert all(isinstance(line, str) and line for line in result.explanation)
