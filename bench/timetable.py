"""Timetable solver: seminar instances, and side by side with conference_scheduler.

    .venv/bin/python bench/timetable.py [--quick] [--part all|seminars|side-by-side]
                                        [--time-limit S] [--seed N]

Seminar instances (seminarium.timetabling.instances, seeded): the demo seminar (the SCO model
case), 100 sessions over 7 days for 12 groups, 1,000 sessions over 10 days for 36 groups (three
cohorts per zone) on 12 parallel tracks.
For each: solve time, proven optimal or the gap, worst-off and total discomfort, and the
violations the independent checker (seminarium.timetabling.check) finds.

Side by side: the events x slots family of conference_scheduler 3.0.1 (PyCon UK's PuLP ILP, run
with PuLP's bundled CBC), generated here with a seed at 60 x 100, 120 x 200 and 240 x 400, its
objective ``efficiency_capacity_demand_difference`` and its constraints (every event once, one
event per slot, the event fits the slot, events sharing a tag never concurrent). Every event gets
a dummy unavailability, or conference_scheduler skips the clash constraints. Slots lie on an
aligned grid (a venue's hour holds one 60-minute or two 30-minute slots) so that every pair of
overlapping slots is nested: conference_scheduler ignores partial overlaps, and on this family
that changes nothing. Three solvers, same time limit:
  * conference_scheduler with its defaults (scheduler.solution, CBC through PuLP);
  * "compact CBC": the same problem with variables only for allowed (event, slot) pairs and one
    at-most-one per (tag, half hour), in PuLP and CBC;
  * ours, in CP-SAT: slots of the same start and length differ only in capacity, so the model
    picks a time position per event and which slots of each position are used, which removes
    the venues' symmetry (see run_cpsat); one worker, linearization level 2, no probing in
    presolve, and a greedy hint.
Every timetable, whoever made it, goes through the independent checker (converted to a
``Problem``: tags as people, venues as rooms) plus a count of unplaced or misfitted events.

Each solve runs in a subprocess of its own; it reports its own peak RSS and that of its
children (CBC runs as a child process of PuLP), and "peak memory" is their sum. Prints a table,
then one JSON line.
"""

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from seminarium.timetabling import instances  # noqa: E402
from seminarium.timetabling.check import check  # noqa: E402
from seminarium.timetabling.solver import Day, Problem, SessionSpec, Solution, solve  # noqa: E402

SEMINARS = {
    "demo": (instances.demo, 10.0),
    "100 sessions, 7 days, 12 groups": (
        lambda seed: instances.seminar(100, 7, 12, None, seed),
        60.0,
    ),
    "1,000 sessions, 10 days, 36 groups, 12 tracks": (
        lambda seed: instances.seminar(1000, 10, 36, 12, seed),
        60.0,
    ),
}
SIZES = [(60, 100), (120, 200), (240, 400)]
SOLVERS = ["conference_scheduler", "compact CBC", "CP-SAT"]
GRID_START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
PERIODS_PER_DAY = 10  # 08:00-18:00
CPSAT_OVERRIDES: dict = {}  # for experiments: CpSolver parameters of the side-by-side runs


# --- the conference_scheduler family -------------------------------------------------------


def cs_instance(n_events: int, n_slots: int, seed: int) -> dict:
    """Slots: (venue, start minute, duration, capacity); events: (duration, demand, tags)."""
    rnd = random.Random(seed)
    n_venues = max(2, n_slots // 25)
    capacity = [rnd.randrange(50, 501, 10) for _ in range(n_venues)]
    slots = []
    period = 0
    while len(slots) < n_slots:
        day, hour = divmod(period, PERIODS_PER_DAY)
        base = day * 1440 + hour * 60
        for v in range(n_venues):
            if rnd.random() < 0.25:
                slots += [(v, base, 30, capacity[v]), (v, base + 30, 30, capacity[v])]
            else:
                slots.append((v, base, 60, capacity[v]))
        period += 1
    slots = slots[:n_slots]
    n_speakers, n_themes = max(1, n_events // 3), max(1, n_events // 10)
    events = []
    for _ in range(n_events):
        tags = [f"speaker{rnd.randrange(n_speakers)}"]
        if rnd.random() < 0.3:
            tags.append(f"theme{rnd.randrange(n_themes)}")
        events.append((60 if rnd.random() < 1 / 3 else 30, rnd.randrange(10, 501), tags))
    return {"slots": slots, "events": events}


def allowed(inst: dict) -> list[tuple[int, int]]:
    return [
        (e, s)
        for e, (duration, _, _) in enumerate(inst["events"])
        for s, slot in enumerate(inst["slots"])
        if duration <= slot[2]
    ]


def cost(inst: dict, e: int, s: int) -> int:
    return inst["events"][e][1] - inst["slots"][s][3]


def clash_cliques(inst: dict) -> list[list[tuple[int, int]]]:
    """One at-most-one per (tag, half hour): the allowed pairs of the tag's events whose slot
    covers that half hour."""
    by_tag: dict[str, list[int]] = {}
    for e, (_, _, tags) in enumerate(inst["events"]):
        for tag in tags:
            by_tag.setdefault(tag, []).append(e)
    pairs = allowed(inst)
    cliques = []
    for members in by_tag.values():
        if len(members) < 2:
            continue
        chosen = set(members)
        units: dict[int, list[tuple[int, int]]] = {}
        for e, s in pairs:
            if e in chosen:
                _, start, duration, _ = inst["slots"][s]
                for unit in range(start // 30, (start + duration) // 30):
                    units.setdefault(unit, []).append((e, s))
        cliques += [c for c in units.values() if len({e for e, _ in c}) > 1]
    return cliques


def verify(inst: dict, placed: list[tuple[int, int]]) -> list[str]:
    """Violations of a conference_scheduler timetable: counts checked here, overlaps by the
    independent checker (tags as people, venues as rooms, a session as long as its slot)."""
    bad = []
    seen: dict[int, int] = {}
    for e, s in placed:
        seen[e] = seen.get(e, 0) + 1
        if inst["events"][e][0] > inst["slots"][s][2]:
            bad.append(f"event {e} is longer than slot {s}")
    bad += [f"event {e} placed {n} times" for e, n in seen.items() if n != 1]
    bad += [f"event {e} not placed" for e in range(len(inst["events"])) if e not in seen]
    last_day = max(start for _, start, _, _ in inst["slots"]) // 1440
    problem = Problem(
        "UTC",
        [
            Day(GRID_START.date() + timedelta(days=d), dtime(0), dtime(23, 59))
            for d in range(last_day + 1)
        ],
        [
            SessionSpec(
                f"e{e}",
                inst["slots"][s][2],
                people=tuple(f"tag {t}" for t in inst["events"][e][2]),
                room=f"venue {inst['slots'][s][0]}/slot {s}",
            )
            for e, s in placed
            if seen[e] == 1
        ],
    )
    starts = {
        f"e{e}": GRID_START + timedelta(minutes=inst["slots"][s][1])
        for e, s in placed
        if seen[e] == 1
    }
    return bad + check(problem, starts)


def greedy(inst: dict) -> list[tuple[int, int]]:
    """Largest venues first, longest events first: a hint, not necessarily feasible."""
    order = sorted(range(len(inst["slots"])), key=lambda s: -inst["slots"][s][3])
    used: set[int] = set()
    busy: set[tuple[str, int]] = set()
    placed = []
    for e in sorted(range(len(inst["events"])), key=lambda e: -inst["events"][e][0]):
        duration, _, tags = inst["events"][e]
        for s in order:
            _, start, length, _ = inst["slots"][s]
            units = range(start // 30, (start + length) // 30)
            if s in used or duration > length or any((t, u) in busy for t in tags for u in units):
                continue
            used.add(s)
            busy.update((t, u) for t in tags for u in units)
            placed.append((e, s))
            break
    return placed


def run_conference_scheduler(inst: dict, limit: float) -> dict:
    import pulp
    from conference_scheduler import scheduler
    from conference_scheduler.lp_problem import objective_functions
    from conference_scheduler.resources import Event, Slot

    def when(minute: int) -> datetime:
        return (GRID_START + timedelta(minutes=minute)).replace(tzinfo=None)

    slots = [
        Slot(f"venue {v}", when(start), duration, cap, f"day {start // 1440}")
        for v, start, duration, cap in inst["slots"]
    ]
    dummy = Slot("nowhere", datetime(1900, 1, 1), 1, 0, "never")  # switches clashes on
    events = [
        Event(f"event {e}", duration, demand, tags=list(tags), unavailability=[dummy])
        for e, (duration, demand, tags) in enumerate(inst["events"])
    ]
    seen = {}
    original = pulp.LpProblem.solve

    def solve_and_note(self, *args, **kwargs):
        t = time.perf_counter()
        status = original(self, *args, **kwargs)
        seen.update(
            solve_s=time.perf_counter() - t,
            rows=len(self.constraints),
            columns=len(self.variables()),
            status=pulp.LpStatus[status],
            solution_status=pulp.LpSolution[self.sol_status],
        )
        return status

    pulp.LpProblem.solve = solve_and_note
    started = time.perf_counter()
    try:
        placed = scheduler.solution(
            events,
            slots,
            objective_function=objective_functions.efficiency_capacity_demand_difference,
            solver=pulp.PULP_CBC_CMD(msg=False, timeLimit=limit),
        )
    except ValueError:
        placed = []
    total = time.perf_counter() - started
    return {
        **seen,
        "seconds": total,
        "build_s": total - seen.get("solve_s", 0),
        "placed": [list(p) for p in placed],
    }


def run_compact_cbc(inst: dict, limit: float) -> dict:
    import pulp

    started = time.perf_counter()
    pairs = allowed(inst)
    x = {p: pulp.LpVariable(f"x_{p[0]}_{p[1]}", cat=pulp.LpBinary) for p in pairs}
    prob = pulp.LpProblem("compact", pulp.LpMinimize)
    prob += pulp.lpSum(cost(inst, e, s) * v for (e, s), v in x.items())
    by_event: dict[int, list] = {}
    by_slot: dict[int, list] = {}
    for (e, s), v in x.items():
        by_event.setdefault(e, []).append(v)
        by_slot.setdefault(s, []).append(v)
    for vs in by_event.values():
        prob += pulp.lpSum(vs) == 1
    for vs in by_slot.values():
        if len(vs) > 1:
            prob += pulp.lpSum(vs) <= 1
    for clique in clash_cliques(inst):
        prob += pulp.lpSum(x[p] for p in clique) <= 1
    built = time.perf_counter()
    status = prob.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=limit))
    done = time.perf_counter()
    placed = [p for p, v in x.items() if (v.value() or 0) > 0.5]
    return {
        "seconds": done - started,
        "build_s": built - started,
        "solve_s": done - built,
        "rows": len(prob.constraints),
        "columns": len(x),
        "status": pulp.LpStatus[status],
        "solution_status": pulp.LpSolution[prob.sol_status],
        "placed": [list(p) for p in placed],
    }


def run_cpsat(inst: dict, limit: float) -> dict:
    """Ours. Slots with the same start and length differ only in capacity, so the model
    chooses a *time position* per event (a[e, p]) and which slots of each position are used
    (u[s], as many as events there); the venues' symmetry is gone, and the clashes are one
    at-most-one per (tag, half hour) over positions. Any solution maps back to slots (events of
    a position onto its used slots in any order) with the same objective, and back."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    slots, events = inst["slots"], inst["events"]
    positions: dict[tuple[int, int], list[int]] = {}
    for s, (_, start, length, _) in enumerate(slots):
        positions.setdefault((start, length), []).append(s)
    m = cp_model.CpModel()
    a = {
        (e, pos): m.new_bool_var("")
        for e, (duration, _, _) in enumerate(events)
        for pos in positions
        if duration <= pos[1]
    }
    u = {s: m.new_bool_var("") for s in range(len(slots))}
    by_event: dict[int, list] = {}
    by_position: dict[tuple[int, int], list] = {}
    for (e, pos), v in a.items():
        by_event.setdefault(e, []).append(v)
        by_position.setdefault(pos, []).append(v)
    for vs in by_event.values():
        m.add_exactly_one(vs)
    for pos, members in positions.items():
        m.add(sum(by_position.get(pos, [])) == sum(u[s] for s in members))
    by_tag: dict[str, list[int]] = {}
    for e, (_, _, tags) in enumerate(events):
        for tag in tags:
            by_tag.setdefault(tag, []).append(e)
    n_cliques = 0
    for members in by_tag.values():
        if len(members) < 2:
            continue
        units: dict[int, list] = {}
        for e in members:
            for start, length in positions:
                if (e, (start, length)) in a:
                    for unit in range(start // 30, (start + length) // 30):
                        units.setdefault(unit, []).append(a[e, (start, length)])
        for clique in units.values():
            if len(clique) > 1:
                m.add_at_most_one(clique)
                n_cliques += 1
    demand = sum(d for _, d, _ in events)
    m.minimize(demand - sum(slots[s][3] * v for s, v in u.items()))
    hint = greedy(inst)
    chosen = {(e, (slots[s][1], slots[s][2])) for e, s in hint}
    used = {s for _, s in hint}
    if len(hint) == len(events):
        for key, v in a.items():
            m.add_hint(v, key in chosen)
        for s, v in u.items():
            m.add_hint(v, s in used)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.cp_model_probing_level = 0  # measured: probing costs more than it saves
    for name, value in CPSAT_OVERRIDES.items():
        setattr(solver.parameters, name, value)
    built = time.perf_counter()
    status = solver.solve(m)
    done = time.perf_counter()
    placed = []
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for pos, members in positions.items():
            free = sorted((s for s in members if solver.value(u[s])), key=lambda s: -slots[s][3])
            here = [e for e in range(len(events)) if (e, pos) in a and solver.value(a[e, pos])]
            placed += list(zip(here, free, strict=True))
    return {
        "seconds": done - started,
        "build_s": built - started,
        "solve_s": done - built,
        "rows": len(events) + len(positions) + n_cliques,
        "columns": len(a) + len(u),
        "status": solver.status_name(status),
        "bound": solver.best_objective_bound,
        "placed": [list(p) for p in placed],
    }


def run_seminar(name: str, seed: int) -> dict:
    make, limit = SEMINARS[name]
    problem = make() if name == "demo" else make(seed)
    started = time.perf_counter()
    result = solve(problem, time_limit_s=limit, workers=2)
    seconds = time.perf_counter() - started
    out = {"seconds": seconds, "time_limit_s": limit, "sessions": len(problem.sessions)}
    if not isinstance(result, Solution):
        return {**out, "feasible": False, "explanation": result.explanation}
    return {
        **out,
        "feasible": True,
        "optimal": result.optimal,
        "gaps": result.gaps,
        "objectives": result.objectives,
        "worst_discomfort": result.objectives.get("worst_discomfort"),
        "total_discomfort": result.objectives.get("total_discomfort"),
        "violations": len(check(problem, result.starts)),
    }


RUNNERS = {
    "conference_scheduler": run_conference_scheduler,
    "compact CBC": run_compact_cbc,
    "CP-SAT": run_cpsat,
}


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (CBC), user and system."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def child(job: dict) -> dict:
    cpu = cpu_seconds()
    if job["kind"] == "seminar":
        out = run_seminar(job["name"], job["seed"])
    else:
        inst = cs_instance(job["events"], job["slots"], job["seed"])
        out = RUNNERS[job["solver"]](inst, job["limit"])
        placed = [tuple(p) for p in out.pop("placed")]
        out["objective"] = sum(cost(inst, e, s) for e, s in placed) if placed else None
        out["violations"] = len(verify(inst, placed)) if placed else None
    cpu = cpu_seconds() - cpu
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        **out,
        "cpu_s": cpu,
        "rss_mb": own / 1024,
        "children_rss_mb": kids / 1024,
        "peak_mb": (own + kids) / 1024,
    }


def spawn(job: dict) -> dict:
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child", json.dumps(job)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {**job, "error": proc.stderr.strip().splitlines()[-1:]}
    return {**job, **json.loads(proc.stdout.strip().splitlines()[-1])}


def machine() -> dict:
    model = ""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (ln.split(":", 1)[1].strip() for ln in lscpu.splitlines() if "Model name" in ln), ""
        )
    except OSError:
        pass
    import ortools
    import pulp

    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "ortools": ortools.__version__,
        "pulp": pulp.__version__,
        "load_before": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the smallest sizes only")
    parser.add_argument("--time-limit", type=float, default=120.0, help="per solve, seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--part", choices=["all", "seminars", "side-by-side"], default="all", help="what to run"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    info = machine()
    seminars = ["demo"] if args.quick else list(SEMINARS)
    sizes = SIZES[:1] if args.quick else SIZES
    if args.part == "seminars":
        sizes = []
    elif args.part == "side-by-side":
        seminars = []
    rows = []
    for name in seminars:
        row = spawn({"kind": "seminar", "name": name, "seed": args.seed})
        rows.append(row)
        gaps = row.get("gaps", {})
        print(
            f"{name:46} {row.get('seconds', 0):7.2f} s (CPU {row.get('cpu_s', 0):6.2f})  "
            f"optimal={row.get('optimal')}  "
            f"worst={row.get('worst_discomfort')}  total={row.get('total_discomfort')}  "
            f"gaps={ {k: round(v, 3) for k, v in gaps.items()} }  "
            f"violations={row.get('violations')}",
            file=sys.stderr,
        )
    for n_events, n_slots in sizes:
        for solver in SOLVERS:
            job = {
                "kind": "side_by_side",
                "solver": solver,
                "events": n_events,
                "slots": n_slots,
                "seed": args.seed,
                "limit": args.time_limit,
            }
            row = spawn(job)
            rows.append(row)
            print(
                f"{n_events:4} x {n_slots:<4} {solver:22} {row.get('seconds', 0):7.2f} s "
                f"(build {row.get('build_s', 0):6.2f}, CPU {row.get('cpu_s', 0):6.2f})  "
                f"{row.get('peak_mb', 0):7.0f} MB  "
                f"objective={row.get('objective')}  {row.get('status')}/"
                f"{row.get('solution_status', row.get('bound'))}  rows={row.get('rows')}  "
                f"violations={row.get('violations')}",
                file=sys.stderr,
            )
    info["load_after"] = os.getloadavg()
    print(
        json.dumps(
            {
                "benchmark": "timetable",
                "quick": args.quick,
                "part": args.part,
                "time_limit_s": args.time_limit,
                "seed": args.seed,
                "machine": info,
                "date": date.today().isoformat(),
                "results": rows,
            }
        )
    )


if __name__ == "__main__":
    main()
