"""Zoom: Server-to-Server OAuth, meetings with native interpretation, registrants,
signed webhooks and the paged participants report.

Zoom hands out a personal join URL per registrant. The background job that
provisions rooms calls :meth:`ZoomProvider.register` once per participant and
stores the ``(registrant_id, join_url)`` it returns; at click time the caller
passes the stored URL as ``Joiner.personal_url`` and :meth:`join_url` returns it
(no network call in the join path). Webhooks and the report name people by
``registrant_id`` (e-mail as a fallback); the caller matches them to the stored
registrations.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
from babel import Locale, UnknownLocaleError

from ._common import (
    TIMEOUT,
    header,
    iso_time,
    load_json,
    mapping,
    request,
    same_secret,
    setting,
    text,
)
from .base import (
    InterpreterSeat,
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

API_URL = "https://api.zoom.us/v2"
OAUTH_URL = "https://zoom.us/oauth/token"
AGENDA_PREFIX = "seminarium:"  # marks our meetings, so creation can be repeated safely
MAX_SIGNATURE_AGE = 300  # seconds; older signed requests are replays
# Zoom's built-in interpretation languages, by the country id its API expects.
SYSTEM_LANGUAGES = {
    "en": "US",
    "zh": "CN",
    "ja": "JP",
    "de": "DE",
    "fr": "FR",
    "ru": "RU",
    "pt": "PT",
    "es": "ES",
    "ko": "KR",
}

_token_cache: dict[tuple[str, str, str], tuple[str, float]] = {}
_token_lock = threading.Lock()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``x-zm-signature``: v0= hex HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    message = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _language_name(code: str) -> str:
    try:
        return Locale.parse(code.replace("-", "_")).get_language_name("en") or code
    except (ValueError, UnknownLocaleError):
        return code


def interpreter_entry(email: str, from_language: str, to_language: str) -> dict[str, str]:
    """One interpreter: system languages by country id, others by English language name."""
    codes = [code.split("-")[0].split("_")[0].lower() for code in (from_language, to_language)]
    if all(code in SYSTEM_LANGUAGES for code in codes):
        return {"email": email, "languages": ",".join(SYSTEM_LANGUAGES[c] for c in codes)}
    names = ",".join(_language_name(code) for code in (from_language, to_language))
    return {"email": email, "interpreter_languages": names}


def _interpreter_entries(seats: tuple[InterpreterSeat, ...]) -> list[dict[str, str]]:
    return [interpreter_entry(seat.email, seat.from_language, seat.to_language) for seat in seats]


class ZoomProvider(VideoProvider):
    """Config: ``account_id``, ``client_id``, ``client_secret`` (a Server-to-Server
    OAuth app with meeting:write, meeting:read and report:read scopes),
    ``webhook_secret`` (the app's secret token), ``user_id`` (the host, default
    ``me``), ``waiting_room`` (default false), ``api_url`` and ``oauth_url``
    (for tests).

    ``ProvisionedRoom.data`` holds ``uuid`` and the meeting's generic ``join_url``.
    """

    name = "zoom"
    native_interpretation = True

    def __init__(self, config: Mapping[str, Any], *, clock: Callable[[], float] = time.time):
        super().__init__(config)
        self.clock = clock

    # OAuth and HTTP -------------------------------------------------------

    @property
    def api_url(self) -> str:
        return str(self.config.get("api_url") or API_URL).rstrip("/")

    def _cache_key(self) -> tuple[str, str, str]:
        return (
            str(self.config.get("oauth_url") or OAUTH_URL),
            str(setting(self.config, "account_id", self.name)),
            str(setting(self.config, "client_id", self.name)),
        )

    def access_token(self, client: httpx.Client) -> str:
        """A Server-to-Server OAuth token, cached (per process) until a minute before expiry."""
        key = self._cache_key()
        with _token_lock:
            cached = _token_cache.get(key)
            if cached and cached[1] > self.clock():
                return cached[0]
            oauth_url, account_id, client_id = key
            response = request(
                client,
                "POST",
                oauth_url,
                what="zoom oauth",
                params={"grant_type": "account_credentials", "account_id": account_id},
                auth=(client_id, str(setting(self.config, "client_secret", self.name))),
            )
            try:
                answer = response.json()
                token = str(answer["access_token"])
                lifetime = float(answer.get("expires_in", 3600))
            except (ValueError, KeyError, TypeError) as error:
                raise ProviderError(f"zoom oauth: unexpected answer: {error}") from None
            _token_cache[key] = (token, self.clock() + lifetime - 60)
            return token

    def _forget_token(self) -> None:
        with _token_lock:
            _token_cache.pop(self._cache_key(), None)

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        """One API call with a bearer token; a 401 refreshes the token once."""
        with httpx.Client(timeout=TIMEOUT) as client:
            for attempt in range(2):
                token = self.access_token(client)
                try:
                    response = request(
                        client,
                        method,
                        f"{self.api_url}{path}",
                        what=f"zoom {method} {path}",
                        headers={"Authorization": f"Bearer {token}"},
                        **kwargs,
                    )
                except ProviderError as error:
                    if attempt == 0 and "HTTP 401" in str(error):
                        self._forget_token()
                        continue
                    raise
                if response.status_code == 204 or not response.content:
                    return {}
                try:
                    return response.json()
                except ValueError:
                    raise ProviderError(f"zoom {path}: the answer is not JSON") from None
        raise ProviderError("zoom: the token was refused twice", retryable=False)

    # The provider interface -----------------------------------------------

    def find_room(self, key: str) -> ProvisionedRoom | None:
        """The host's upcoming meeting made for this key (its agenda carries the key)."""
        user = quote(str(self.config.get("user_id") or "me"), safe="")
        params: dict[str, Any] = {"type": "upcoming", "page_size": 300}
        while True:
            page = self.api("GET", f"/users/{user}/meetings", params=params)
            for meeting in page.get("meetings") or []:
                if meeting.get("agenda") == f"{AGENDA_PREFIX}{key}" and meeting.get("id"):
                    return self._provisioned(meeting)
            if not page.get("next_page_token"):
                return None
            params["next_page_token"] = page["next_page_token"]

    @staticmethod
    def _provisioned(meeting: Mapping[str, Any]) -> ProvisionedRoom:
        return ProvisionedRoom(
            provider_room_id=str(meeting["id"]),
            data={"uuid": meeting.get("uuid", ""), "join_url": meeting.get("join_url", "")},
        )

    def create_room(self, spec: RoomSpec) -> ProvisionedRoom:
        """Create a scheduled meeting (type 2) with registration and interpretation.

        Zoom has no idempotency key, so an upcoming meeting whose agenda carries
        this key is reused; still, store the result and do not call this again
        for a key that already has a room.
        """
        existing = self.find_room(spec.key)
        if existing is not None:
            return existing
        interpreters = _interpreter_entries(spec.interpreters)
        minutes = max(1, round((spec.end - spec.start).total_seconds() / 60))
        body = {
            "topic": spec.title[:200] or spec.key,
            "type": 2,
            "start_time": spec.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration": minutes,
            "timezone": "UTC",
            "agenda": f"{AGENDA_PREFIX}{spec.key}",
            "settings": {
                "approval_type": 0,  # registrants are approved at once and get their own URL
                "registration_type": 1,
                "waiting_room": bool(self.config.get("waiting_room", False)),
                "language_interpretation": {
                    "enable": bool(interpreters),
                    "interpreters": interpreters,
                },
            },
        }
        user = quote(str(self.config.get("user_id") or "me"), safe="")
        meeting = self.api("POST", f"/users/{user}/meetings", json=body)
        if not isinstance(meeting, dict) or not meeting.get("id"):
            raise ProviderError("zoom: the created meeting has no id")
        return self._provisioned(meeting)

    def update_interpreters(
        self, room: ProvisionedRoom, interpreters: tuple[InterpreterSeat, ...]
    ) -> None:
        entries = _interpreter_entries(interpreters)
        settings = {"language_interpretation": {"enable": bool(entries), "interpreters": entries}}
        self.api("PATCH", f"/meetings/{room.provider_room_id}", json={"settings": settings})

    def end_room(self, room: ProvisionedRoom) -> None:
        try:
            self.api("PUT", f"/meetings/{room.provider_room_id}/status", json={"action": "end"})
        except ProviderError as error:
            if "HTTP 404" not in str(error) and "HTTP 400" not in str(error):
                raise  # 400/404: the meeting is not running or is gone, which is what we want

    def register(self, room: ProvisionedRoom, joiner: Joiner) -> tuple[str, str]:
        """Register one person; returns ``(registrant_id, personal join_url)`` to store.

        Registering the same e-mail again returns the same registrant, so retries are safe.
        """
        if not joiner.email:
            raise ProviderError("zoom needs an e-mail address to register", retryable=False)
        answer = self.api(
            "POST",
            f"/meetings/{room.provider_room_id}/registrants",
            json={
                "email": joiner.email,
                "first_name": joiner.display_name[:64] or joiner.ref,
                "last_name": "",
                "auto_approve": True,
            },
        )
        try:
            return str(answer["registrant_id"]), str(answer["join_url"])
        except (KeyError, TypeError):
            raise ProviderError("zoom: the registration answer has no join_url") from None

    def join_url(self, room: ProvisionedRoom, joiner: Joiner, now: datetime) -> str:
        if not joiner.personal_url:
            raise ProviderError("this person is not registered with Zoom yet")
        return joiner.personal_url

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, query: Mapping[str, str]
    ) -> WebhookResult:
        secret = str(self.config.get("webhook_secret") or "")
        given = header(headers, "x-zm-signature")
        timestamp = header(headers, "x-zm-request-timestamp")
        if not given or not timestamp:
            raise WebhookRejected("missing x-zm-signature or x-zm-request-timestamp", status=401)
        if not secret or not same_secret(given, signature(secret, timestamp, body)):
            raise WebhookRejected("wrong x-zm-signature")
        try:
            age = abs(self.clock() - float(timestamp))
        except ValueError:
            raise WebhookRejected("the request timestamp is not a number") from None
        if not age <= MAX_SIGNATURE_AGE:  # also refuses 'nan'
            raise WebhookRejected("the request timestamp is too old (a replay?)")

        message = mapping(load_json(body), "the event")
        event = text(message.get("event"), "event")
        payload = mapping(message.get("payload"), "payload")
        if event == "endpoint.url_validation":
            plain = text(payload.get("plainToken"), "payload.plainToken")
            encrypted = hmac.new(secret.encode(), plain.encode(), hashlib.sha256).hexdigest()
            return WebhookResult(reply={"plainToken": plain, "encryptedToken": encrypted})
        obj = mapping(payload.get("object"), "payload.object")
        room_id = text(obj.get("id"), "payload.object.id")
        if event == "meeting.ended":
            return WebhookResult(room_ended=((room_id, iso_time(obj.get("end_time"), "end_time")),))
        if event not in ("meeting.participant_joined", "meeting.participant_left"):
            return WebhookResult()
        joined = event == "meeting.participant_joined"
        person = mapping(obj.get("participant"), "payload.object.participant")
        field = "join_time" if joined else "leave_time"
        at = iso_time(person.get(field), f"participant.{field}")
        device = text(
            person.get("participant_uuid") or person.get("user_id") or person.get("id"),
            "participant.participant_uuid",
            required=False,
        )
        return WebhookResult(
            events=(
                ProviderEvent(
                    provider_room_id=room_id,
                    kind="join" if joined else "leave",
                    at=at,
                    device=device,
                    event_id=f"{room_id}:{device}:{event}:{at.isoformat()}",
                    display_name=text(person.get("user_name"), "user_name", required=False),
                    email=text(person.get("email"), "email", required=False),
                    registrant_id=text(
                        person.get("registrant_id"), "registrant_id", required=False
                    ),
                    payload=dict(person),
                ),
            )
        )

    def final_attendance(self, room: ProvisionedRoom) -> list[ProviderEvent]:
        """The participants report, all pages: one join and one leave per row, final."""
        events: list[ProviderEvent] = []
        page_token = ""
        while True:
            params = {"page_size": 300}
            if page_token:
                params["next_page_token"] = page_token
            page = self.api(
                "GET", f"/report/meetings/{room.provider_room_id}/participants", params=params
            )
            for row in page.get("participants") or []:
                events.extend(self._report_row(room.provider_room_id, row))
            page_token = str(page.get("next_page_token") or "")
            if not page_token:
                return events

    @staticmethod
    def _report_row(room_id: str, row: Mapping[str, Any]) -> list[ProviderEvent]:
        try:
            joined = iso_time(row.get("join_time"), "join_time")
            left = iso_time(row.get("leave_time"), "leave_time")
        except WebhookMalformed as error:
            raise ProviderError(f"zoom report: a row has no valid times: {error}") from None
        connection = str(row.get("user_id") or row.get("id") or "")
        device = f"report:{connection}:{joined.isoformat()}"
        common = {
            "provider_room_id": room_id,
            "device": device,
            "display_name": str(row.get("name") or ""),
            "email": str(row.get("user_email") or ""),
            "registrant_id": str(row.get("registrant_id") or ""),
            "payload": dict(row),
            "final": True,
        }
        return [
            ProviderEvent(kind="join", at=joined, event_id=f"{device}:join", **common),
            ProviderEvent(kind="leave", at=left, event_id=f"{device}:leave", **common),
        ]
