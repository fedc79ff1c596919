"""Live smoke tests against real BigBlueButton and Zoom accounts.

They run only when credentials are in the environment and skip otherwise:
- BigBlueButton: SEMINARIUM_BBB_URL, SEMINARIUM_BBB_SECRET (optionally
  SEMINARIUM_BBB_WEBHOOK_URL to check hook registration; the hook is removed again);
- Zoom: SEMINARIUM_ZOOM_ACCOUNT_ID, SEMINARIUM_ZOOM_CLIENT_ID,
  SEMINARIUM_ZOOM_CLIENT_SECRET (optionally SEMINARIUM_ZOOM_USER_ID and
  SEMINARIUM_ZOOM_TEST_EMAIL to register one person). The meeting is deleted again.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from seminarium.conferencing.providers import get_provider
from seminarium.conferencing.providers.base import Joiner, RoomSpec


def _env(*names: str) -> dict[str, str]:
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        pytest.skip(f"live provider test: set {', '.join(missing)} to run it")
    return {name: os.environ[name] for name in names}


def _spec() -> RoomSpec:
    start = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    return RoomSpec(
        key=f"seminarium-smoke-{secrets.token_hex(8)}",
        title="Seminarium smoke test",
        start=start,
        end=start + timedelta(minutes=30),
    )


def test_bigbluebutton_live():
    env = _env("SEMINARIUM_BBB_URL", "SEMINARIUM_BBB_SECRET")
    provider = get_provider(
        "bbb",
        {
            "url": env["SEMINARIUM_BBB_URL"],
            "secret": env["SEMINARIUM_BBB_SECRET"],
            "webhook_url": os.environ.get("SEMINARIUM_BBB_WEBHOOK_URL", ""),
        },
    )
    spec = _spec()
    room = provider.create_room(spec)
    try:
        assert provider.create_room(spec) == room  # idempotent
        assert provider.meeting_info(room)["meetingID"] == room.provider_room_id
        url = provider.join_url(room, Joiner(ref="1", display_name="Smoke Test"), datetime.now(UTC))
        answer = httpx.get(url, follow_redirects=False, timeout=20)
        assert answer.status_code in (200, 302) and b"FAILED" not in answer.content
        if os.environ.get("SEMINARIUM_BBB_WEBHOOK_URL"):
            hook = provider.register_webhooks()
            assert provider.register_webhooks() == hook
            provider.hooks_destroy(hook)
    finally:
        provider.end_room(room)


def test_zoom_live():
    env = _env(
        "SEMINARIUM_ZOOM_ACCOUNT_ID", "SEMINARIUM_ZOOM_CLIENT_ID", "SEMINARIUM_ZOOM_CLIENT_SECRET"
    )
    provider = get_provider(
        "zoom",
        {
            "account_id": env["SEMINARIUM_ZOOM_ACCOUNT_ID"],
            "client_id": env["SEMINARIUM_ZOOM_CLIENT_ID"],
            "client_secret": env["SEMINARIUM_ZOOM_CLIENT_SECRET"],
            "user_id": os.environ.get("SEMINARIUM_ZOOM_USER_ID", "me"),
        },
    )
    room = provider.create_room(_spec())
    try:
        assert room.data["join_url"].startswith("https://")
        email = os.environ.get("SEMINARIUM_ZOOM_TEST_EMAIL")
        if email:
            registrant_id, url = provider.register(
                room, Joiner(ref="1", display_name="Smoke Test", email=email)
            )
            assert registrant_id and url.startswith("https://")
    finally:
        provider.api("DELETE", f"/meetings/{room.provider_room_id}")
