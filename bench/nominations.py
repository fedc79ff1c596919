"""Nominations per second through the API, served as in production, on SQLite and PostgreSQL.

    .venv/bin/python bench/nominations.py [--database-url URL] [--requests N]
                                          [--concurrency C] [--workers W]

For each database: a fresh SQLite file in a temporary directory, and a fresh
temporary PostgreSQL database created on the server named by --database-url
(default: the local server) and dropped afterwards. Each is migrated and seeded
with a programme whose call gives Kazakhstan more places than there are
requests, and a coordinator's API token. Then `gunicorn seminarium.wsgi` (sync
workers, plain HTTP on a loopback port) serves it while C client threads send N
nomination POSTs of distinct judges, each on a new connection. Reports accepted
nominations per second and the latency percentiles, checks through the API that
every accepted nomination took exactly one place, and prints a table, then one
JSON line.
"""

import argparse
import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from programme_page import DEFAULT_SERVER, _percentile

SLUG = "bench-nominations"
HOST = "127.0.0.1"


# --- seeding: run in a process of its own, with the database's settings ----------------------


def seed(places: int) -> dict:
    """Migrate, open a call with ``places`` for KZ, and issue its coordinator a token."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from seminarium.core.models import ApiToken, Country
    from seminarium.nominations import services
    from seminarium.people.models import Organisation
    from seminarium.programmes.models import Programme, ProgrammeRole

    call_command("migrate", verbosity=0)
    kazakhstan, _created = Country.objects.get_or_create(code="KZ")
    china, _created = Country.objects.get_or_create(code="CN")
    host = Organisation.objects.create(
        name={"en": "Host institute"}, country=china, kind=Organisation.Kind.INSTITUTE
    )
    programme = Programme.objects.create(
        slug=SLUG,
        title={"en": "Benchmark seminar"},
        host=host,
        start_date=datetime(2030, 4, 15).date(),
        end_date=datetime(2030, 4, 21).date(),
        working_languages=["ru", "en"],
        status=Programme.Status.PUBLISHED,
    )
    coordinator = get_user_model().objects.create(username="coordinator-kz")
    ProgrammeRole.objects.create(
        user=coordinator,
        programme=programme,
        role=ProgrammeRole.Role.COORDINATOR,
        country=kazakhstan,
    )
    services.open_call(
        None, programme, deadline=datetime.now(UTC) + timedelta(days=7), quotas={"KZ": places}
    )
    _token, key = ApiToken.issue(coordinator, "benchmark")
    return {"key": key}


# --- driver ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _request(port: int, method: str, path: str, key: str, body: dict | None = None):
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(
            method,
            path,
            body=json.dumps(body) if body is not None else None,
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


@contextlib.contextmanager
def _gunicorn(env: dict, workers: int) -> Iterator[int]:
    """`gunicorn seminarium.wsgi` on a loopback port, until it answers; stopped afterwards."""
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "seminarium.wsgi",
            f"--workers={workers}",
            f"--bind={HOST}:{port}",
            "--log-level=warning",
        ],
        env=env,
    )
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                status, _body = _request(port, "GET", "/api/v1/openapi.json", "")
                if status == 200:
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _nominee(n: int) -> dict:
    return {
        "family_name": f"Судья{n}",
        "given_name": "Ерлан",
        "latin_family_name": f"Sudya{n}",
        "latin_given_name": "Yerlan",
        "position": {"ru": "Судья", "en": "Judge"},
        "preferred_language": "ru",
        "home_timezone": "Asia/Almaty",
        "email": f"judge{n}@example.org",
    }


def _fire(port: int, key: str, requests: int, concurrency: int) -> dict:
    path = f"/api/v1/programmes/{SLUG}/nominations"

    def post(n: int) -> tuple[int, float]:
        started = time.perf_counter()
        status, _body = _request(port, "POST", path, key, _nominee(n))
        return status, (time.perf_counter() - started) * 1000

    # A few requests first, so that every worker has loaded Django and connected.
    warmup = 2 * concurrency
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(post, range(requests, requests + warmup)))
        started = time.perf_counter()
        results = list(pool.map(post, range(requests)))
        elapsed = time.perf_counter() - started
    statuses = Counter(status for status, _ms in results)
    latencies = [ms for _status, ms in results]
    _status, quotas = _request(port, "GET", f"/api/v1/programmes/{SLUG}/call/quotas", key)
    accepted = statuses.get(201, 0)
    return {
        "requests": requests,
        "concurrency": concurrency,
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "seconds": round(elapsed, 2),
        "nominations_per_second": round(accepted / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(_percentile(latencies, 0.95), 1),
        "p99_ms": round(_percentile(latencies, 0.99), 1),
        "places_taken": quotas[0]["taken"],
        "places_taken_match": quotas[0]["taken"] == accepted + warmup,
    }


def _engine(database_url: str | None) -> str:
    if not database_url:
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as connection:
        major, minor = divmod(connection.info.server_version, 10_000)
    return f"PostgreSQL {major}.{minor}"


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
        places = args.requests + 2 * args.concurrency
        seeded = subprocess.run(
            [sys.executable, __file__, f"--seed={places}"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        key = json.loads(seeded.stdout.strip().splitlines()[-1])["key"]
        with _gunicorn(env, args.workers) as port:
            figures = _fire(port, key, args.requests, args.concurrency)
        return {"engine": _engine(database_url), "workers": args.workers, **figures}


@contextlib.contextmanager
def _temporary_database(server_url: str) -> Iterator[str]:
    import psycopg
    from psycopg import sql

    name = f"seminarium_bench_nominations_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(
        server_url.replace("postgres://", "postgresql://"), autocommit=True
    ) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield f"{server_url.rsplit('/', 1)[0]}/{name}"
        finally:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def _on_postgresql(
    server_url: str, args: argparse.Namespace, benchmark: Callable = run
) -> dict | str:
    """``benchmark`` on a fresh database; a reason instead if the server cannot be reached."""
    import psycopg

    try:
        with _temporary_database(server_url) as database_url:
            return benchmark(database_url, args)
    except psycopg.OperationalError as error:
        return f"unreachable: {str(error).strip().splitlines()[0]}"


def _table(results: dict) -> str:
    lines = [
        f"{'database':<18} {'workers':>7} {'requests':>8} {'conc.':>5} {'nominations/s':>13} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  statuses"
    ]
    for database, f in results.items():
        if isinstance(f, str):
            lines.append(f"{database:<18} {f}")
            continue
        lines.append(
            f"{f['engine']:<18} {f['workers']:>7} {f['requests']:>8} {f['concurrency']:>5} "
            f"{f['nominations_per_second']:>13.1f} {f['p50_ms']:>7.1f} {f['p95_ms']:>7.1f} "
            f"{f['p99_ms']:>7.1f}  {f['statuses']}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=DEFAULT_SERVER,
        help="PostgreSQL server to create the temporary database on (default: %(default)s)",
    )
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=32, help="client threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.seed is not None:
        print(json.dumps(seed(args.seed)))
        return

    # Other work on the machine slows the server down; the load average says how much.
    load_before = os.getloadavg()[0]
    results = {"sqlite": run(None, args), "postgresql": _on_postgresql(args.database_url, args)}
    load_after = os.getloadavg()[0]
    print(_table(results))
    print(f"load average (1 min), {os.cpu_count()} CPUs: {load_before:.1f} → {load_after:.1f}")
    print(
        json.dumps(
            {
                "benchmark": "nominations",
                "load_average_1m_before": load_before,
                "load_average_1m_after": load_after,
                "results": results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
