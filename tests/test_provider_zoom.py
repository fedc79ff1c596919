"""Contract tests: the Zoom provider against tests/contract/fake_zoom.py on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from seminarium.conferencing.providers import get_provider
from seminarium.conferencing.providers.base import (
    InterpreterSeat,
    Joiner,
    ProviderError,
    ProvisionedRoom,
    RoomSpec,
    WebhookMalformed,
    WebhookRejected,
)
from seminarium.conferencing.providers.zoom import ZoomProvider
from tests.contract.fake_zoom import FakeZoom
from tests.contract.http_sink import EventSink

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SPEC = RoomSpec(
    key="session-17",
    title="Plenary: Judicial Ethics",
    start=START,
    end=START + timedelta(minutes=90),
    interpreters=(
        InterpreterSeat("interp.zh@example.org", "en", "zh-hans"),
        InterpreterSeat("interp.kk@example.org", "ru", "kk"),
    ),
)


@pytest.fixture
def zoom():
    with FakeZoom().running() as fake:
        yield fake


def test_create_meeting_with_native_interpretation(zoom):
    provider = get_provider("zoom", zoom.config())
    assert provider.native_interpretation
    room = provider.create_room(SPEC)
    meeting = zoom.meetings[int(room.provider_room_id)]
    assert meeting["start_time"] == "2026-11-30T09:00:00Z" and meeting["duration"] == 90
    assert meeting["settings"]["approval_type"] == 0
    assert meeting["settings"]["language_interpretation"] == {
        "enable": True,
        "interpreters": [
            {"email": "interp.zh@example.org", "languages": "US,CN"},
            {"email": "interp.kk@example.org", "interpreter_languages": "Russian,Kazakh"},
        ],
    }
    assert room.data["join_url"] == meeting["join_url"]
    assert "start_url" not in room.data  # the host's key stays out of our database


def test_interpreters_assigned_later_are_sent_to_the_meeting(zoom):
    provider = get_provider("zoom", zoom.config())
    room = provider.create_room(replace(SPEC, interpreters=()))
    meeting = zoom.meetings[int(room.provider_room_id)]
    assert meeting["settings"]["language_interpretation"]["enable"] is False
    provider.update_interpreters(room, SPEC.interpreters)
    assert meeting["settings"]["language_interpretation"] == {
        "enable": True,
        "interpreters": [
            {"email": "interp.zh@example.org", "languages": "US,CN"},
            {"email": "interp.kk@example.org", "interpreter_languages": "Russian,Kazakh"},
        ],
    }
    assert meeting["settings"]["approval_type"] == 0  # the other settings are kept
    provider.update_interpreters(room, ())
    assert meeting["settings"]["language_interpretation"] == {"enable": False, "interpreters": []}
    with pytest.raises(ProviderError, match="HTTP 404"):
        provider.update_interpreters(ProvisionedRoom("999999"), ())


def test_create_again_finds_the_meeting_made_for_the_key(zoom):
    provider = get_provider("zoom", zoom.config())
    zoom.page_size_cap = 2  # so the search pages through the host's meetings
    others = [provider.create_room(replace(SPEC, key=f"other-{n}")) for n in range(5)]
    room = provider.create_room(SPEC)
    assert provider.create_room(SPEC) == room
    assert len(zoom.meetings) == 6 and room not in others
    assert provider.find_room("never-made") is None


def test_the_oauth_token_is_cached_until_it_expires(zoom):
    clock = {"now": time.time()}
    provider = ZoomProvider(zoom.config(), clock=lambda: clock["now"])
    provider.end_room(ProvisionedRoom("1"))
    provider.end_room(ProvisionedRoom("1"))
    assert len(zoom.tokens) == 1
    clock["now"] += zoom.token_lifetime  # within the last minute: fetch a new one
    provider.end_room(ProvisionedRoom("1"))
    assert len(zoom.tokens) == 2


def test_a_revoked_token_is_replaced_once(zoom):
    provider = get_provider("zoom", zoom.config())
    provider.create_room(SPEC)
    zoom.tokens.clear()
    provider.create_room(SPEC)
    assert len(zoom.tokens) == 1 and len(zoom.meetings) == 1


def test_wrong_client_secret_is_a_final_error(zoom):
    with pytest.raises(ProviderError) as caught:
        get_provider("zoom", zoom.config(client_secret="nope")).create_room(SPEC)
    assert not caught.value.retryable


def test_registrants_get_personal_join_urls(zoom):
    provider = get_provider("zoom", zoom.config())
    room = provider.create_room(SPEC)
    ann = Joiner(ref="41", display_name="Ann Lee", email="ann@example.org")
    registrant_id, url = provider.register(room, ann)
    bob_id, bob_url = provider.register(room, Joiner("42", "Bob", email="bob@example.org"))
    assert registrant_id != bob_id and url != bob_url
    assert provider.register(room, ann) == (registrant_id, url)
    stored = Joiner(ref="41", display_name="Ann Lee", personal_url=url)
    assert provider.join_url(room, stored, START) == url
    with pytest.raises(ProviderError, match="not registered"):
        provider.join_url(room, ann, START)
    with pytest.raises(ProviderError, match="e-mail"):
        provider.register(room, Joiner(ref="43", display_name="No Mail"))


def test_end_room(zoom):
    provider = get_provider("zoom", zoom.config())
    room = provider.create_room(SPEC)
    provider.end_room(room)
    assert zoom.meetings[int(room.provider_room_id)]["status"] == "ended"
    provider.end_room(ProvisionedRoom("1"))  # unknown meeting: nothing to end


def test_participant_webhooks_through_http(zoom):
    provider = get_provider("zoom", zoom.config())
    room = provider.create_room(SPEC)
    registrant_id, _ = provider.register(room, Joiner("41", "Ann", email="ann@example.org"))
    participant = {
        "user_id": "16778240",
        "user_name": "Ann",
        "participant_uuid": "p-uuid-1",
        "email": "ann@example.org",
        "registrant_id": registrant_id,
    }
    meeting = {"id": int(room.provider_room_id), "uuid": "u", "topic": "Plenary"}
    with EventSink().running() as sink:
        for event, extra in (
            ("meeting.participant_joined", {"join_time": "2026-11-30T09:01:00Z"}),
            ("meeting.participant_left", {"leave_time": "2026-11-30T09:58:30Z"}),
        ):
            zoom.post_webhook(
                sink.url,
                {
                    "event": event,
                    "event_ts": 1,
                    "payload": {
                        "account_id": zoom.account_id,
                        "object": {**meeting, "participant": {**participant, **extra}},
                    },
                },
            )
        deliveries = sink.wait_for(lambda found: len(found) == 2)
    events = [e for d in deliveries for e in provider.parse_webhook(d.headers, d.body, {}).events]
    join, leave = events
    assert (join.kind, leave.kind) == ("join", "leave")
    assert join.registrant_id == registrant_id and join.email == "ann@example.org"
    assert join.device == leave.device == "p-uuid-1"
    assert leave.at - join.at == timedelta(minutes=57, seconds=30)
    assert join.provider_room_id == room.provider_room_id

    headers, body = deliveries[0].headers, deliveries[0].body
    with pytest.raises(WebhookRejected):
        provider.parse_webhook(headers, body.replace(b"Ann", b"Eve"), {})
    with pytest.raises(WebhookRejected) as caught:
        provider.parse_webhook({}, body, {})
    assert caught.value.status == 401


def test_url_validation_answer(zoom):
    provider = get_provider("zoom", zoom.config())
    headers, body = zoom.signed(
        {"event": "endpoint.url_validation", "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}}
    )
    result = provider.parse_webhook(headers, body, {})
    expected = hmac.new(
        zoom.webhook_secret.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256
    ).hexdigest()
    assert result.reply == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}
    assert result.events == ()


def test_stale_signatures_are_replays(zoom):
    provider = get_provider("zoom", zoom.config())
    message = {"event": "endpoint.url_validation", "payload": {"plainToken": "x"}}
    headers, body = zoom.signed(message, timestamp=int(time.time()) - 301)
    with pytest.raises(WebhookRejected, match="too old"):
        provider.parse_webhook(headers, body, {})
    headers, body = zoom.signed(message, timestamp=int(time.time()) - 250)
    assert provider.parse_webhook(headers, body, {}).reply


def test_a_verified_but_malformed_event_is_malformed(zoom):
    provider = get_provider("zoom", zoom.config())
    headers, body = zoom.signed(
        {"event": "meeting.participant_joined", "payload": {"object": {"id": 5}}}
    )
    with pytest.raises(WebhookMalformed, match="participant"):
        provider.parse_webhook(headers, body, {})


def test_the_participants_report_is_read_through_every_page(zoom):
    provider = get_provider("zoom", zoom.config())
    room = provider.create_room(SPEC)
    rows = [
        {
            "id": f"zoom-user-{n}",
            "user_id": str(16_000_000 + n),
            "name": f"Person {n}",
            "user_email": f"p{n}@example.org",
            "registrant_id": f"reg-{n % 300}",
            "join_time": (START + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "leave_time": (START + timedelta(minutes=30, seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration": 1800,
        }
        for n in range(650)
    ]
    zoom.report_rows[int(room.provider_room_id)] = rows
    events = provider.final_attendance(room)
    assert zoom.report_pages_served == 3
    assert len(events) == 1300 and all(event.final for event in events)
    assert len({event.event_id for event in events}) == 1300
    first = [e for e in events if e.device == events[0].device]
    assert [e.kind for e in first] == ["join", "leave"]
    assert first[1].at - first[0].at == timedelta(minutes=30)
    assert json.dumps(events[0].payload)  # raw row kept for the ledger
