"""Every parse_webhook, fed anything: a result, WebhookRejected or WebhookMalformed, nothing else.

Random bytes with random headers test the gate; payloads that pass the
signature check (signed here exactly as each provider signs) test the parser.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC
from urllib.parse import urlencode

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seminarium.conferencing.providers import get_provider
from seminarium.conferencing.providers.base import (
    WebhookMalformed,
    WebhookRejected,
    WebhookResult,
)

pytestmark = pytest.mark.filterwarnings("ignore::jwt.InsecureKeyLengthWarning")

CONFIGS = {
    "jitsi-jwt": {"app_id": "a", "app_secret": "s", "webhook_secret": "hook"},
    "janus": {"webhook_user": "janus", "webhook_secret": "hook"},
    "bbb": {
        "url": "http://bbb.invalid/bigbluebutton",
        "secret": "bbb-secret",
        "webhook_url": "https://seminar.example.org/hooks/bbb/",
    },
    "zoom": {"webhook_secret": "zoom-secret"},
}
HOOKED = sorted(CONFIGS)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def mostly(valid: st.SearchStrategy) -> st.SearchStrategy:
    """Usually a well-formed value, sometimes anything, so both paths are exercised."""
    return st.one_of(valid, valid, valid, json_values)


epochs = mostly(st.integers(0, 2**40))
names = mostly(st.text(max_size=20))
iso_times = mostly(st.datetimes(timezones=st.just(UTC)).map(lambda moment: moment.isoformat()))


def near_valid(keys: dict) -> st.SearchStrategy:
    """Objects with the field names a provider expects, holding anything at all."""
    extra = {key: json_values for key in ("extra", "id", "data") if key not in keys}
    return st.fixed_dictionaries(dict(keys), optional=extra)


def outcome(name: str, headers: dict, body: bytes, query: dict):
    provider = get_provider(name, CONFIGS[name])
    try:
        result = provider.parse_webhook(headers, body, query)
    except (WebhookRejected, WebhookMalformed) as error:
        return error
    assert isinstance(result, WebhookResult)
    return result


@pytest.mark.parametrize("name", HOOKED)
@given(
    body=st.binary(max_size=300),
    headers=st.dictionaries(
        st.sampled_from(["Authorization", "x-zm-signature", "x-zm-request-timestamp", "X-Other"]),
        st.text(max_size=60),
    ),
    query=st.dictionaries(st.sampled_from(["checksum", "x"]), st.text(max_size=130)),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_unsigned_garbage_is_rejected(name, body, headers, query):
    assert isinstance(outcome(name, headers, body, query), WebhookRejected)


occupant = near_valid(
    {"id": names, "joined_at": epochs, "left_at": epochs, "occupant_jid": names, "name": names}
)
jitsi_bodies = st.one_of(
    st.binary(max_size=200),
    st.builds(
        lambda event, room, occ, ended: json.dumps(
            {
                "event_name": event,
                "room_name": room,
                "occupant": occ,
                "destroyed_at": ended,
                "all_occupants": [occ, occ],
            }
        ).encode(),
        st.sampled_from(["muc-occupant-joined", "muc-occupant-left", "muc-room-destroyed", "x"]),
        names,
        mostly(occupant),
        epochs,
    ),
)


@given(body=jitsi_bodies)
@settings(max_examples=300, deadline=None)
def test_jitsi_signed_payloads(body):
    outcome("jitsi-jwt", {"Authorization": "Bearer hook"}, body, {})


janus_data = near_valid(
    {
        "event": st.sampled_from(["joined", "leaving", "destroyed", "kicked", "unpublished"]),
        "room": mostly(st.integers(1, 2**48)),
        "id": mostly(st.integers(0, 2**53)),
        "display": names,
    }
)
janus_event = st.fixed_dictionaries(
    {
        "type": st.just(64),
        "timestamp": mostly(st.integers(min_value=0, max_value=2**62)),
        "event": mostly(
            st.fixed_dictionaries(
                {
                    "plugin": st.sampled_from(["janus.plugin.videoroom", "other"]),
                    "data": mostly(janus_data),
                }
            )
        ),
    }
)
janus_bodies = st.one_of(
    st.binary(max_size=200),
    st.lists(mostly(janus_event), max_size=4).map(lambda x: json.dumps(x).encode()),
    janus_event.map(lambda x: json.dumps(x).encode()),
)


@given(body=janus_bodies)
@settings(max_examples=300, deadline=None)
def test_janus_signed_payloads(body):
    auth = "Basic " + base64.b64encode(b"janus:hook").decode()
    outcome("janus", {"Authorization": auth}, body, {})


bbb_data = near_valid(
    {
        "id": st.sampled_from(["user-joined", "user-left", "meeting-ended", "x"]),
        "attributes": mostly(
            near_valid(
                {
                    "meeting": mostly(near_valid({"external-meeting-id": names})),
                    "user": mostly(
                        near_valid({"internal-user-id": names, "external-user-id": names})
                    ),
                }
            )
        ),
        "event": mostly(near_valid({"ts": epochs})),
    }
)
bbb_event = st.fixed_dictionaries({"data": mostly(bbb_data)})
bbb_forms = st.one_of(
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    st.builds(
        lambda events: urlencode({"event": json.dumps(events), "timestamp": 1}),
        st.one_of(bbb_event, st.lists(mostly(bbb_event), max_size=3), json_values),
    ),
)


@given(form=bbb_forms)
@settings(max_examples=300, deadline=None)
def test_bbb_hook_signed_payloads(form):
    config = CONFIGS["bbb"]
    digest = hashlib.sha1(  # noqa: S324 - bbb-webhooks signs with sha1
        f"{config['webhook_url']}{form}{config['secret']}".encode()
    ).hexdigest()
    outcome("bbb", {}, form.encode(), {"checksum": digest})


attendee = near_valid(
    {
        "ext_user_id": names,
        "joins": mostly(st.lists(iso_times | epochs, max_size=3)),
        "leaves": mostly(st.lists(iso_times | epochs, max_size=3)),
    }
)
analytics = st.one_of(
    st.binary(max_size=200),
    st.builds(
        lambda meeting, attendees, finish: json.dumps(
            {"meeting_id": meeting, "data": {"attendees": attendees, "finish": finish}}
        ).encode(),
        names,
        mostly(st.lists(mostly(attendee), max_size=3)),
        iso_times,
    ),
)


@given(body=analytics)
@settings(max_examples=300, deadline=None)
def test_bbb_analytics_signed_payloads(body):
    token = jwt.encode({}, CONFIGS["bbb"]["secret"], algorithm="HS512")
    outcome("bbb", {"Authorization": f"Bearer {token}"}, body, {})


participant = near_valid(
    {"join_time": iso_times, "leave_time": iso_times, "registrant_id": names, "user_id": names}
)
zoom_object = near_valid(
    {"id": mostly(st.integers(1, 2**40)), "end_time": iso_times, "participant": mostly(participant)}
)
zoom_bodies = st.one_of(
    st.binary(max_size=200),
    st.builds(
        lambda event, obj, token: json.dumps(
            {"event": event, "payload": {"plainToken": token, "object": obj}}
        ).encode(),
        st.sampled_from(
            [
                "meeting.participant_joined",
                "meeting.participant_left",
                "meeting.ended",
                "endpoint.url_validation",
            ]
        ),
        mostly(zoom_object),
        names,
    ),
)


@given(body=zoom_bodies, skew=st.integers(-400, 400))
@settings(max_examples=300, deadline=None)
def test_zoom_signed_payloads(body, skew):
    stamp = str(int(time.time()) + skew)
    digest = hmac.new(b"zoom-secret", f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    headers = {"x-zm-signature": f"v0={digest}", "x-zm-request-timestamp": stamp}
    result = outcome("zoom", headers, body, {})
    if abs(skew) > 300:
        assert isinstance(result, WebhookRejected)


def test_deeply_nested_json_is_malformed_not_a_crash():
    body = b"[" * 100_000 + b"]" * 100_000
    assert isinstance(
        outcome("jitsi-jwt", {"Authorization": "Bearer hook"}, body, {}), WebhookMalformed
    )
