"""The benchmark's generators still build instances that solve and check (not timed)."""

import importlib.util
from datetime import timedelta
from pathlib import Path

from seminarium.timetabling.check import check
from seminarium.timetabling.instances import demo, seminar
from seminarium.timetabling.solver import Solution, solve

BENCH = Path(__file__).resolve().parents[1] / "bench" / "timetable.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_timetable", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_demo_seminar_solves_and_passes_the_checker():
    problem = demo()
    result = solve(problem, time_limit_s=20, workers=1)
    assert isinstance(result, Solution), result
    assert check(problem, result.starts) == []
    assert set(result.groups) == {"alm", "dyu", "tas", "msk"}
    # Almaty was UTC+6 in August 2021: an hour ahead of Tashkent.
    assert result.groups["alm"].earliest_local.utcoffset() == timedelta(hours=6)
    assert result.groups["tas"].earliest_local.utcoffset() == timedelta(hours=5)


def test_small_generated_seminar_solves_and_passes_the_checker():
    problem = seminar(12, 2, 14, tracks=2, seed=3)
    assert any(g.name == "Moscow 2" for g in problem.groups)
    result = solve(problem, time_limit_s=20, workers=1)
    assert isinstance(result, Solution), result
    assert check(problem, result.starts) == []
    assert set(result.tracks.values()) <= {1, 2}


def test_side_by_side_instance_and_checker():
    bench = load_bench()
    inst = bench.cs_instance(12, 20, seed=1)
    assert len(inst["slots"]) == 20 and len(inst["events"]) == 12
    out = bench.run_cpsat(inst, 10.0)
    assert out["status"] == "OPTIMAL"
    placed = [tuple(p) for p in out["placed"]]
    assert bench.verify(inst, placed) == []
    # two events of one speaker in one half hour: the checker sees it
    first, second = 0, next(e for e in range(1, 12) if inst["events"][e][0] == 30)
    inst["events"][second] = (30, 10, list(inst["events"][first][2]))
    same_time = [s for s, slot in enumerate(inst["slots"]) if slot[1] == inst["slots"][0][1]]
    clash = [(first, same_time[0]), (second, same_time[1])]
    assert any("at once" in line for line in bench.verify(inst, clash))
