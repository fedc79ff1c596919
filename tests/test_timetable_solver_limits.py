"""Timetable solver: breaks, interpreters' stretches and pairs, parallel tracks, lonely days,
structured reasons and progress reports."""

from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from seminarium.timetabling.check import check, figures
from seminarium.timetabling.solver import (
    REASON_TEXTS,
    Day,
    Group,
    Infeasible,
    InterpreterLimits,
    Person,
    Pin,
    Problem,
    SessionSpec,
    Solution,
    Window,
    solve,
)

SH = ZoneInfo("Asia/Shanghai")
D1 = date(2021, 8, 26)
D2 = date(2021, 8, 27)


def sh(d: date, h: int, m: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, h, m, tzinfo=SH)


def run(problem: Problem) -> Solution:
    result = solve(problem, time_limit_s=5, workers=2)
    assert isinstance(result, Solution), result
    assert check(problem, result.starts) == []
    for gid, (minutes, weighted) in figures(problem, result.starts).items():
        assert result.groups[gid].minutes_outside_comfort == minutes
        assert result.groups[gid].weighted_discomfort == weighted
    return result


def refuse(problem: Problem) -> Infeasible:
    result = solve(problem, time_limit_s=5, workers=2)
    assert isinstance(result, Infeasible), result
    assert [r.english for r in result.reasons] == result.explanation == result.messages
    return result


def codes(result: Infeasible) -> list[str]:
    return [r.code for r in result.reasons]


def comfortable(lo: int, hi: int, gid: str = "g") -> Group:
    return Group(gid, "Asia/Shanghai", comfortable=(time(lo), time(hi)))


def test_no_session_overlaps_a_break():
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1, breaks=((time(12), time(13)),))],
        [SessionSpec("a", 60, groups=("g",))],
        groups=[comfortable(12, 13)],
    )
    sol = run(problem)
    assert sol.starts["a"].astimezone(SH).time() in (time(11), time(13))
    assert check(problem, {"a": sh(D1, 12, 30)}) != []


def test_interpreter_needs_a_break_after_the_maximum_stretch():
    # Both talks want 09:00-11:00; back to back would be 120 min of interpreting without a break.
    zhao = Person(
        "zhao", interpreter=InterpreterLimits(max_continuous_minutes=90, min_break_minutes=30)
    )
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1)],
        [
            SessionSpec("a", 60, groups=("g",), people=("zhao",)),
            SessionSpec("b", 60, groups=("g",), people=("zhao",)),
        ],
        groups=[comfortable(9, 11)],
        people=[zhao],
    )
    sol = run(problem)
    first, second = sorted([(sol.starts[x], sol.ends[x]) for x in ("a", "b")])
    assert second[0] - first[1] >= timedelta(minutes=30)
    assert check(problem, {"a": sh(D1, 9), "b": sh(D1, 10)}) != []
    # A 15-minute pause is not a break: the stretch still counts as one.
    assert check(problem, {"a": sh(D1, 9), "b": sh(D1, 10, 15)}) != []
    assert check(problem, {"a": sh(D1, 9), "b": sh(D1, 10, 30)}) == []


def test_short_pauses_chain_sessions_into_one_stretch():
    zhao = Person("zhao", interpreter=InterpreterLimits(max_continuous_minutes=60))
    sessions = [SessionSpec(x, 30, groups=("g",), interpreters=(("ru", "zhao"),)) for x in "abc"]
    problem = Problem(
        "Asia/Shanghai", [Day(D1)], sessions, groups=[comfortable(9, 11)], people=[zhao]
    )
    sol = run(problem)
    spans = sorted((sol.starts[x], sol.ends[x]) for x in "abc")
    pauses = [b[0] - a[1] for a, b in pairwise(spans)]
    assert max(pauses) >= timedelta(minutes=30)


def test_long_session_needs_a_pair_on_each_channel():
    def problem(minutes, interpreters):
        return Problem(
            "Asia/Shanghai",
            [Day(D1)],
            [SessionSpec("a", minutes, title="Evidence", interpreters=interpreters)],
            people=[Person("zhao", name="Ms Zhao"), Person("qian", name="Mr Qian")],
        )

    alone = refuse(problem(90, (("ru", "zhao"), ("zh", "qian"), ("zh", "zhao"))))
    assert codes(alone) == ["pair_needed"]
    assert alone.reasons[0].params["channel"] == "ru"
    assert "Ms Zhao" in alone.explanation[0] and "Evidence" in alone.explanation[0]
    run(problem(40, (("ru", "zhao"),)))
    run(problem(90, (("ru", "zhao"), ("ru", "qian"))))
    solo = problem(90, (("ru", "zhao"),))
    assert check(solo, {"a": sh(D1, 9)}) == ["session a has a single interpreter on channel ru"]


def test_interpreters_are_required_people():
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1)],
        [
            SessionSpec("a", 40, groups=("g",), interpreters=(("ru", "zhao"),)),
            SessionSpec("b", 60, groups=("h",), people=("zhao",)),
        ],
        groups=[comfortable(9, 10), comfortable(9, 10, "h")],
        people=[Person("zhao", available=(Window(sh(D1, 9), sh(D1, 12)),))],
    )
    sol = run(problem)
    assert sol.ends["a"] <= sol.starts["b"] or sol.ends["b"] <= sol.starts["a"]
    assert all(sol.ends[x] <= sh(D1, 12) for x in "ab")


def test_parallel_tracks_limit_simultaneous_sessions():
    sessions = [SessionSpec(x, 60, groups=(f"g{x}",)) for x in "abc"]
    groups = [comfortable(9, 10, f"g{x}") for x in "abc"]
    problem = Problem("Asia/Shanghai", [Day(D1)], sessions, groups=groups, parallel_tracks=2)
    sol = run(problem)
    at_nine = [x for x in "abc" if sol.starts[x] == sh(D1, 9)]
    assert len(at_nine) == 2
    assert sorted(sol.tracks[x] for x in at_nine) == [1, 2]
    assert set(sol.tracks.values()) <= {1, 2}
    assert check(problem, dict.fromkeys("abc", sh(D1, 9))) == [
        "3 sessions run at once, more than 2"
    ]
    unlimited = run(Problem("Asia/Shanghai", [Day(D1)], sessions, groups=groups))
    assert {unlimited.starts[x] for x in "abc"} == {sh(D1, 9)}
    assert unlimited.tracks == {}


def test_no_lonely_session_on_a_day():
    # Spread alone is the same either way (60 + 60 or 120 min); stability alone would keep b
    # alone on day 2.
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1), Day(D2)],
        [SessionSpec("a", 60, people=("x",)), SessionSpec("b", 60, people=("x",))],
        current={"a": sh(D1, 9), "b": sh(D2, 9)},
    )
    sol = run(problem)
    assert sol.starts["a"].astimezone(SH).date() == sol.starts["b"].astimezone(SH).date()
    assert sol.moved == ["b"] or sol.moved == ["a"]


def test_progress_is_reported_level_by_level():
    seen = []
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1)],
        [SessionSpec("a", 60, groups=("g",)), SessionSpec("b", 60, groups=("g",))],
        groups=[comfortable(9, 10)],
        current={"a": sh(D1, 15)},
    )
    result = solve(problem, time_limit_s=5, on_progress=lambda f, p: seen.append((f, p)))
    assert isinstance(result, Solution)
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == 1
    phrases = [p for _, p in seen]
    assert "level 1 of 4: fairness" in phrases and "level 4 of 4: stability" in phrases


def test_infeasible_interpreter_stretch_is_named():
    zhao = Person("zhao", name="Ms Zhao", interpreter=InterpreterLimits(None, 90))
    pair = (("ru", "zhao"), ("ru", "qian"))
    sessions = [
        SessionSpec("a", 60, title="Opening", interpreters=pair),
        SessionSpec("b", 60, title="Evidence", interpreters=pair),
        SessionSpec("c", 60, title="Ethics"),
    ]
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1)],
        sessions,
        people=[zhao, Person("qian")],
        pins=[Pin("a", sh(D1, 9)), Pin("b", sh(D1, 10)), Pin("c", sh(D1, 9))],
    )
    result = refuse(problem)
    assert sorted(codes(result)) == ["day_bounds", "interpreter_continuous", "pinned", "pinned"]
    text = " ".join(result.explanation)
    assert "Ms Zhao may interpret at most 90 min without a break of at least 30 min" in text
    assert "Opening" in text and "Evidence" in text and "Ethics" not in text


def test_infeasible_track_limit_is_named():
    sessions = [SessionSpec(x, 60, title=f"Talk {x}") for x in "abc"]
    pins = [Pin("a", sh(D1, 9)), Pin("b", sh(D1, 9, 30)), Pin("c", sh(D1, 11))]
    problem = Problem("Asia/Shanghai", [Day(D1)], sessions, pins=pins, parallel_tracks=1)
    result = refuse(problem)
    assert sorted(codes(result)) == ["day_bounds", "pinned", "pinned", "tracks"]
    assert "At most 1 sessions can run at the same time." in result.explanation
    assert not any("Talk c" in line for line in result.explanation)


def test_reasons_carry_parameters_for_translation():
    problem = Problem(
        "Asia/Shanghai",
        [Day(D1, time(8), time(23))],
        [SessionSpec("open", 60, title="Opening ceremony", groups=("msk",))],
        groups=[Group("msk", "Europe/Moscow", name="Moscow")],
        pins=[Pin("open", sh(D1, 11))],
    )
    result = refuse(problem)
    by_code = {r.code: r.params for r in result.reasons}
    assert by_code["group_hours"] == {
        "session": "Opening ceremony",
        "minutes": "60",
        "group": "Moscow",
        "from": "07:00",
        "to": "22:00",
        "zone": "Europe/Moscow",
    }
    assert by_code["pinned"]["when_iso"] == sh(D1, 11).isoformat()
    for reason in result.reasons:
        assert all(isinstance(v, str) for v in reason.params.values())
        assert reason.code in REASON_TEXTS


def test_input_errors_are_reasons_too():
    problem = Problem("Mars/Olympus", [Day(D1)], [SessionSpec("a", 0)])
    result = refuse(problem)
    assert result.kind == "input"
    assert codes(result) == ["bad_duration", "unknown_zone"]


def test_berlin_autumn_dst_change():
    # Berlin leaves CEST on Sunday 31 October 2021: 09:00 local is 07:00 UTC before, 08:00 after.
    sat, mon = date(2021, 10, 30), date(2021, 11, 1)
    problem = Problem(
        "Asia/Shanghai",
        [Day(sat, time(13), time(20)), Day(mon, time(13), time(20))],
        [SessionSpec("a", 60, groups=("ber",)), SessionSpec("b", 60, groups=("ber",))],
        groups=[Group("ber", "Europe/Berlin", comfortable=(time(9), time(10)))],
        orderings=[],
        pins=[Pin("a", sh(sat, 15))],
    )
    sol = run(problem)
    assert sol.starts["b"] == datetime(2021, 11, 1, 8, 0, tzinfo=ZoneInfo("UTC"))
    assert sol.groups["ber"].minutes_outside_comfort == 0


def test_large_programme_path_gives_the_same_optimum(monkeypatch):
    # Above LARGE sessions a greedy timetable completed by CP-SAT is the hint and fallback.
    from seminarium.timetabling import solver

    problem = Problem(
        "Asia/Shanghai",
        [Day(D1), Day(D2)],
        [SessionSpec(x, 60, people=("x",), groups=("g",)) for x in "abcd"],
        groups=[comfortable(9, 11)],
        parallel_tracks=1,
    )
    usual = run(problem)
    monkeypatch.setattr(solver, "LARGE", 0)
    large = run(problem)
    assert large.objectives == usual.objectives
    assert large.groups["g"].minutes_outside_comfort == 0
