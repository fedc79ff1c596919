"""The join surge: distinct personal-link joins per second, served as in production.

    .venv/bin/python bench/join_surge.py [--database-url URL] [--participants N]
                                         [--requests N] [--concurrency C]
                                         [--workers W] [--threads T]

For each database (a fresh SQLite file in a temporary directory, and a fresh
temporary PostgreSQL database created on the server named by --database-url and
dropped afterwards): migrate, seed a published programme with one online
session that is open now (floor plus two interpretation channels, rooms made
ahead on the default provider, public Jitsi) and N participants, each with a
personal link. Then `gunicorn seminarium.wsgi` (gthread workers, plain HTTP on
a loopback port) serves it while an asyncio load generator (a lean HTTP/1.1
client on C keep-alive connections) sends one join POST per distinct personal
link (`/j/<token>/join/<session>/`, a channel each): the one indexed read and
the one insert, answered with our embedded room page. Two ceilings, measured the
same way on the same server: a static file (WhiteNoise answers before any Django
view) and the join URL answered by its own view without the database (GET: 405).
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
def _gunicorn(env: dict, workers: int, threads: int) -> Iterator[int]:
    import httpx

    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "seminarium.wsgi",
            "--worker-class=gthread",
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
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    """One request on a kept-alive connection; returns the status (the body is read, unused)."""
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
    return int(status_line.split()[1])


def _request_bytes(method: str, path: str, form: dict | None) -> bytes:
    body = urlencode(form).encode() if form is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Connection: keep-alive"]
    if form is not None:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _fire(port: int, requests: list[tuple[str, str, dict | None]], concurrency: int):
    """Send every (method, path, form) once over ``concurrency`` keep-alive connections.

    A lean HTTP/1.1 client on asyncio streams rather than httpx: the load generator shares
    the server's CPUs, and every cycle it spends is one the server does not get.
    """
    queue: asyncio.Queue = asyncio.Queue()
    for method, path, form in requests:
        queue.put_nowait(_request_bytes(method, path, form))
    results: list[tuple[int, float]] = []

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            while not queue.empty():
                request = queue.get_nowait()
                started = time.perf_counter()
                try:
                    status = await _exchange(reader, writer, request)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    status = 0
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
                results.append((status, (time.perf_counter() - started) * 1000))
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
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
        session, tokens = data["session"], data["tokens"]
        warmup = tokens[: 4 * args.concurrency]
        surge = tokens[len(warmup) : len(warmup) + args.requests]
        joins = [
            ("POST", f"/j/{token}/join/{session}/", {"channel": CHANNELS[n % 3]})
            for n, token in enumerate(surge)
        ]
        # The ceilings: a static file (WhiteNoise, before any Django view) and the join URL
        # answered by its view without the database (GET: 405).
        static = [("GET", "/static/conferencing/room.js", None)] * len(surge)
        view = [("GET", f"/j/{token}/join/{session}/", None) for token in surge]
        with _gunicorn(env, args.workers, args.threads) as port:
            # Warm every worker (imports, connections, templates) before measuring.
            asyncio.run(
                _fire(
                    port,
                    [("POST", f"/j/{t}/join/{session}/", {"channel": ""}) for t in warmup],
                    args.concurrency,
                )
            )
            static_figures = asyncio.run(_fire(port, static, args.concurrency))
            view_figures = asyncio.run(_fire(port, view, args.concurrency))
            join_figures = asyncio.run(_fire(port, joins, args.concurrency))
        return {
            "engine": _engine(database_url),
            "workers": args.workers,
            "threads": args.threads,
            "concurrency": args.concurrency,
            "participants": args.participants,
            "joins": join_figures,
            "ceiling": static_figures,
            "view_ceiling": view_figures,
            "ratio": round(join_figures["per_second"] / static_figures["per_second"], 2),
            "ratio_to_view": round(join_figures["per_second"] / view_figures["per_second"], 2),
        }


def _table(results: dict) -> str:
    lines = [
        f"{'database':<18} {'what':<12} {'requests':>8} {'req/s':>8} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7}  statuses"
    ]
    for database, f in results.items():
        if isinstance(f, str):
            lines.append(f"{database:<18} {f}")
            continue
        for what in ("joins", "ceiling", "view_ceiling"):
            g = f[what]
            lines.append(
                f"{f['engine']:<18} {what:<12} {g['requests']:>8} {g['per_second']:>8.1f} "
                f"{g['p50_ms']:>7.1f} {g['p95_ms']:>7.1f} {g['p99_ms']:>7.1f}  {g['statuses']}"
            )
        lines.append(
            f"{'':<18} joins ÷ static-file ceiling: {f['ratio']:.2f}; "
            f"÷ view ceiling: {f['ratio_to_view']:.2f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=DEFAULT_SERVER,
        help="PostgreSQL server to create the temporary database on (default: %(default)s)",
    )
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=6_000, help="distinct joins measured")
    parser.add_argument("--concurrency", type=int, default=64, help="keep-alive connections")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgresql-only", action="store_true")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.seed is not None:
        print(json.dumps(seed(args.seed)))
        return
    if args.requests + 4 * args.concurrency > args.participants:
        parser.error("--requests plus the warm-up (4 × concurrency) exceeds --participants")

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
                "load_average_1m_before": load_before,
                "load_average_1m_after": load_after,
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
