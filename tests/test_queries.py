"""Page queries do not grow with the timetable: 5 or 50 sessions cost the same number."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seminarium.programmes.models import Participation, Session, SessionRole
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _programme_with_sessions(count: int, person=None):
    """A programme of ``count`` sessions, each with a chair, a speaker and guests (site, online).

    ``person``, when given, takes part and chairs every other session.
    """
    programme = factories.ProgrammeFactory()
    first = datetime(2021, 4, 15, 1, 0, tzinfo=UTC)
    for n in range(count):
        kind = Session.Kind.CEREMONY if n % 5 == 0 else Session.Kind.LECTURE
        session = factories.SessionFactory(
            programme=programme,
            kind=kind,
            start=first + timedelta(days=n % 7, hours=n // 7),
            description={"en": "About the law", "ru": "О праве"},
            room={"en": "Hall A", "ru": "Зал А"},
        )
        chair = person if person is not None and n % 2 == 0 else factories.PersonFactory()
        factories.SessionRoleFactory(session=session, person=chair, role=SessionRole.Role.HOST)
        factories.SessionRoleFactory(session=session, role=SessionRole.Role.SPEAKER)
        for mode in SessionRole.Mode.values:
            factories.SessionRoleFactory(
                session=session, role=SessionRole.Role.GUEST, mode=mode, location={"en": "Almaty"}
            )
    if person is not None:
        factories.ParticipationFactory(
            programme=programme, person=person, kind=Participation.Kind.PARTICIPANT
        )
    return programme


def _queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _cold_and_warm_queries(client, url: str) -> tuple[list[str], list[str]]:
    """Queries with nothing cached, then with whatever the first request cached."""
    cache.clear()
    return _queries(client, url), _queries(client, url)


def _assert_same_count(small: list[str], large: list[str]) -> None:
    assert len(large) == len(small), "\n".join(large)


def _signed_in_reader():
    person = factories.PersonFactory(
        user=factories.UserFactory(), preferred_language="ru", home_timezone="Asia/Almaty"
    )
    return client_for(person.user)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_public_programme_queries_do_not_grow_with_sessions(signed_in):
    small, large = _programme_with_sessions(5), _programme_with_sessions(50)
    client = _signed_in_reader() if signed_in else client_for(None)
    # The first request fills per-process caches; only later ones are comparable.
    client.get(f"/p/{small.slug}/?tz=Europe/Moscow")

    small_cold, small_warm = _cold_and_warm_queries(client, f"/p/{small.slug}/?tz=Europe/Moscow")
    large_cold, large_warm = _cold_and_warm_queries(client, f"/p/{large.slug}/?tz=Europe/Moscow")

    _assert_same_count(small_cold, large_cold)
    _assert_same_count(small_warm, large_warm)


def test_portal_queries_do_not_grow_with_sessions():
    readers = []
    for count in (5, 50):
        person = factories.PersonFactory(user=factories.UserFactory())
        _programme_with_sessions(count, person=person)
        readers.append(client_for(person.user))
    small_reader, large_reader = readers
    # The first visit also makes each reader's personal join link (one insert).
    small_reader.get("/me/")
    large_reader.get("/me/")

    small_cold, small_warm = _cold_and_warm_queries(small_reader, "/me/")
    large_cold, large_warm = _cold_and_warm_queries(large_reader, "/me/")

    _assert_same_count(small_cold, large_cold)
    _assert_same_count(small_warm, large_warm)
