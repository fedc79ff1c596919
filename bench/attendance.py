"""Attendance ledger: ingesting webhook events, and recomputing attendance from them.

    .venv/bin/python bench/attendance.py [--events N] [--batch B] [--database-url URL]

For each database (a fresh SQLite file in a temporary directory; with
--database-url also a fresh temporary PostgreSQL database on that server, dropped
afterwards) a process of its own migrates and creates one programme of 300
participants and as many ninety-minute sessions as N webhook-like events fill
(default 1,000,000: 19 sessions). It feeds the events through
``attendance.services.record_events`` in batches of B (default 500, what a busy
webhook queue hands over at once): per participant and session, a provider's join
and leave and, every 30 seconds in between, our room page's presence heartbeat, all
with provider event ids, in time order per session. It reports events per second,
counting only the time inside ``record_events`` (not the making up of the events),
then times ``recompute_attendance()`` rebuilding every participant's attended time
from all the raw events (one process per CPU, as the command does by default),
and checks that a replay of the first 10,000 events stores nothing. Single events
(batch 1, the slowest webhook path) are timed over 5,000 further events. Prints a
table, then one JSON line.

Wall-clock figures depend on what else the machine runs; the CPU seconds of the
benchmark process are given beside them (for SQLite they include the database's
work, for PostgreSQL the server's own work is not in them).

Targets: >= 20,000 events per second; recompute <= 5 s.
"""

import argparse
import contextlib
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

PEOPLE = 300
SESSION_MINUTES = 90
HEARTBEAT_SECONDS = 30
FIRST = datetime(2021, 4, 15, 6, 0, tzinfo=UTC)


def _seed(sessions: int) -> tuple[list, list[int]]:
    from django.core.management import call_command

    from seminarium.core.models import Country
    from seminarium.people.models import Organisation, Person
    from seminarium.programmes.models import Participation, Programme, Session

    call_command("migrate", verbosity=0)
    country, _created = Country.objects.get_or_create(code="KZ")
    host = Organisation.objects.create(
        name={"en": "Host"}, country=country, kind=Organisation.Kind.INSTITUTE
    )
    programme = Programme.objects.create(
        slug="bench-attendance",
        title={"en": "Bench"},
        host=host,
        start_date=date(2021, 4, 1),
        end_date=date(2021, 6, 30),
        working_languages=["en"],
    )
    sessions = Session.objects.bulk_create(
        Session(
            programme=programme,
            title={"en": f"Session {n}"},
            start=FIRST + timedelta(hours=12 * n),
            end=FIRST + timedelta(hours=12 * n, minutes=SESSION_MINUTES),
            floor_language="en",
        )
        for n in range(sessions)
    )
    people = Person.objects.bulk_create(
        Person(family_name=f"Judge {n}", latin_family_name=f"Judge {n}", email=f"j{n}@example.org")
        for n in range(PEOPLE)
    )
    participations = Participation.objects.bulk_create(
        Participation(programme=programme, person=person, country=country, status="confirmed")
        for person in people
    )
    return sessions, [p.pk for p in participations]


def _events(sessions, participations: list[int], total: int):
    """Webhook-like events, session by session, in time order within each session.

    Each participant joins near the start, sends a presence heartbeat every
    HEARTBEAT_SECONDS, and leaves near the end.
    """
    from seminarium.attendance.services import IncomingEvent

    slots = SESSION_MINUTES * 60 // HEARTBEAT_SECONDS
    produced = 0
    for session in sessions:
        for slot in range(slots + 1):
            for n, participation in enumerate(participations):
                if produced >= total:
                    return
                if slot == 0:
                    kind, source, at = "join", "bbb", session.start + timedelta(seconds=n % 300)
                elif slot == slots:
                    kind, source, at = "leave", "bbb", session.end - timedelta(seconds=n % 600)
                else:
                    kind, source = "heartbeat", "presence"
                    at = session.start + timedelta(seconds=slot * HEARTBEAT_SECONDS + n % 7)
                yield IncomingEvent(
                    session_id=session.pk,
                    source=source,
                    kind=kind,
                    at=at,
                    participation_id=participation,
                    device=f"tab-{participation}",
                    provider_event_id=f"{session.pk}-{participation}-{slot}",
                    payload={"event": kind, "user": str(participation)},
                )
                produced += 1


def _batches(events, size: int):
    batch = []
    for event in events:
        batch.append(event)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _cpu_with_children() -> float:
    """CPU seconds of this process and of its finished child processes."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def child(total: int, batch: int) -> dict:
    import django

    django.setup()
    from django.db import connection

    from seminarium.attendance import services
    from seminarium.attendance.models import AttendanceEvent, AttendedTime

    per_session = PEOPLE * (SESSION_MINUTES * 60 // HEARTBEAT_SECONDS + 1)
    sessions, participations = _seed(-(-total // per_session))

    # Only record_events is timed: making up the events stands in for the webhook
    # parsing in front of it, which the providers' benchmarks do not cover here.
    stored, ingest, ingest_cpu = 0, 0.0, 0.0
    for chunk in _batches(_events(sessions, participations, total), batch):
        started, cpu = time.perf_counter(), time.process_time()
        stored += services.record_events(chunk).stored
        ingest += time.perf_counter() - started
        ingest_cpu += time.process_time() - cpu

    replay = list(
        _batches(itertools.islice(_events(sessions, participations, total), 10_000), batch)
    )
    replayed = sum(services.record_events(chunk).stored for chunk in replay)

    # The slowest path: one webhook call per event.
    singles = [
        services.IncomingEvent(
            session_id=sessions[0].pk,
            source="jitsi",
            kind="heartbeat",
            at=sessions[0].start + timedelta(seconds=n),
            participation_id=participations[n % len(participations)],
            provider_event_id=f"single-{n}",
        )
        for n in range(5_000)
    ]
    started = time.perf_counter()
    for event in singles:
        services.record_events([event])
    single = time.perf_counter() - started

    AttendedTime.objects.all().delete()
    started, cpu = time.perf_counter(), _cpu_with_children()
    # One process per CPU, as `seminarium recompute_attendance` does by default.
    jobs = os.cpu_count() or 1
    services.recompute_attendance(jobs=jobs)
    recompute, recompute_cpu = time.perf_counter() - started, _cpu_with_children() - cpu
    return {
        "engine": connection.vendor,
        "events": total,
        "stored": stored,
        "ledger_rows": AttendanceEvent.objects.count(),
        "batch": batch,
        "ingest_s": round(ingest, 2),
        "events_per_s": round(total / ingest),
        "ingest_cpu_s": round(ingest_cpu, 2),
        "events_per_cpu_s": round(total / ingest_cpu),
        "single_events_per_s": round(len(singles) / single),
        "replay_stored": replayed,
        "recompute_s": round(recompute, 2),
        "recompute_jobs": jobs,
        "recompute_cpu_s": round(recompute_cpu, 2),
        "attended_rows": AttendedTime.objects.count(),
    }


def run(database_url: str | None, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="seminarium-bench-") as data_dir:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "seminarium.settings",
            "SEMINARIUM_DATA_DIR": data_dir,
            "HTTPS": "false",
            "DEBUG": "false",
            "LOG_LEVEL": "ERROR",
        }
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                f"--events={args.events}",
                f"--batch={args.batch}",
            ],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.events, args.batch)))
        return

    from nominations import _engine, _temporary_database

    results = [{**run(None, args), "engine": _engine(None)}]
    if args.database_url:
        try:
            with _temporary_database(args.database_url) as url:
                results.append({**run(url, args), "engine": _engine(url)})
        except Exception as error:  # a missing server must not hide the SQLite figures
            results.append({"engine": "PostgreSQL", "error": str(error)})
    print(
        f"{'database':<16}{'events/s':>10}{'(CPU)':>9}{'single/s':>10}"
        f"{'recompute s':>13}{'(CPU)':>7}"
    )
    for result in results:
        if "error" in result:
            print(f"{result['engine']:<16} {result['error']}")
            continue
        print(
            f"{result['engine']:<16}{result['events_per_s']:>10}{result['events_per_cpu_s']:>9}"
            f"{result['single_events_per_s']:>10}{result['recompute_s']:>13}"
            f"{result['recompute_cpu_s']:>7}"
        )
    machine = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load": os.getloadavg(),
        "machine": platform.machine(),
    }
    print(json.dumps({"benchmark": "attendance", "results": results, "machine": machine}))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
