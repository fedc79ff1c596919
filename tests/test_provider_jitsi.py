"""Jitsi public (the embedded default) and self-hosted Jitsi with JWT and event_sync."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import jwt
import pytest

from seminarium.conferencing.providers import PROVIDERS, get_provider
from seminarium.conferencing.providers.base import (
    Joiner,
    ProviderError,
    ProvisionedRoom,
    RoomSpec,
    VideoProvider,
    WebhookMalformed,
    WebhookRejected,
)

pytestmark = pytest.mark.filterwarnings("ignore::jwt.InsecureKeyLengthWarning")
NOW = datetime(2026, 11, 30, 8, 55, tzinfo=UTC)
KEY = "k7Qf3vYx2LmN9pRt5sWz8bC1dE4gH6jA"
SPEC = RoomSpec(key=KEY, title="Plenary", start=NOW, end=NOW + timedelta(hours=1))
JWT_CONFIG = {
    "base_url": "https://meet.example.org/",
    "app_id": "seminarium",
    "app_secret": "jitsi-app-secret",
    "audience": "jitsi",
    "subject": "meet.example.org",
    "webhook_secret": "event-sync-token",
}


def test_registry_has_every_provider():
    assert set(PROVIDERS) == {"jitsi", "jitsi-jwt", "janus", "bbb", "zoom"}
    for name in PROVIDERS:
        provider = get_provider(name, {})
        assert isinstance(provider, VideoProvider) and provider.name == name
    with pytest.raises(KeyError):
        get_provider("skype", {})


def test_public_jitsi_room_is_the_key_and_embeds_our_page():
    provider = get_provider("jitsi", {})
    assert provider.embeds_room_page and not provider.native_interpretation
    room = provider.create_room(SPEC)
    url = provider.join_url(room, Joiner(ref="41", display_name='Ли "Вэй"'), NOW)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"https://meet.jit.si/{KEY}"
    assert not parts.query  # nothing secret, nothing sent to the server
    name = unquote(parts.fragment.removeprefix("userInfo.displayName="))
    assert json.loads(name) == 'Ли "Вэй"'
    other = get_provider("jitsi", {"base_url": "https://jitsi.example.org"})
    assert other.join_url(room, Joiner("1", "A"), NOW).startswith(
        f"https://jitsi.example.org/{KEY}#"
    )


def _claims(url: str) -> dict:
    token = parse_qs(urlsplit(url).query)["jwt"][0]
    return jwt.decode(
        token,
        "jitsi-app-secret",
        algorithms=["HS256"],
        audience="jitsi",
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )


def test_jwt_has_the_documented_claims_and_a_short_life():
    provider = get_provider("jitsi-jwt", JWT_CONFIG)
    room = provider.create_room(SPEC)
    host = Joiner(ref="41", display_name="Ann", email="ann@example.org", moderator=True)
    url = provider.join_url(room, host, NOW)
    assert url.startswith(f"https://meet.example.org/{KEY}?jwt=")
    claims = _claims(url)
    assert claims["iss"] == "seminarium" and claims["aud"] == "jitsi"
    assert claims["sub"] == "meet.example.org" and claims["room"] == KEY
    assert (
        timedelta(minutes=2)
        <= timedelta(seconds=claims["exp"] - NOW.timestamp())
        <= timedelta(minutes=5)
    )
    assert claims["nbf"] <= NOW.timestamp()
    assert claims["context"]["user"] == {
        "id": "41",
        "name": "Ann",
        "email": "ann@example.org",
        "moderator": True,
        "affiliation": "owner",
    }
    viewer = _claims(provider.join_url(room, Joiner(ref="42", display_name="Bob"), NOW))
    assert viewer["context"]["user"]["moderator"] is False
    assert viewer["context"]["user"]["affiliation"] == "member"


def test_jwt_expires_and_cannot_be_forged():
    provider = get_provider("jitsi-jwt", JWT_CONFIG)
    clicked = datetime.now(UTC) - timedelta(minutes=6)
    url = provider.join_url(ProvisionedRoom(KEY), Joiner("41", "Ann"), clicked)
    token = parse_qs(urlsplit(url).query)["jwt"][0]
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(token, "jitsi-app-secret", algorithms=["HS256"], audience="jitsi")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            token, "other", algorithms=["HS256"], audience="jitsi", options={"verify_exp": False}
        )


def test_missing_jwt_settings_are_a_final_error():
    provider = get_provider("jitsi-jwt", {"base_url": "https://meet.example.org/"})
    with pytest.raises(ProviderError) as caught:
        provider.join_url(ProvisionedRoom(KEY), Joiner("41", "Ann"), NOW)
    assert not caught.value.retryable


BEARER = {"Authorization": "Bearer event-sync-token", "Content-Type": "application/json"}


def _occupant(**extra):
    return {
        "name": "Ann",
        "email": "ann@example.org",
        "id": "41",
        "occupant_jid": f"{KEY}@conference.meet.example.org/ab12cd34",
        **extra,
    }


def test_event_sync_joined_and_left():
    provider = get_provider("jitsi-jwt", JWT_CONFIG)
    joined = {
        "event_name": "muc-occupant-joined",
        "room_name": KEY,
        "room_jid": f"{KEY}@conference.meet.example.org",
        "occupant": _occupant(joined_at=1795993200),
    }
    (join,) = provider.parse_webhook(BEARER, json.dumps(joined).encode(), {}).events
    assert join.kind == "join" and join.participant_ref == "41"
    assert join.at == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    assert join.device.endswith("/ab12cd34") and join.provider_room_id == KEY
    left = {
        **joined,
        "event_name": "muc-occupant-left",
        "occupant": _occupant(joined_at=1795993200, left_at=1795996800),
    }
    (leave,) = provider.parse_webhook(BEARER, json.dumps(left).encode(), {}).events
    assert leave.kind == "leave" and leave.at - join.at == timedelta(hours=1)
    assert leave.device == join.device and leave.event_id != join.event_id


def test_event_sync_room_destroyed_closes_the_room():
    provider = get_provider("jitsi-jwt", JWT_CONFIG)
    destroyed = {
        "event_name": "muc-room-destroyed",
        "room_name": KEY,
        "created_at": 1795993000,
        "destroyed_at": 1795997000,
        "all_occupants": [_occupant(joined_at=1795993200, left_at=1795996800)],
    }
    result = provider.parse_webhook(BEARER, json.dumps(destroyed).encode(), {})
    assert [e.kind for e in result.events] == ["join", "leave"]
    assert result.room_ended == ((KEY, datetime.fromtimestamp(1795997000, UTC)),)
    created = {"event_name": "muc-room-created", "room_name": KEY, "created_at": 1}
    assert provider.parse_webhook(BEARER, json.dumps(created).encode(), {}).events == ()


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 403),
        ({"Authorization": "Basic event-sync-token"}, 403),
    ],
)
def test_event_sync_needs_the_bearer_secret(headers, status):
    provider = get_provider("jitsi-jwt", JWT_CONFIG)
    with pytest.raises(WebhookRejected) as caught:
        provider.parse_webhook(headers, b"{}", {})
    assert caught.value.status == status


def test_event_sync_without_a_configured_secret_rejects_everything():
    provider = get_provider("jitsi-jwt", {**JWT_CONFIG, "webhook_secret": ""})
    with pytest.raises(WebhookRejected):
        provider.parse_webhook({"Authorization": "Bearer "}, b"{}", {})


def test_event_sync_malformed():
    provider = get_provider("jitsi-jwt", JWT_CONFIG)
    with pytest.raises(WebhookMalformed, match="joined_at"):
        provider.parse_webhook(
            BEARER,
            json.dumps(
                {"event_name": "muc-occupant-joined", "room_name": KEY, "occupant": {"id": "41"}}
            ).encode(),
            {},
        )


def test_public_jitsi_takes_no_callbacks():
    with pytest.raises(WebhookRejected) as caught:
        get_provider("jitsi", {}).parse_webhook({}, b"{}", {})
    assert caught.value.status == 404
