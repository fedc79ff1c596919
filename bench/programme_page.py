"""Server time of the public programme page, on SQLite and on PostgreSQL.

    .venv/bin/python bench/programme_page.py [--database-url URL] [--profile]

Each database gets a process of its own (Django reads settings once): a fresh
SQLite file in a temporary directory, and a fresh temporary PostgreSQL database
created on the server named by --database-url (default: the local server) and
dropped afterwards. Each is migrated, loaded with the demo seminar and a
generated programme of 1,000 sessions and 300 people, then GET /p/<slug>/ is
timed through django.test.Client, in process, so the figures are server time
without the network: once with the rendered agenda cached, as repeat readers get
it, and once with the cache emptied before each request, as the first reader
after an edit gets it. Prints a table, then one JSON line.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

LANGUAGES = ["en", "ru", "zh-hans"]
ZONES = ["Asia/Shanghai", "Europe/Moscow", "Asia/Almaty"]
LARGE_SLUG = "bench-1000-sessions"
LARGE_SESSIONS = 1_000
LARGE_PEOPLE = 300
TARGETS_MS = {"demo": 10.0, "large": 100.0}
PAGES = {
    "demo": "demo, cached",
    "demo_cold": "demo, cold",
    "large": "1,000, cached",
    "large_cold": "1,000, cold",
}
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- worker: one database, run in its own process ----------------------------------------


def _generate_large_programme() -> str:
    """1,000 sessions over 20 days, 300 people from 30 courts, five roles per session."""
    from seminarium.core.models import Country
    from seminarium.people.models import Organisation, Person
    from seminarium.programmes.models import Participation, Programme, Session, SessionRole

    codes = ["CN", "RU", "KZ", "KG", "TJ", "UZ", "IN", "PK", "IR", "BY"]
    countries = [Country.objects.get_or_create(code=code)[0] for code in codes]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name={"en": f"Court No. {n}", "ru": f"Суд № {n}", "zh-hans": f"第{n}法院"},
            country=countries[n % len(countries)],
            kind=Organisation.Kind.COURT,
        )
        for n in range(30)
    )
    people = Person.objects.bulk_create(
        Person(
            family_name=f"Иванов{n}" if n % 2 else f"王{n}",
            given_name="Иван" if n % 2 else "伟",
            latin_family_name=f"Ivanov{n}" if n % 2 else f"Wang{n}",
            latin_given_name="Ivan" if n % 2 else "Wei",
            position={"en": "Judge", "ru": "Судья", "zh-hans": "法官"},
            organisation=organisations[n % len(organisations)],
            is_fictional=True,
        )
        for n in range(LARGE_PEOPLE)
    )
    programme = Programme.objects.create(
        slug=LARGE_SLUG,
        title={"en": "Large Seminar", "ru": "Большой семинар", "zh-hans": "大型研修班"},
        host=organisations[0],
        start_date=date(2021, 9, 1),
        end_date=date(2021, 9, 20),
        timezone="Asia/Shanghai",
        working_languages=["zh-hans", "ru", "en"],
        status=Programme.Status.PUBLISHED,
    )
    Participation.objects.bulk_create(
        Participation(
            programme=programme,
            person=person,
            country=countries[n % len(countries)],
            status=Participation.Status.CONFIRMED,
        )
        for n, person in enumerate(people)
    )
    # 50 sessions a day, 9:00 to 21:30 Shanghai time, a quarter of an hour each.
    first = datetime(2021, 9, 1, 1, 0, tzinfo=UTC)
    kinds = [Session.Kind.CEREMONY, Session.Kind.LECTURE, Session.Kind.PANEL, Session.Kind.WORKSHOP]
    sessions = Session.objects.bulk_create(
        Session(
            programme=programme,
            title={"en": f"Session {n}", "ru": f"Заседание {n}", "zh-hans": f"第{n}场"},
            description={"en": "Judicial practice.", "ru": "Судебная практика."},
            kind=kinds[n % len(kinds)],
            start=first + timedelta(days=n // 50, minutes=15 * (n % 50)),
            end=first + timedelta(days=n // 50, minutes=15 * (n % 50) + 15),
            floor_language=["zh-hans", "ru", "en"][n % 3],
            interpretation_languages=["ru", "en"],
            room={"en": "Hall A", "ru": "Зал А", "zh-hans": "A厅"},
        )
        for n in range(LARGE_SESSIONS)
    )
    roles = [
        (SessionRole.Role.HOST, SessionRole.Mode.ONSITE),
        (SessionRole.Role.SPEAKER, SessionRole.Mode.ONSITE),
        (SessionRole.Role.SPEAKER, SessionRole.Mode.ONLINE),
        (SessionRole.Role.GUEST, SessionRole.Mode.ONSITE),
        (SessionRole.Role.GUEST, SessionRole.Mode.ONLINE),
    ]
    SessionRole.objects.bulk_create(
        SessionRole(
            session=session,
            person=people[(7 * n + i) % LARGE_PEOPLE],
            role=role,
            mode=mode,
            location={"en": "Almaty", "ru": "Алматы"} if mode == SessionRole.Mode.ONLINE else {},
            protocol_order=i,
        )
        for n, session in enumerate(sessions)
        for i, (role, mode) in enumerate(roles)
    )
    return LARGE_SLUG


def _measure(
    client, url: str, warmup: int, iterations: int, cold: bool
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per request; ``cold`` empties the cache before each.

    CPU time is this process's own (Python and, for SQLite, the database), so it
    shows the cost even when other work shares the machine.
    """
    from django.core.cache import cache

    for _ in range(warmup):
        client.get(url)
    wall, cpu = [], []
    for _ in range(iterations):
        if cold:
            cache.clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return wall, cpu


def _page_figures(client, slug: str, warmup: int, iterations: int, cold: bool) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/p/{slug}/"
    if cold:
        cache.clear()
    else:
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Read now: the next request's start empties the connection's query log.
    query_count = len(queries.captured_queries)
    views, cpu = {}, []
    for language in LANGUAGES:
        for zone in ZONES:
            view_wall, view_cpu = _measure(
                client, f"{url}?lang={language}&tz={zone}", warmup, iterations, cold
            )
            views[f"{language} {zone}"] = view_wall
            cpu.extend(view_cpu)
    wall = [sample for view in views.values() for sample in view]
    figures = {
        "median_ms": round(statistics.median(wall), 2),
        "p95_ms": round(_percentile(wall, 0.95), 2),
        "median_cpu_ms": round(statistics.median(cpu), 2),
        "requests": len(wall),
        "queries": query_count,
        "kilobytes": round(len(response.content) / 1024, 1),
        "median_ms_by_view": {view: round(statistics.median(s), 2) for view, s in views.items()},
    }
    return figures


def _profile(client, url: str) -> None:
    """cProfile of a few uncached requests, heaviest functions first, on stderr."""
    import cProfile
    import pstats

    from django.core.cache import cache

    profiler = cProfile.Profile()
    for _ in range(5):
        cache.clear()
        profiler.enable()
        client.get(url)
        profiler.disable()
    print(f"\n--- profile of 5 × GET {url}, cache cold", file=sys.stderr)
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


def _engine(connection) -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    major, minor = divmod(connection.pg_version, 10_000)
    return f"PostgreSQL {major}.{minor}"


def worker(demo_iterations: int, large_iterations: int, profile: bool) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from seminarium.programmes.demo import DEMO_SLUG, load_demo

    call_command("migrate", verbosity=0)
    load_demo()
    _generate_large_programme()
    client = Client()
    # Cached: what repeat readers get. Cold: the first reader after any edit.
    figures = {
        "engine": _engine(connection),
        "demo": _page_figures(client, DEMO_SLUG, 5, demo_iterations, cold=False),
        "demo_cold": _page_figures(client, DEMO_SLUG, 5, demo_iterations, cold=True),
        "large": _page_figures(client, LARGE_SLUG, 1, large_iterations, cold=False),
        "large_cold": _page_figures(client, LARGE_SLUG, 1, large_iterations, cold=True),
    }
    if profile:
        _profile(client, f"/p/{LARGE_SLUG}/?lang=ru&tz=Asia/Almaty")
    return figures


# --- driver: one worker process per database ----------------------------------------------


def _run_worker(database_url: str | None, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="seminarium-bench-") as data_dir:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "seminarium.settings",
            "SEMINARIUM_DATA_DIR": data_dir,
            "HTTPS": "false",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "ERROR",
        }
        env.pop("REDIS_URL", None)
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        command = [
            sys.executable,
            __file__,
            "--worker",
            f"--demo-iterations={args.demo_iterations}",
            f"--large-iterations={args.large_iterations}",
        ]
        if args.profile:
            command.append("--profile")
        result = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=True)
        return json.loads(result.stdout.strip().splitlines()[-1])


def _run_on_postgresql(server_url: str, args: argparse.Namespace) -> dict | str:
    """A fresh database on the server, dropped afterwards; a reason if the server is unreachable."""
    import psycopg
    from psycopg import sql

    name = f"seminarium_bench_{os.getpid()}_{int(time.time())}"
    try:
        admin = psycopg.connect(server_url.replace("postgres://", "postgresql://"), autocommit=True)
    except psycopg.OperationalError as error:
        return f"unreachable: {str(error).strip().splitlines()[0]}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            base = server_url.rsplit("/", 1)[0]
            return _run_worker(f"{base}/{name}", args)
        finally:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def _table(results: dict) -> str:
    lines = [
        f"{'database':<18} {'page':<16} {'median ms':>9} {'p95 ms':>8} {'CPU ms':>7} {'target':>7} "
        f"{'queries':>7} {'KiB':>7} {'requests':>8}"
    ]
    for database, figures in results.items():
        if isinstance(figures, str):
            lines.append(f"{database:<18} {figures}")
            continue
        for page, label in PAGES.items():
            f = figures[page]
            target = TARGETS_MS[page.removesuffix("_cold")]
            lines.append(
                f"{figures['engine']:<18} {label:<16} {f['median_ms']:>9.2f} {f['p95_ms']:>8.2f} "
                f"{f['median_cpu_ms']:>7.2f} {target:>7.0f} {f['queries']:>7} "
                f"{f['kilobytes']:>7.1f} {f['requests']:>8}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=DEFAULT_SERVER,
        help="PostgreSQL server to create the temporary database on (default: %(default)s)",
    )
    parser.add_argument("--demo-iterations", type=int, default=100, help="per language and zone")
    parser.add_argument("--large-iterations", type=int, default=6, help="per language and zone")
    parser.add_argument("--profile", action="store_true", help="cProfile the large page")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        print(json.dumps(worker(args.demo_iterations, args.large_iterations, args.profile)))
        return

    # Other work on the machine inflates wall-clock figures; the load average says how much.
    load_before = os.getloadavg()[0]
    results = {
        "sqlite": _run_worker(None, args),
        "postgresql": _run_on_postgresql(args.database_url, args),
    }
    print(_table(results))
    load_after = os.getloadavg()[0]
    print(f"load average (1 min), {os.cpu_count()} CPUs: {load_before:.1f} → {load_after:.1f}")
    print(
        json.dumps(
            {
                "benchmark": "programme_page",
                "languages": LANGUAGES,
                "zones": ZONES,
                "targets_ms": TARGETS_MS,
                "load_average_1m_before": load_before,
                "load_average_1m_after": load_after,
                "results": results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
