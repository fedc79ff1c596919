"""Places under a rush: many coordinators' requests at once against a live, multi-threaded
server, each request in its own thread with its own database connection.

However the requests interleave, a quota of 10 gives exactly 10 places, and the same
judge is nominated once.
"""

import http.client
import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

import pytest

from seminarium.core.models import ApiToken
from seminarium.nominations import services
from seminarium.nominations.models import Nomination, Quota
from seminarium.programmes.models import ProgrammeRole
from tests import factories

PLACES = 10
REQUESTS = 100
# Requests in flight at once. The live server holds a database connection per request,
# and PostgreSQL's default of 100 connections is shared with whatever else is running.
CONCURRENCY = 50


@pytest.fixture
def programme(transactional_db):
    return factories.ProgrammeFactory(slug="rush")


@pytest.fixture
def call(programme):
    return services.open_call(
        None, programme, deadline=datetime.now(UTC) + timedelta(days=7), quotas={"KZ": PLACES}
    )


@pytest.fixture
def coordinator_key(programme) -> str:
    """The API key of Kazakhstan's coordinator."""
    role = factories.ProgrammeRoleFactory(
        programme=programme,
        role=ProgrammeRole.Role.COORDINATOR,
        country=factories.CountryFactory(code="KZ"),
    )
    _token, key = ApiToken.issue(role.user, "rush")
    return key


def _nominee(n: int, email: str) -> dict:
    return {
        "family_name": f"Судья{n}",
        "given_name": "Ерлан",
        "latin_family_name": f"Sudya{n}",
        "latin_given_name": "Yerlan",
        "preferred_language": "ru",
        "home_timezone": "Asia/Almaty",
        "email": email,
    }


def _post(key: str, start: threading.Barrier, connection, body: dict) -> tuple[int, dict]:
    start.wait(timeout=30)
    try:
        connection.request(
            "POST",
            "/api/v1/programmes/rush/nominations",
            body=json.dumps(body),
            headers={
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json",
                # As behind the TLS-terminating proxy of a production set-up.
                "X-Forwarded-Proto": "https",
            },
        )
        response = connection.getresponse()
        payload = response.read()
        return response.status, json.loads(payload) if payload else {}
    finally:
        connection.close()


def _rush(server_url: str, key: str, bodies: list[dict]) -> list[tuple[int, dict]]:
    """POST the bodies in waves of CONCURRENCY requests released at the same moment.

    Each wave's connections are opened one after another beforehand, so that the
    requests meet in the application: the test server listens with a backlog of 10
    and resets connections that all arrive at once.
    """
    address = urlsplit(server_url)
    results = []
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        for first in range(0, len(bodies), CONCURRENCY):
            wave = bodies[first : first + CONCURRENCY]
            connections = []
            for _body in wave:
                connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
                connection.connect()
                connections.append(connection)
            start = threading.Barrier(len(wave))
            results += pool.map(partial(_post, key, start), connections, wave)
    return results


def _live(call) -> int:
    return Nomination.objects.filter(call=call, status__in=Nomination.HOLDS_PLACE).count()


def test_a_rush_of_nominations_fills_the_quota_exactly(call, coordinator_key, live_server):
    bodies = [_nominee(n, f"judge{n}@example.org") for n in range(REQUESTS)]
    results = _rush(live_server.url, coordinator_key, bodies)

    statuses = Counter(status for status, _body in results)
    assert statuses == {201: PLACES, 409: REQUESTS - PLACES}, [
        body for status, body in results if status not in (201, 409)
    ]
    assert {body["code"] for status, body in results if status == 409} == {"quota_full"}
    assert Quota.objects.get(call=call, country="KZ").taken == PLACES
    assert _live(call) == PLACES
    accepted = {body["email"] for status, body in results if status == 201}
    assert set(Nomination.objects.filter(call=call).values_list("email", flat=True)) == accepted


def test_the_same_judge_sent_twenty_times_at_once_is_nominated_once(
    call, coordinator_key, live_server
):
    bodies = [_nominee(n, "Same.Judge@example.org") for n in range(20)]
    results = _rush(live_server.url, coordinator_key, bodies)

    statuses = Counter(status for status, _body in results)
    assert statuses == {201: 1, 409: 19}, [body for status, body in results if status != 201]
    assert {body["code"] for status, body in results if status == 409} == {"duplicate"}
    assert Quota.objects.get(call=call, country="KZ").taken == 1
    assert _live(call) == 1
