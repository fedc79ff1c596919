"""Contract tests: the BigBlueButton provider against tests/contract/fake_bbb.py on loopback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from seminarium.conferencing.providers import get_provider
from seminarium.conferencing.providers.base import (
    Joiner,
    ProviderError,
    ProvisionedRoom,
    RoomSpec,
    WebhookMalformed,
    WebhookRejected,
)
from seminarium.conferencing.providers.bbb import checksum
from tests.contract.fake_bbb import FakeBBB
from tests.contract.http_sink import EventSink

pytestmark = pytest.mark.filterwarnings("ignore::jwt.InsecureKeyLengthWarning")
SECRET = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_known_answer_vector_from_the_docs():
    query = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"
    assert checksum("create", query, SECRET, "sha1") == "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"
    assert len(checksum("create", query, SECRET)) == 64  # sha256 by default


@pytest.fixture
def bbb():
    with FakeBBB(secret=SECRET).running() as fake, EventSink().running() as sink:
        yield fake, sink


def provider_for(fake: FakeBBB, sink: EventSink, **overrides):
    return get_provider(
        "bbb",
        {
            "url": fake.url,
            "secret": SECRET,
            "webhook_url": sink.url,
            "analytics_url": sink.url + "?analytics={key}",
            **overrides,
        },
    )


def spec(key="session-17-floor"):
    return RoomSpec(
        key=key, title="Plenary: Judicial Ethics", start=START, end=START + timedelta(1)
    )


@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha384", "sha512"])
def test_every_documented_checksum_is_accepted(bbb, algorithm):
    fake, sink = bbb
    room = provider_for(fake, sink, checksum=algorithm).create_room(spec())
    assert room.provider_room_id == "session-17-floor"


def test_wrong_secret_is_a_final_checksum_error(bbb):
    fake, sink = bbb
    with pytest.raises(ProviderError) as caught:
        provider_for(fake, sink, secret="not-the-secret").create_room(spec())
    assert caught.value.message_key == "checksumError"
    assert not caught.value.retryable


def test_create_is_idempotent_and_sends_the_callbacks(bbb):
    fake, sink = bbb
    provider = provider_for(fake, sink)
    first = provider.create_room(spec())
    second = provider.create_room(spec())
    assert first == second
    assert first.data["create_time"] and first.data["internal_meeting_id"]
    meta = fake.meetings["session-17-floor"].meta
    assert meta["analytics-callback-url"] == sink.url + "?analytics=session-17-floor"
    # The end comes from the webhooks; an unsigned GET end callback is not asked for.
    assert "endCallbackUrl" not in meta


def test_a_meeting_made_ahead_lasts_until_its_session_ends(bbb):
    """BBB drops a meeting nobody joined after 5 minutes unless create says otherwise;
    ours are made hours or days ahead."""
    fake, sink = bbb
    now = datetime.now(UTC)
    start = now + timedelta(days=2)
    made_ahead = RoomSpec(key="made-ahead", title="Opening", start=start, end=start + timedelta(3))
    provider_for(fake, sink).create_room(made_ahead)
    fake.create({"name": "Not ours", "meetingID": "with-bbb-defaults"})
    fake.expire_idle(now.timestamp() + 6 * 60)
    assert "with-bbb-defaults" not in fake.meetings  # the fake reaps as BBB does
    fake.expire_idle((made_ahead.end - timedelta(minutes=1)).timestamp())
    assert "made-ahead" in fake.meetings
    # After everybody leaves (a break), it waits a session's length and a margin.
    assert fake.meetings["made-ahead"].expire_when_last_user_left == 3 * 24 * 60 + 30
    fake.expire_idle((made_ahead.end + timedelta(hours=1)).timestamp())
    assert "made-ahead" not in fake.meetings  # not kept for ever


def test_join_url_is_signed_with_role_user_id_and_create_time(bbb):
    fake, sink = bbb
    provider = provider_for(fake, sink)
    room = provider.create_room(spec())
    url = provider.join_url(room, Joiner(ref="41", display_name="Ли Вэй", moderator=True), START)
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert params["role"] == "MODERATOR" and params["userID"] == "41"
    assert params["createTime"] == room.data["create_time"] and params["redirect"] == "true"
    answer = httpx.get(url)
    assert answer.status_code == 302 and "/html5client/" in answer.headers["Location"]
    viewer = provider.join_url(room, Joiner(ref="42", display_name="Ann"), START)
    assert "role=VIEWER" in viewer

    # A link built for an earlier run of the meeting does not enter a later one.
    stale = ProvisionedRoom(room.provider_room_id, {**room.data, "create_time": "1"})
    answer = httpx.get(provider.join_url(stale, Joiner(ref="41", display_name="x"), START))
    assert b"mismatchCreateTimeParam" in answer.content


def test_meeting_info_and_end(bbb):
    fake, sink = bbb
    provider = provider_for(fake, sink)
    room = provider.create_room(spec())
    httpx.get(provider.join_url(room, Joiner(ref="41", display_name="Ann"), START))
    info = provider.meeting_info(room)
    assert info["running"] == "true" and info["participantCount"] == "1"
    assert info["attendees"]["attendee"]["fullName"] == "Ann"
    provider.end_room(room)
    assert provider.meeting_info(room)["running"] == "false"
    provider.end_room(room)  # already ended: harmless
    with pytest.raises(ProviderError, match="notFound"):
        provider.meeting_info(ProvisionedRoom("never-created"))


def test_register_webhooks_is_idempotent_and_repairs_a_dropped_hook(bbb):
    fake, sink = bbb
    provider = provider_for(fake, sink)
    hook = provider.register_webhooks()
    assert provider.register_webhooks() == hook
    assert [h["hookID"] for h in provider.hooks_list()] == [hook]
    assert fake.hooks[hook]["eventID"] == "user-joined,user-left,meeting-ended"
    provider.hooks_destroy(hook)  # as bbb-webhooks does after repeated failures
    assert provider.hooks_list() == []
    assert provider.register_webhooks() != hook
    assert len(provider.hooks_list()) == 1


@pytest.mark.parametrize("new_shape", [True, False])
def test_user_joined_and_left_callbacks(bbb, new_shape):
    fake, sink = bbb
    provider = provider_for(fake, sink)
    room = provider.create_room(spec())
    provider.register_webhooks()
    httpx.get(provider.join_url(room, Joiner(ref="41", display_name="Ann"), START))
    (internal_user,) = fake.meetings[room.provider_room_id].attendees
    joined_ms = int(START.timestamp() * 1000) + 1500
    fake.user_event(
        room.provider_room_id, internal_user, "user-joined", ts=joined_ms, new_shape=new_shape
    )
    fake.user_event(
        room.provider_room_id,
        internal_user,
        "user-left",
        ts=joined_ms + 60_000,
        new_shape=new_shape,
    )
    deliveries = sink.wait_for(lambda found: len(found) == 2)
    events = []
    for delivery in deliveries:
        query = {k: v[0] for k, v in parse_qs(urlsplit(delivery.path).query).items()}
        events += provider.parse_webhook(delivery.headers, delivery.body, query).events
    join, leave = events
    assert (join.kind, leave.kind) == ("join", "leave")
    assert join.participant_ref == leave.participant_ref == "41"
    assert join.device == leave.device == internal_user
    assert join.at == START + timedelta(milliseconds=1500)
    assert leave.at - join.at == timedelta(minutes=1)
    assert join.provider_room_id == room.provider_room_id and not join.final

    query = {k: v[0] for k, v in parse_qs(urlsplit(deliveries[0].path).query).items()}
    with pytest.raises(WebhookRejected):
        provider.parse_webhook({}, deliveries[0].body.replace(b"41", b"42"), query)
    with pytest.raises(WebhookRejected) as caught:
        provider.parse_webhook({}, deliveries[0].body, {})
    assert caught.value.status == 401


def test_analytics_callback_is_the_final_attendance(bbb):
    fake, sink = bbb
    provider = provider_for(fake, sink)
    room = provider.create_room(spec())
    fake.analytics(
        room.provider_room_id,
        [
            {
                "ext_user_id": "41",
                "name": "Ann",
                "moderator": False,
                "joins": ["2026-11-30T09:01:00.000+00:00", "2026-11-30T09:30:00.000+00:00"],
                "leaves": ["2026-11-30T09:20:00.000+00:00", "2026-11-30T10:00:00.000+00:00"],
                "duration": 2940,
                "engagement": {"chats": 0, "talks": 2},
            }
        ],
    )
    (delivery,) = sink.wait_for(lambda found: len(found) == 1)
    result = provider.parse_webhook(delivery.headers, delivery.body, {})
    assert all(event.final and event.participant_ref == "41" for event in result.events)
    segments = sorted((e.device, e.kind, e.at.strftime("%H:%M")) for e in result.events)
    assert segments == [
        ("bbb-report:0", "join", "09:01"),
        ("bbb-report:0", "leave", "09:20"),
        ("bbb-report:1", "join", "09:30"),
        ("bbb-report:1", "leave", "10:00"),
    ]
    assert result.room_ended == ((room.provider_room_id, START + timedelta(hours=1)),)

    for forged in (
        jwt.encode({}, "wrong-secret", algorithm="HS512"),
        jwt.encode({}, SECRET, algorithm="HS256"),  # only HS512 is accepted
    ):
        with pytest.raises(WebhookRejected):
            provider.parse_webhook({"Authorization": f"Bearer {forged}"}, delivery.body, {})


def test_a_verified_but_malformed_analytics_report_is_malformed(bbb):
    fake, sink = bbb
    provider = provider_for(fake, sink)
    token = jwt.encode({}, SECRET, algorithm="HS512")
    with pytest.raises(WebhookMalformed, match="attendees"):
        provider.parse_webhook(
            {"Authorization": f"Bearer {token}"}, b'{"meeting_id": "m", "data": {}}', {}
        )


def test_server_down_is_a_retryable_error():
    provider = get_provider("bbb", {"url": "http://127.0.0.1:9/bigbluebutton", "secret": "s"})
    with pytest.raises(ProviderError) as caught:
        provider.create_room(spec())
    assert caught.value.retryable
