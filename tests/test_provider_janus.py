"""The Janus VideoRoom provider against a real Janus server on loopback (tests/janus_server.py)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from seminarium.conferencing.providers import get_provider
from seminarium.conferencing.providers.base import (
    Joiner,
    ProviderError,
    ProvisionedRoom,
    RoomSpec,
    WebhookRejected,
)
from seminarium.conferencing.providers.janus import DEVICES, room_number
from tests.janus_server import janus_call, janus_server  # noqa: F401 - a fixture

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def spec(key: str) -> RoomSpec:
    return RoomSpec(key=key, title="Plenary", start=START, end=START + timedelta(hours=1))


def test_create_is_idempotent_and_end_destroys(janus_server):  # noqa: F811
    provider = get_provider("janus", janus_server.provider_config())
    room = provider.create_room(spec("k-create-1"))
    assert room.provider_room_id == str(room_number("k-create-1"))
    assert provider.room_exists(room)
    assert provider.create_room(spec("k-create-1")) == room  # exists: nothing new
    provider.end_room(room)
    assert not provider.room_exists(room)
    provider.end_room(room)  # already gone: harmless


def test_wrong_admin_key_is_refused(janus_server):  # noqa: F811
    provider = get_provider("janus", janus_server.provider_config(admin_key="wrong"))
    with pytest.raises(ProviderError, match="videoroom error"):
        provider.create_room(spec("k-admin"))


def test_wrong_token_secret_is_refused_for_good(janus_server):  # noqa: F811
    provider = get_provider("janus", janus_server.provider_config(token_secret="wrong"))
    with pytest.raises(ProviderError) as caught:
        provider.create_room(spec("k-token"))
    assert not caught.value.retryable


def test_join_url_is_our_room_page(janus_server):  # noqa: F811
    provider = get_provider("janus", janus_server.provider_config())
    room = ProvisionedRoom("123", {"key": "abc", "room": 123})
    url = provider.join_url(room, Joiner(ref="7", display_name="Ann"), START)
    assert url == "https://seminar.example.org/rooms/abc/"


def _join(server, settings) -> tuple[int, int]:
    """Join as a publisher over the HTTP API, as janus.js does, without media."""
    token = settings["token"]
    session = janus_call(server, "", {"janus": "create"}, token)["data"]["id"]
    handle = janus_call(
        server, f"/{session}", {"janus": "attach", "plugin": "janus.plugin.videoroom"}, token
    )["data"]["id"]
    body = {
        "request": "join",
        "ptype": "publisher",
        "room": settings["room"],
        "pin": settings["pin"],
        "id": settings["id"],
        "display": settings["display"],
    }
    answer = janus_call(server, f"/{session}/{handle}", {"janus": "message", "body": body}, token)
    assert answer["janus"] == "ack", answer
    return session, handle


def _events(provider, server, predicate):
    deliveries = server.sink.wait_for(
        lambda found: predicate(
            [event for d in found for event in provider.parse_webhook(d.headers, d.body, {}).events]
        )
    )
    return [e for d in deliveries for e in provider.parse_webhook(d.headers, d.body, {}).events]


def test_event_handler_reports_join_and_leave_per_device(janus_server):  # noqa: F811
    provider = get_provider("janus", janus_server.provider_config())
    room = provider.create_room(spec("k-events"))
    joiner = Joiner(ref="41", display_name="Judge Ann")
    laptop = provider.client_settings(room, joiner, datetime.now(UTC))
    phone = provider.client_settings(room, joiner, datetime.now(UTC))
    assert laptop["id"] != phone["id"] and laptop["id"] // DEVICES == 41
    # janus.js sends the token with every request: it must outlive the session.
    assert int(laptop["token"].split(",")[0]) >= (START + timedelta(hours=1)).timestamp()

    session, handle = _join(janus_server, laptop)
    phone_session, _ = _join(janus_server, phone)

    def both_joined(events):
        return {e.device for e in events if e.kind == "join"} >= {
            str(laptop["id"]),
            str(phone["id"]),
        }

    events = _events(provider, janus_server, both_joined)
    joins = [e for e in events if e.kind == "join" and e.provider_room_id == room.provider_room_id]
    assert {e.participant_ref for e in joins} == {"41"}
    assert {e.display_name for e in joins} == {"Judge Ann"}
    assert all(abs(e.at - datetime.now(UTC)) < timedelta(minutes=1) for e in joins)

    janus_call(
        janus_server,
        f"/{session}/{handle}",
        {"janus": "message", "body": {"request": "leave"}},
        laptop["token"],
    )
    events = _events(
        provider,
        janus_server,
        lambda found: any(e.kind == "leave" and e.device == str(laptop["id"]) for e in found),
    )
    (leave,) = [e for e in events if e.kind == "leave"]
    assert leave.participant_ref == "41" and leave.provider_room_id == room.provider_room_id

    # A closed tab ends its Janus session (at once, or at the session timeout): a leave too.
    janus_call(janus_server, f"/{phone_session}", {"janus": "destroy"}, phone["token"])
    events = _events(
        provider,
        janus_server,
        lambda found: any(e.kind == "leave" and e.device == str(phone["id"]) for e in found),
    )
    assert {e.device for e in events if e.kind == "leave"} == {str(laptop["id"]), str(phone["id"])}

    provider.end_room(room)

    def ended_here(deliveries):
        return [
            ended
            for d in deliveries
            for ended in provider.parse_webhook(d.headers, d.body, {}).room_ended
            if ended[0] == room.provider_room_id
        ]

    (ended,) = ended_here(janus_server.sink.wait_for(ended_here))
    assert abs(ended[1] - datetime.now(UTC)) < timedelta(minutes=1)


def test_real_delivery_with_wrong_credentials_is_rejected(janus_server):  # noqa: F811
    provider = get_provider("janus", janus_server.provider_config())
    provider.create_room(spec("k-auth"))
    delivery = janus_server.sink.wait_for(lambda found: bool(found))[0]
    assert delivery.headers["Authorization"].startswith("Basic ")
    forged = {"Authorization": "Basic " + base64.b64encode(b"janus:guess").decode()}
    with pytest.raises(WebhookRejected) as caught:
        provider.parse_webhook(forged, delivery.body, {})
    assert caught.value.status == 403
    with pytest.raises(WebhookRejected) as caught:
        provider.parse_webhook({}, delivery.body, {})
    assert caught.value.status == 401
