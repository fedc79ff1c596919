"""Personal join links and the join path: states, roles, channels and the query budget."""

import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

import jwt
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from seminarium.attendance.models import AttendanceEvent
from seminarium.conferencing import services
from seminarium.conferencing.models import JoinRecord, PersonalLink, Room, SessionVideo
from seminarium.conferencing.providers import PROVIDERS
from seminarium.conferencing.providers.base import ProviderError, ProvisionedRoom, VideoProvider
from seminarium.people.models import Person
from seminarium.programmes.models import Participation, ProgrammeRole, SessionRole
from tests import factories

pytestmark = pytest.mark.django_db


class DownProvider(VideoProvider):
    """A test double of our interface: a provider that is down."""

    name = "jitsi"
    embeds_room_page = True

    def create_room(self, spec):
        raise ProviderError("connection refused")

    def join_url(self, room, joiner, now):
        raise ProviderError("connection refused")


@pytest.fixture
def setup():
    now = timezone.now()
    programme = factories.ProgrammeFactory()
    session = factories.SessionFactory(
        programme=programme,
        start=now + timedelta(minutes=10),
        end=now + timedelta(minutes=100),
        floor_language="zh-hans",
        interpretation_languages=["ru", "en"],
    )
    participation = factories.ParticipationFactory(programme=programme)
    services.ensure_programme_rooms(programme)
    link = services.personal_link(participation)
    return {
        "programme": programme,
        "session": session,
        "participation": participation,
        "link": link,
    }


def _ru(message: str) -> str:
    """The page is in the participant's language (Russian for the factories' judges)."""
    with translation.override("ru"):
        return translation.gettext(message)


def _join(token: str, session_id: int, channel: str = ""):
    return Client().post(
        reverse("conferencing:join", args=[token, session_id]), {"channel": channel}
    )


def test_rooms_per_channel_are_made_ahead(setup):
    rooms = Room.objects.filter(session=setup["session"])
    assert sorted(r.channel for r in rooms) == ["", "en", "ru"]
    assert all(r.status == Room.Status.READY for r in rooms)
    assert all(len(r.key) >= 32 for r in rooms)
    assert len({r.key for r in rooms}) == 3


def test_link_token_is_long_and_stable(setup):
    link = setup["link"]
    assert len(link.token) >= 22  # >= 128 bits, URL-safe base64
    assert services.personal_link(setup["participation"]) == link
    assert services.personal_link_url(setup["participation"]) == f"/j/{link.token}/"
    assert services.participation_for_token(link.token) == setup["participation"]
    assert services.participation_for_token("nope") is None


def test_join_page_in_the_participants_language_and_zone(setup):
    person = setup["participation"].person
    person.preferred_language = "ru"
    person.home_timezone = "Asia/Almaty"
    person.save()
    response = Client().get(f"/j/{setup['link'].token}/")
    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    assert response["Cache-Control"] == "private, no-store"
    body = response.content.decode()
    assert "Алматы" in body
    setup["session"].refresh_from_db()
    assert setup["session"].title.localize("ru") in body


def test_open_session_opens_the_room_page_with_one_read_and_one_write(
    setup, django_assert_num_queries
):
    token, session = setup["link"].token, setup["session"]
    client = Client()
    # On PostgreSQL the read and the write are one statement, so one round trip.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        response = client.post(
            reverse("conferencing:join", args=[token, session.pk]), {"channel": "ru"}
        )
    assert response.status_code == 200  # public Jitsi: our room page embeds the room
    body = response.content.decode()
    room = Room.objects.get(session=session, channel="ru")
    assert room.key in body
    assert "external_api.js" in body
    assert f'href="{reverse("conferencing:join_page", args=[token])}"' in body
    assert reverse("conferencing:presence", args=[token, session.pk]) in body
    record = JoinRecord.objects.get()
    assert (record.room, record.channel, record.link) == (room, "ru", setup["link"])
    # The token is not the provider's URL, and the provider's URL is not in the link.
    assert room.key not in token


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ru", "Ван Вэй"), ("zh-hans", "王伟"), ("en", "Wang Wei")],
)
def test_the_room_shows_the_name_in_the_script_the_participant_reads(setup, language, expected):
    Person.objects.filter(pk=setup["participation"].person_id).update(
        family_name="王",
        given_name="伟",
        patronymic="",
        latin_family_name="Wang",
        latin_given_name="Wei",
        chinese_name="",
        russian_name="Ван Вэй",
        preferred_language=language,
    )
    body = _join(setup["link"].token, setup["session"].pk).content.decode()
    # Public Jitsi reads the name from the room URL's fragment, as a JSON string.
    shown = re.search(r"#userInfo\.displayName=([^\"&]+)", body).group(1)
    assert json.loads(unquote(shown)) == expected


def test_too_early(setup):
    session = setup["session"]
    session.start = timezone.now() + timedelta(hours=2)
    session.end = session.start + timedelta(hours=1)
    session.save()
    response = _join(setup["link"].token, session.pk)
    assert response.status_code == 200
    assert _ru("Not open yet").encode() in response.content
    assert not JoinRecord.objects.exists()
    page = Client().get(f"/j/{setup['link'].token}/").content.decode()
    assert "disabled" in page and _ru("Opens at %(time)s.").split("%(time)s")[0] in page


def test_too_early_names_the_opening_time_in_the_participants_own_zone(setup):
    session = setup["session"]
    session.start = datetime(2030, 6, 1, 6, 0, tzinfo=UTC)  # 11:00 in Almaty (UTC+5)
    session.end = session.start + timedelta(hours=1)
    session.save()
    Person.objects.filter(pk=setup["participation"].person_id).update(home_timezone="Asia/Almaty")
    page = _join(setup["link"].token, session.pk).content.decode()
    assert "10:45" in page  # the join buttons open 15 minutes before
    assert "05:45" not in page
    assert "(UTC+05:00)" in page


def test_revoked_link_is_a_plain_404(setup, django_user_model):
    old = setup["link"].token
    organiser = factories.UserFactory()
    fresh = services.revoke_link(organiser, setup["participation"])
    for response in (Client().get(f"/j/{old}/"), _join(old, setup["session"].pk)):
        assert response.status_code == 404
        assert b"This link does not work" in response.content
        assert str(setup["session"].title).encode() not in response.content
    assert Client().get(f"/j/{fresh.token}/").status_code == 200
    assert PersonalLink.objects.filter(participation=setup["participation"]).count() == 2


def test_cancelled_participation(setup):
    Participation.objects.filter(pk=setup["participation"].pk).update(
        status=Participation.Status.CANCELLED
    )
    assert Client().get(f"/j/{setup['link'].token}/").status_code == 404
    assert _join(setup["link"].token, setup["session"].pk).status_code == 404
    assert services.participation_for_token(setup["link"].token) is None


def test_another_programmes_session_tells_nothing(setup):
    other = factories.SessionFactory(start=setup["session"].start, end=setup["session"].end)
    services.ensure_programme_rooms(other.programme)
    response = _join(setup["link"].token, other.pk)
    assert response.status_code == 404
    assert not JoinRecord.objects.exists()
    assert _join("unknown-token", setup["session"].pk).status_code == 404


def test_provider_down_says_so_and_offers_retry(setup, monkeypatch):
    monkeypatch.setitem(PROVIDERS, "jitsi", DownProvider)
    session = factories.SessionFactory(
        programme=setup["programme"],
        start=setup["session"].start,
        end=setup["session"].end,
        interpretation_languages=[],
    )
    counts = services.ensure_programme_rooms(setup["programme"])
    assert counts["failed"] == 1
    room = Room.objects.get(session=session)
    assert room.status == Room.Status.FAILED
    assert room.next_attempt_at > timezone.now()
    assert "connection refused" in room.last_error
    response = _join(setup["link"].token, session.pk)
    assert response.status_code == 200
    assert _ru("The video room is not available right now").encode() in response.content
    assert _ru("Try again").encode() in response.content
    # A ready room whose provider fails at click time: the same page, never a 5xx.
    response = _join(setup["link"].token, setup["session"].pk)
    assert response.status_code == 200
    assert _ru("The video room is not available right now").encode() in response.content


def test_backoff_grows_and_retry_now_resets(setup, monkeypatch):
    monkeypatch.setitem(PROVIDERS, "jitsi", DownProvider)
    room = Room.objects.get(session=setup["session"], channel="")
    Room.objects.filter(pk=room.pk).update(status=Room.Status.PENDING)
    waits = []
    for _attempt in range(3):
        Room.objects.filter(pk=room.pk).update(next_attempt_at=timezone.now())
        services.ensure_programme_rooms(setup["programme"])
        room.refresh_from_db()
        waits.append(room.next_attempt_at - timezone.now())
    assert waits[0] < waits[1] < waits[2]
    services.retry_room(factories.UserFactory(), room)
    room.refresh_from_db()
    assert (room.status, room.attempts) == (Room.Status.PENDING, 0)


def _jwt_claims(response) -> dict:
    url = response["Location"]
    token = url.split("jwt=", 1)[1]
    return jwt.decode(
        token, "a-long-enough-test-secret-of-32-bytes", algorithms=["HS256"], audience="jitsi"
    )


@pytest.fixture
def jwt_settings(settings):
    settings.JITSI_JWT_BASE_URL = "https://meet.example.org/"
    settings.JITSI_JWT_APP_ID = "seminarium"
    settings.JITSI_JWT_APP_SECRET = "a-long-enough-test-secret-of-32-bytes"


@pytest.mark.parametrize(
    ("role", "moderator"),
    [
        (SessionRole.Role.HOST, True),
        (SessionRole.Role.SPEAKER, True),
        (SessionRole.Role.MODERATOR, True),
        (SessionRole.Role.GUEST, False),
        (None, False),
    ],
)
def test_roles_at_click_time(setup, jwt_settings, role, moderator):
    SessionVideo.objects.create(session=setup["session"], provider="jitsi-jwt")
    services.ensure_programme_rooms(setup["programme"])
    person = setup["participation"].person
    if role:
        factories.SessionRoleFactory(session=setup["session"], person=person, role=role)
    response = _join(setup["link"].token, setup["session"].pk)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).netloc == "meet.example.org"
    claims = _jwt_claims(response)
    assert claims["context"]["user"]["moderator"] is moderator
    assert claims["context"]["user"]["id"] == str(setup["participation"].pk)
    assert claims["exp"] - claims["iat"] <= 10 * 60


def test_organiser_joins_as_moderator(setup, jwt_settings):
    SessionVideo.objects.create(session=setup["session"], provider="jitsi-jwt")
    services.ensure_programme_rooms(setup["programme"])
    user = factories.UserFactory()
    person = setup["participation"].person
    person.user = user
    person.save()
    ProgrammeRole.objects.create(
        user=user, programme=setup["programme"], role=ProgrammeRole.Role.ORGANISER
    )
    claims = _jwt_claims(_join(setup["link"].token, setup["session"].pk))
    assert claims["context"]["user"]["moderator"] is True


def test_interpreter_gets_their_channel_room(setup, jwt_settings):
    SessionVideo.objects.create(session=setup["session"], provider="jitsi-jwt")
    services.ensure_programme_rooms(setup["programme"])
    person = setup["participation"].person
    factories.SessionRoleFactory(
        session=setup["session"], person=person, role=SessionRole.Role.INTERPRETER, channel="ru"
    )
    response = _join(setup["link"].token, setup["session"].pk, channel="en")
    room = Room.objects.get(session=setup["session"], channel="ru")
    assert room.key in response["Location"]
    assert _jwt_claims(response)["room"] == room.key
    # They listen to the floor as well: asking for it gives the floor's room.
    floor = Room.objects.get(session=setup["session"], channel="")
    assert _jwt_claims(_join(setup["link"].token, setup["session"].pk, channel=""))["room"] == (
        floor.key
    )
    page = Client().get(f"/j/{setup['link'].token}/").content.decode()
    assert 'name="channel" value="ru"' in page
    assert 'name="channel" value="" formtarget="_blank"' in page
    assert _ru("Interpret into %(language)s") % {"language": "русский"} in page
    assert "Russian" not in page  # language names in the page's language, from CLDR
    assert _ru("Listen to the floor in %(language)s (opens a new tab)").split("%(language)s")[
        0
    ] in (page)


def test_channel_choice_is_remembered(setup):
    token = setup["link"].token
    _join(token, setup["session"].pk, channel="en")
    page = Client().get(f"/j/{token}/").content.decode()
    assert '<option value="en" selected>' in page


def test_a_click_that_the_provider_fails_is_recorded_so_the_retry_keeps_the_channel(
    setup, monkeypatch
):
    """The record is written once the click gets in (session open, room ready), before
    the provider's URL is built: on PostgreSQL in the lookup's own statement, on SQLite
    just after it."""
    monkeypatch.setitem(PROVIDERS, "jitsi", DownProvider)
    token = setup["link"].token
    response = _join(token, setup["session"].pk, channel="en")
    assert _ru("The video room is not available right now").encode() in response.content
    assert JoinRecord.objects.get().channel == "en"
    page = Client().get(f"/j/{token}/").content.decode()
    assert '<option value="en" selected>' in page


def test_a_click_too_early_writes_nothing(setup):
    services.join(setup["link"].token, setup["session"].pk, "en")  # opens in time
    opens = services.join_opens(setup["session"].start)
    before = opens - timedelta(microseconds=1)
    assert services.join(setup["link"].token, setup["session"].pk, "ru", now=before).outcome == (
        "early"
    )
    assert services.join(setup["link"].token, setup["session"].pk, "ru", now=opens).outcome == (
        "embed"
    )
    ended = setup["session"].end
    assert services.join(setup["link"].token, setup["session"].pk, "en", now=ended).outcome == (
        "ended"
    )
    assert list(JoinRecord.objects.order_by("id").values_list("channel", flat=True)) == [
        "en",
        "ru",
    ]


def test_native_interpretation_uses_one_room(setup, settings, monkeypatch):
    class Native(VideoProvider):
        name = "zoom"
        native_interpretation = True
        seats = []

        def create_room(self, spec):
            Native.seats.append(spec.interpreters)
            return ProvisionedRoom("123", {"join_url": "https://zoom.example/j/123"})

        def join_url(self, room, joiner, now):
            if not joiner.personal_url:
                raise ProviderError("not registered")
            return joiner.personal_url

        def register(self, room, joiner):
            return f"reg-{joiner.ref}", f"https://zoom.example/w/123?tk={joiner.ref}"

    monkeypatch.setitem(PROVIDERS, "zoom", Native)
    interpreter = factories.PersonFactory(email="interp@example.org")
    factories.SessionRoleFactory(
        session=setup["session"],
        person=interpreter,
        role=SessionRole.Role.INTERPRETER,
        channel="ru",
    )
    services.set_session_provider(None, setup["session"], "zoom")
    services.ensure_programme_rooms(setup["programme"])
    rooms = Room.objects.filter(session=setup["session"])
    assert [r.channel for r in rooms] == [""]
    (seats,) = Native.seats
    assert [(s.email, s.from_language, s.to_language) for s in seats] == [
        ("interp@example.org", "zh-hans", "ru")
    ]
    # Not registered yet: the page says the room is not available.
    assert (
        _ru("The video room is not available right now").encode()
        in _join(setup["link"].token, setup["session"].pk).content
    )
    assert services.register_zoom_participants(rooms[0]) == 1
    response = _join(setup["link"].token, setup["session"].pk, channel="ru")
    assert response.status_code == 302
    assert response["Location"] == f"https://zoom.example/w/123?tk={setup['participation'].pk}"


def test_join_is_post_only(setup):
    url = reverse("conferencing:join", args=[setup["link"].token, setup["session"].pk])
    assert Client().get(url).status_code == 405
    assert not JoinRecord.objects.exists()


def test_join_page_queries_do_not_grow_with_sessions(setup, django_assert_max_num_queries):
    for n in range(10):
        factories.SessionFactory(
            programme=setup["programme"],
            start=setup["session"].start + timedelta(days=1, hours=n),
            end=setup["session"].start + timedelta(days=1, hours=n, minutes=30),
        )
    with django_assert_max_num_queries(6):
        assert Client().get(f"/j/{setup['link'].token}/").status_code == 200


def test_join_records_are_append_only(setup):
    _join(setup["link"].token, setup["session"].pk)
    record = JoinRecord.objects.get()
    record.channel = "en"
    with pytest.raises(ValueError, match="append-only"):
        record.save()


def test_a_nul_character_from_the_browser_is_refused_and_nothing_is_stored(setup):
    token, session_id = setup["link"].token, setup["session"].pk
    presence = reverse("conferencing:presence", args=[token, session_id])
    for response in (
        Client().post(presence, {"kind": "join", "device": "tab\x00"}),
        _join(token, session_id, channel="ru\x00"),
        Client().get(reverse("conferencing:join_page", args=[token]), {"x\x00": "1"}),
    ):
        assert response.status_code == 400
        assert "U+0000" in response.content.decode()
    assert not AttendanceEvent.objects.exists()
    assert not JoinRecord.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_on_postgresql_the_join_statements_are_prepared_once_per_connection(setup):
    assert _join(setup["link"].token, setup["session"].pk, "ru").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any("conferencing_personallink" in statement for statement in prepared)
    assert any("INSERT INTO" in statement for statement in prepared)


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="kept connections are pinged on PostgreSQL only"
)


def _as_a_new_request_begins() -> None:
    # What Django does on request_started: a kept connection is due for a check.
    connection.close_if_unusable_or_obsolete()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_join_read_checks_a_kept_connection_without_a_ping_first(setup, monkeypatch):
    connection.ensure_connection()
    _as_a_new_request_begins()
    pings = []
    monkeypatch.setattr(connection, "is_usable", lambda: pings.append("SELECT 1") or True)
    assert services.join(setup["link"].token, setup["session"].pk, "ru").outcome == "embed"
    assert pings == []
    assert JoinRecord.objects.count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_that_died_while_idle_is_replaced_and_the_join_goes_through(setup):
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    admin = connection.get_new_connection(connection.get_connection_params())
    try:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend])
    finally:
        admin.close()
    _as_a_new_request_begins()
    response = _join(setup["link"].token, setup["session"].pk, "ru")
    assert response.status_code == 200
    assert JoinRecord.objects.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != backend
