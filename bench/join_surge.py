"""The join surge: distinct personal-link joins per second, served as in production.

    .venv/bin/python bench/join_surge.py [--database-url URL] [--participants N]
                                         [--rounds R] [--requests N] [--concurrency C]
                                         [--rate J] [--surge-seconds S]
                                         [--workers W] [--threads T]

For each database (a fresh SQLite file in a temporary directory, and a fresh
temporary PostgreSQL database created on the server named by --database-url and
dropped afterwards): migrate, seed a published programme with one online
session that is open now (floor plus two interpretation channels, rooms made
ahead on the default provider, public Jitsi) and N participants, each with a
personal link. Then `gunicorn seminarium.wsgi` (gthread workers, plain HTTP on
a loopback port) serves it to an asyncio load generator (a lean HTTP/1.1 client
on keep-alive connections). Every join is a POST with a different personal link
(`/j/<token>/join/<session>/`, a channel each): the one indexed read and the one
insert, answered with our embedded room page.

Two measurements:
- Saturation (closed loop, C connections each sending its next request at once),
  in R rounds of joins, the same server's trivial endpoint (the join URL answered
  by its own view without the database: GET, 405) and a static file (WhiteNoise,
  before any view), side by side; medians of the rounds, and joins ÷ the trivial
  endpoint as the ratio.
- The surge (open loop): J joins per second for S seconds, each due at its moment
  whether or not earlier ones are answered, latency counted from that moment.

Prints a table, then one JSON line.
"""

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlencode

from nominations import _engine, _on_postgresql
from programme_page import DEFAULT_SERVER, _percentile

HOST = "127.0.0.1"
SLUG = "bench-join-surge"
CHANNELS = ["", "ru", "en"]
NICE = os.environ.get("BENCH_NICE", "").split()
TARGET = {"joins_per_second": 1_000, "p99_ms": 100, "ratio": 0.5}


# --- seeding: run in a process of its own, with the database's settings ----------------------


def seed(participants: int) -> dict:
    import django

    django.setup()
    from datetime import UTC, datetime, timedelta

    from django.core.management import call_command

    from seminarium.conferencing import services
    from seminarium.conferencing.models import PersonalLink, Room
    from seminarium.core.models import Country
    from seminarium.people.models import Organisation, Person
    from seminarium.programmes.models import Participation, Programme, Session

    call_command("migrate", verbosity=0)
    countries = [Country.objects.get_or_create(code=code)[0] for code in ("CN", "RU", "KZ")]
    host = Organisation.objects.create(
        name={"en": "Host institute"}, country=countries[0], kind=Organisation.Kind.INSTITUTE
    )
    now = datetime.now(UTC)
    programme = Programme.objects.create(
        slug=SLUG,
        title={"en": "Join surge"},
        host=host,
        start_date=now.date() - timedelta(days=1),
        end_date=now.date() + timedelta(days=1),
        working_languages=["zh-hans", "ru", "en"],
        status=Programme.Status.PUBLISHED,
    )
    session = Session.objects.create(
        programme=programme,
        title={"en": "Opening", "ru": "Открытие"},
        start=now - timedelta(minutes=5),
        end=now + timedelta(hours=3),
        floor_language="zh-hans",
        interpretation_languages=["ru", "en"],
    )
    people = Person.objects.bulk_create(
        Person(
            family_name=f"Судья{n}",
            given_name="Ерлан",
            latin_family_name=f"Sudya{n}",
            latin_given_name="Yerlan",
            preferred_language=("ru", "en", "zh-hans")[n % 3],
            home_timezone="Asia/Almaty",
            email=f"judge{n}@example.org",
        )
        for n in range(participants)
    )
    participations = Participation.objects.bulk_create(
        Participation(
            programme=programme,
            person=person,
            country=countries[n % 3],
            status=Participation.Status.CONFIRMED,
        )
        for n, person in enumerate(people)
    )
    links = PersonalLink.objects.bulk_create(
        PersonalLink(participation=participation) for participation in participations
    )
    services.ensure_programme_rooms(programme)
    assert Room.objects.filter(session=session, status=Room.Status.READY).count() == 3
    return {"session": session.pk, "tokens": [link.token for link in links]}


# --- driver ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def _gunicorn(
    env: dict, worker_class: str, workers: int, threads: int
) -> Iterator[tuple[int, int]]:
    import httpx

    port = _free_port()
    server = subprocess.Popen(
        [
            *NICE,
            sys.executable,
            "-m",
            "gunicorn",
            "seminarium.wsgi",
            f"--worker-class={worker_class}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--keep-alive=30",
            "--backlog=4096",
            f"--bind={HOST}:{port}",
            "--log-level=warning",
        ],
        env=env,
    )
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://{HOST}:{port}/hooks/zoom/", timeout=2).status_code == 405:
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port, server.pid  # `nice` execs gunicorn, so this is gunicorn's master
    finally:
        server.terminate()
        server.wait(timeout=30)


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool]:
    """One request; the status and whether the server keeps the connection (the body is
    read, unused)."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    return int(status_line.split()[1]), headers.get("connection", "").lower() != "close"


def _request_bytes(method: str, path: str, form: dict | None) -> bytes:
    body = urlencode(form).encode() if form is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Connection: keep-alive"]
    if form is not None:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class _Connections:
    """Keep-alive connections to the server, opened on demand and reused."""

    def __init__(self, port: int):
        self.port = port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.opened = 0

    async def take(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.idle:
            return self.idle.pop()
        self.opened += 1
        return await asyncio.open_connection(HOST, self.port)

    async def send(self, request: bytes) -> int:
        reader, writer = await self.take()
        try:
            status, kept = await _exchange(reader, writer, request)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            writer.close()
            return 0
        if kept:
            self.idle.append((reader, writer))
        else:
            writer.close()
        return status

    def close(self) -> None:
        for _reader, writer in self.idle:
            writer.close()


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes so far (Linux /proc; 0 for any gone)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _processes(wanted) -> list[int]:
    """The pids whose (pid, parent pid, command name) ``wanted`` accepts."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                with open(f"/proc/{entry}/stat") as stat:
                    head, tail = stat.read().rsplit(")", 1)
                if wanted(int(entry), int(tail.split()[1]), head.split("(", 1)[1]):
                    found.append(int(entry))
    return found


class _CpuMeter:
    """CPU spent per request by the server (gunicorn's master and workers), the database
    server (PostgreSQL's processes; SQLite runs inside the workers) and this load
    generator, all on the same cores: where each request's cost goes."""

    def __init__(self, server_pid: int):
        self.server = [server_pid, *_processes(lambda _pid, ppid, _name: ppid == server_pid)]
        self.database = _processes(lambda _pid, _ppid, name: name == "postgres")

    def sample(self) -> tuple[float, float, float]:
        return _cpu_seconds(self.server), _cpu_seconds(self.database), time.process_time()

    def per_request(self, before: tuple, after: tuple, requests: int) -> dict:
        names = ("server", "database", "generator")
        return {
            name: round((end - start) * 1000 / requests, 3)
            for name, start, end in zip(names, before, after, strict=True)
        }


def _figures(results: list[tuple[int, float]], elapsed: float) -> dict:
    statuses = Counter(status for status, _ms in results)
    latencies = [ms for _status, ms in results]
    return {
        "requests": len(results),
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "seconds": round(elapsed, 2),
        "per_second": round(len(results) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(_percentile(latencies, 0.95), 1),
        "p99_ms": round(_percentile(latencies, 0.99), 1),
    }


async def _saturate(port: int, requests: list[bytes], concurrency: int) -> dict:
    """Closed loop: ``concurrency`` connections, each sending its next request at once.

    Measures the most the server can do. Latency here is mostly time in the queue
    (Little's law: concurrency ÷ rate), so it is reported but not the latency target.
    """
    pending = iter(requests)
    results: list[tuple[int, float]] = []
    connections = _Connections(port)

    async def client() -> None:
        for request in pending:
            started = time.perf_counter()
            status = await connections.send(request)
            results.append((status, (time.perf_counter() - started) * 1000))

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    connections.close()
    return _figures(results, elapsed)


async def _at_rate(port: int, requests: list[bytes], rate: float) -> dict:
    """Open loop: request i is due at i ÷ rate seconds, whether or not earlier ones are done.

    This is how a surge arrives: people do not wait for each other. Each latency runs
    from the moment the request was due, so a server that falls behind is charged for
    the wait (no coordinated omission).
    """
    results: list[tuple[int, float]] = []
    late: list[float] = []
    connections = _Connections(port)

    async def one(request: bytes, due: float) -> None:
        # How late the generator itself sends: on a shared machine it competes for CPU too.
        late.append((time.perf_counter() - due) * 1000)
        status = await connections.send(request)
        results.append((status, (time.perf_counter() - due) * 1000))

    started = time.perf_counter()
    tasks = []
    for n, request in enumerate(requests):
        due = started + n / rate
        if (delay := due - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(request, due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    connections.close()
    return {
        **_figures(results, elapsed),
        "offered_per_second": rate,
        "connections": connections.opened,
        "sent_late_p99_ms": round(_percentile(late, 0.99), 1),
    }


def _median_round(rounds: list[dict]) -> dict:
    """Each figure's median over the rounds; counts of answers are summed."""
    statuses: Counter = Counter()
    for figures in rounds:
        statuses.update(figures["statuses"])
    keys = ("per_second", "p50_ms", "p95_ms", "p99_ms")
    return {
        "rounds": len(rounds),
        "requests": sum(figures["requests"] for figures in rounds),
        "statuses": dict(sorted(statuses.items())),
        **{key: round(statistics.median(f[key] for f in rounds), 1) for key in keys},
        "per_second_each_round": [f["per_second"] for f in rounds],
        "cpu_ms_per_request": {
            part: round(statistics.median(f["cpu_ms_per_request"][part] for f in rounds), 3)
            for part in rounds[0]["cpu_ms_per_request"]
        },
    }


def run(database_url: str | None, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="seminarium-bench-") as data_dir:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "seminarium.settings",
            "SEMINARIUM_DATA_DIR": data_dir,
            "HTTPS": "false",
            "DEBUG": "false",
            "ALLOWED_HOSTS": HOST,
            "LOG_LEVEL": "ERROR",
        }
        for name in ("DATABASE_URL", "REDIS_URL"):
            env.pop(name, None)
        if database_url:
            env["DATABASE_URL"] = database_url
        seeded = subprocess.run(
            [sys.executable, __file__, f"--seed={args.participants}"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        data = json.loads(seeded.stdout.strip().splitlines()[-1])
        session, tokens = data["session"], iter(data["tokens"])

        def joins(count: int) -> list[bytes]:
            return [
                _request_bytes("POST", f"/j/{token}/join/{session}/", {"channel": CHANNELS[n % 3]})
                for n, token in zip(range(count), tokens, strict=False)
            ]

        # The ceilings: the join URL answered by its own view without the database
        # (GET: 405), the same server's trivial endpoint; and a static file, which
        # WhiteNoise answers before any view.
        view = [_request_bytes("GET", f"/j/x/join/{session}/", None)] * args.requests
        static = [_request_bytes("GET", "/static/conferencing/room.js", None)] * args.requests
        rounds: dict[str, list[dict]] = {"joins": [], "view_ceiling": [], "static_ceiling": []}
        with _gunicorn(env, args.worker_class, args.workers, args.threads) as (port, pid):
            # Warm every worker (imports, connections, templates) before measuring.
            asyncio.run(_saturate(port, joins(4 * args.concurrency), args.concurrency))
            meter = _CpuMeter(pid)
            # Side by side, round after round, so that the machine's noise falls on all
            # three alike; medians are reported.
            for _round in range(args.rounds):
                for what, requests in (
                    ("joins", joins(args.requests)),
                    ("view_ceiling", view),
                    ("static_ceiling", static),
                ):
                    before = meter.sample()
                    figures = asyncio.run(_saturate(port, requests, args.concurrency))
                    cpu = meter.per_request(before, meter.sample(), len(requests))
                    rounds[what].append({**figures, "cpu_ms_per_request": cpu})
            surge = joins(int(args.rate * args.surge_seconds))
            at_rate = asyncio.run(_at_rate(port, surge, args.rate))
        ratios = [
            join["per_second"] / ceiling["per_second"]
            for join, ceiling in zip(rounds["joins"], rounds["view_ceiling"], strict=True)
        ]
        static_ratios = [
            join["per_second"] / ceiling["per_second"]
            for join, ceiling in zip(rounds["joins"], rounds["static_ceiling"], strict=True)
        ]
        return {
            "engine": _engine(database_url),
            "worker_class": args.worker_class,
            "workers": args.workers,
            "threads": args.threads,
            "concurrency": args.concurrency,
            "participants": args.participants,
            "saturation": {what: _median_round(each) for what, each in rounds.items()},
            "ratio": round(statistics.median(ratios), 2),
            "ratio_to_static_file": round(statistics.median(static_ratios), 2),
            "at_rate": at_rate,
        }


def _table(results: dict) -> str:
    lines = [
        f"{'database':<18} {'what':<24} {'requests':>8} {'req/s':>8} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7}  statuses"
    ]

    def line(engine: str, what: str, g: dict) -> str:
        return (
            f"{engine:<18} {what:<24} {g['requests']:>8} {g['per_second']:>8.1f} "
            f"{g['p50_ms']:>7.1f} {g['p95_ms']:>7.1f} {g['p99_ms']:>7.1f}  {g['statuses']}"
        )

    for database, f in results.items():
        if isinstance(f, str):
            lines.append(f"{database:<18} {f}")
            continue
        for what, g in f["saturation"].items():
            lines.append(line(f["engine"], f"{what} (saturated)", g))
        rate = f["at_rate"]
        lines.append(line(f["engine"], f"joins at {rate['offered_per_second']:.0f}/s", rate))
        lines.append(
            f"{'':<18} joins ÷ trivial-endpoint ceiling: {f['ratio']:.2f} (median of rounds); "
            f"÷ static file: {f['ratio_to_static_file']:.2f}"
        )
        cpu = "; ".join(
            f"{what} " + " + ".join(f"{ms:.2f}" for ms in g["cpu_ms_per_request"].values())
            for what, g in f["saturation"].items()
        )
        lines.append(f"{'':<18} CPU ms per request, server + database + generator: {cpu}")
    return "\n".join(lines)


def _targets_met(figures: dict) -> dict[str, bool]:
    at_rate = figures["at_rate"]
    return {
        # The surge was served at the offered rate (within 2%) and without failures.
        "joins_per_second": at_rate["per_second"] >= 0.98 * TARGET["joins_per_second"]
        and set(at_rate["statuses"]) == {"200"},
        "p99_ms": at_rate["p99_ms"] <= TARGET["p99_ms"],
        "ratio": figures["ratio"] >= TARGET["ratio"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=DEFAULT_SERVER,
        help="PostgreSQL server to create the temporary database on (default: %(default)s)",
    )
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument(
        "--requests", type=int, default=1_000, help="requests of each kind in each round"
    )
    parser.add_argument("--rounds", type=int, default=5, help="saturation rounds (medians)")
    parser.add_argument(
        "--concurrency", type=int, default=64, help="keep-alive connections when saturating"
    )
    parser.add_argument(
        "--rate", type=float, default=1_000, help="joins per second offered in the surge"
    )
    parser.add_argument(
        "--surge-seconds", type=float, default=3, help="how long the surge at --rate lasts"
    )
    parser.add_argument(
        "--worker-class", default="gthread", help="gunicorn worker class (gthread or sync)"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgresql-only", action="store_true")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.seed is not None:
        print(json.dumps(seed(args.seed)))
        return
    needed = 4 * args.concurrency + args.rounds * args.requests + args.rate * args.surge_seconds
    if needed > args.participants:
        parser.error(
            f"every join needs its own participant: {needed:.0f} joins, "
            f"{args.participants} participants"
        )

    load_before = os.getloadavg()[0]
    results: dict = {} if args.postgresql_only else {"sqlite": run(None, args)}
    if not args.sqlite_only:
        results["postgresql"] = _on_postgresql(args.database_url, args, run)
    load_after = os.getloadavg()[0]
    print(_table(results))
    print(f"load average (1 min), {os.cpu_count()} CPUs: {load_before:.1f} → {load_after:.1f}")
    print(
        json.dumps(
            {
                "benchmark": "join_surge",
                "targets": TARGET,
                "targets_met": {
                    database: _targets_met(figures)
                    for database, figures in results.items()
                    if isinstance(figures, dict)
                },
                "load_average_1m_before": load_before,
                "load_average_1m_after": load_after,
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
