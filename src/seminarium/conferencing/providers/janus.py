"""Janus VideoRoom, self-hosted (Debian package ``janus``).

Rooms are made over the Janus HTTP API (session, attach ``janus.plugin.videoroom``,
``exists``/``create``/``destroy``). People join on our own room page, which
uses the janus.js shipped with the package and the settings from
:meth:`JanusProvider.client_settings`. Joins and leaves come from Janus's
sample HTTP event handler, which POSTs JSON (an array when grouping is on) with
HTTP basic authentication.

The VideoRoom publisher id carries our participant reference: ``ref * 10**6 +``
a random device number, so two devices of one person stay apart and never
collide, and the reference is recovered from the id alone.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import httpx

from ._common import (
    TIMEOUT,
    epoch,
    header,
    load_json,
    mapping,
    request,
    same_secret,
    setting,
    text,
)
from .base import (
    Joiner,
    ProviderError,
    ProviderEvent,
    ProvisionedRoom,
    RoomSpec,
    VideoProvider,
    WebhookMalformed,
    WebhookRejected,
    WebhookResult,
)

PLUGIN = "janus.plugin.videoroom"
DEVICES = 10**6  # publisher id = ref * DEVICES + device number
ROOM_ALREADY_EXISTS = 427
NO_SUCH_ROOM = 426
TOKEN_MINUTES = 10
SESSION_GRACE = timedelta(hours=2)
BROWSER_TOKEN_FALLBACK = timedelta(hours=12)


def room_number(key: str) -> int:
    """A stable VideoRoom id for our room key, below 2**48 so JavaScript keeps it exact."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:6], "big") or 1


def signed_token(secret: str, expires: int, plugins: tuple[str, ...] = (PLUGIN,)) -> str:
    """A Janus HMAC-signed token (``token_auth_secret``): ``expiry,janus,plugins:base64 sig``."""
    data = ",".join((str(expires), "janus", *plugins))
    digest = hmac.new(secret.encode(), data.encode(), hashlib.sha1).digest()
    return f"{data}:{base64.b64encode(digest).decode()}"


def publisher_id(ref: str) -> int:
    if not ref.isdigit():
        raise ProviderError(
            f"janus needs a numeric participant reference, not {ref!r}", retryable=False
        )
    return int(ref) * DEVICES + 1 + secrets.randbelow(DEVICES - 1)


class JanusProvider(VideoProvider):
    """Config: ``api_url`` (``http://127.0.0.1:8088/janus``), ``client_url`` (the Janus
    URL browsers reach, default ``api_url``), ``token_secret`` (Janus's
    ``token_auth_secret``) or ``api_secret`` (its ``api_secret``), ``admin_key``
    (the VideoRoom ``admin_key`` if set), ``room_secret`` (ours: derives each
    room's secret and pin), ``room_page_url`` (our room page, ``{key}`` replaced
    by the room key), ``webhook_user``/``webhook_secret`` (the event handler's
    ``backend_user``/``backend_pwd``) and ``publishers`` (default 100).

    ``ProvisionedRoom.data`` holds ``key``, ``room`` (the VideoRoom number) and
    ``until`` (epoch seconds: session end plus two hours, the browser token's expiry).
    """

    name = "janus"
    embeds_room_page = True

    # The HTTP API -----------------------------------------------------------

    def _auth(self, expires: float | None = None) -> dict[str, str]:
        token_secret = self.config.get("token_secret")
        if token_secret:
            expires = expires or datetime.now().timestamp() + TOKEN_MINUTES * 60
            return {"token": signed_token(str(token_secret), int(expires))}
        if self.config.get("api_secret"):
            return {"apisecret": str(self.config["api_secret"])}
        return {}

    def _post(self, client: httpx.Client, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        base = str(setting(self.config, "api_url", self.name)).rstrip("/")
        message = {"transaction": uuid.uuid4().hex, **self._auth(), **body}
        response = request(client, "POST", base + path, what=f"janus {body['janus']}", json=message)
        try:
            answer = response.json()
        except ValueError:
            raise ProviderError("janus: the answer is not JSON") from None
        if answer.get("janus") == "error":
            error = answer.get("error") or {}
            # 403: wrong secret or token, which retrying cannot fix.
            raise ProviderError(
                f"janus error {error.get('code')}: {error.get('reason')}",
                retryable=error.get("code") != 403,
            )
        return answer

    def _videoroom(self, *requests: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Send VideoRoom requests in one short-lived session; returns each plugin answer."""
        answers = []
        with httpx.Client(timeout=TIMEOUT) as client:
            session = self._post(client, "", {"janus": "create"})["data"]["id"]
            try:
                handle = self._post(client, f"/{session}", {"janus": "attach", "plugin": PLUGIN})
                path = f"/{session}/{handle['data']['id']}"
                for body in requests:
                    answer = self._post(client, path, {"janus": "message", "body": dict(body)})
                    answers.append(answer.get("plugindata", {}).get("data", {}))
            finally:
                with contextlib.suppress(ProviderError):  # it times out on its own
                    self._post(client, f"/{session}", {"janus": "destroy"})
        return answers

    def _room_secrets(self, key: str) -> tuple[str, str]:
        """The room's admin secret and pin, derived so they never need storing."""
        ours = str(setting(self.config, "room_secret", self.name)).encode()
        secret = hmac.new(ours, b"secret:" + key.encode(), hashlib.sha256).hexdigest()
        pin = hmac.new(ours, b"pin:" + key.encode(), hashlib.sha256).hexdigest()[:20]
        return secret, pin

    @staticmethod
    def _check(answer: Mapping[str, Any], *, allowed: tuple[int, ...] = ()) -> None:
        code = answer.get("error_code")
        if code and code not in allowed:
            raise ProviderError(f"janus videoroom error {code}: {answer.get('error')}")

    # The provider interface -------------------------------------------------

    def room_exists(self, room: ProvisionedRoom) -> bool:
        (answer,) = self._videoroom({"request": "exists", "room": int(room.provider_room_id)})
        self._check(answer)
        return bool(answer.get("exists"))

    def create_room(self, spec: RoomSpec) -> ProvisionedRoom:
        number = room_number(spec.key)
        secret, pin = self._room_secrets(spec.key)
        create = {
            "request": "create",
            "room": number,
            "description": spec.title[:120] or spec.key,
            "secret": secret,
            "pin": pin,
            "is_private": True,
            "publishers": int(self.config.get("publishers") or 100),
            "permanent": False,
        }
        if self.config.get("admin_key"):
            create["admin_key"] = str(self.config["admin_key"])
        (exists,) = self._videoroom({"request": "exists", "room": number})
        self._check(exists)
        if not exists.get("exists"):
            (created,) = self._videoroom(create)
            self._check(created, allowed=(ROOM_ALREADY_EXISTS,))  # a concurrent create won
        # Browsers send their token with every request, long polls included, so it
        # must outlive the session.
        until = int((spec.end + SESSION_GRACE).timestamp())
        return ProvisionedRoom(
            provider_room_id=str(number), data={"key": spec.key, "room": number, "until": until}
        )

    def end_room(self, room: ProvisionedRoom) -> None:
        secret, _ = self._room_secrets(str(room.data.get("key", "")))
        (answer,) = self._videoroom(
            {"request": "destroy", "room": int(room.provider_room_id), "secret": secret}
        )
        self._check(answer, allowed=(NO_SUCH_ROOM,))

    def join_url(self, room: ProvisionedRoom, joiner: Joiner, now: datetime) -> str:
        page = str(setting(self.config, "room_page_url", self.name))
        return page.replace("{key}", str(room.data.get("key", ""))).replace(
            "{room}", room.provider_room_id
        )

    def client_settings(self, room: ProvisionedRoom, joiner: Joiner, now: datetime) -> dict:
        """What our room page hands janus.js: server, room, pin, publisher id, display name
        and, with token auth, a videoroom token valid until two hours after the session
        (janus.js sends it with every request; 12 hours for rooms without ``until``).
        No network call."""
        _, pin = self._room_secrets(str(room.data.get("key", "")))
        settings = {
            "server": str(
                self.config.get("client_url") or setting(self.config, "api_url", self.name)
            ),
            "room": int(room.provider_room_id),
            "pin": pin,
            "id": publisher_id(joiner.ref),
            "display": joiner.display_name,
        }
        until = room.data.get("until")
        fallback = now + BROWSER_TOKEN_FALLBACK
        expires = max(float(until) if until else fallback.timestamp(), now.timestamp() + 600)
        auth = self._auth(expires)
        if "token" in auth:
            settings["token"] = auth["token"]
        elif "apisecret" in auth:
            settings["apisecret"] = auth["apisecret"]
        return settings

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, query: Mapping[str, str]
    ) -> WebhookResult:
        self._verify_basic(headers)
        parsed = load_json(body)
        items = parsed if isinstance(parsed, list) else [parsed]
        events: list[ProviderEvent] = []
        ended: list[tuple[str, datetime]] = []
        for item in items:
            item = mapping(item, "an event")
            inner = item.get("event")
            if not isinstance(inner, Mapping) or inner.get("plugin") != PLUGIN:
                continue  # core, session, handle and media events say nothing about presence
            data = mapping(inner.get("data"), "event.data")
            kind = data.get("event")
            if kind not in ("joined", "leaving", "kicked", "destroyed"):
                continue  # 'unpublished' only means the camera went off: still in the room
            room_id = text(data.get("room"), "data.room")
            at = epoch(item.get("timestamp"), "timestamp", unit=1e-6)
            if kind == "destroyed":
                ended.append((room_id, at))
                continue
            participant = data.get("id")
            if isinstance(participant, bool) or not isinstance(participant, int):
                raise WebhookMalformed("data.id must be an integer publisher id")
            device = str(participant)
            events.append(
                ProviderEvent(
                    provider_room_id=room_id,
                    kind="join" if kind == "joined" else "leave",
                    at=at,
                    participant_ref=str(participant // DEVICES) if participant >= DEVICES else "",
                    device=device,
                    event_id=f"{room_id}:{device}:{kind}:{item.get('timestamp')}",
                    display_name=text(data.get("display"), "data.display", required=False),
                    payload=dict(item),
                )
            )
        return WebhookResult(events=tuple(events), room_ended=tuple(ended))

    def _verify_basic(self, headers: Mapping[str, str]) -> None:
        user = str(self.config.get("webhook_user") or "janus")
        secret = str(self.config.get("webhook_secret") or "")
        if not secret:
            raise WebhookRejected("no webhook secret is configured")
        given = header(headers, "Authorization")
        scheme, _, encoded = given.partition(" ")
        if not given:
            raise WebhookRejected("missing Authorization header", status=401)
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True)
        except ValueError:
            raise WebhookRejected("malformed basic credentials", status=401) from None
        if scheme.lower() != "basic" or not same_secret(decoded, f"{user}:{secret}".encode()):
            raise WebhookRejected("wrong event handler credentials")
