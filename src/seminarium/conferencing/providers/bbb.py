"""BigBlueButton: the API client (docs/development/api.md) and bbb-webhooks callbacks.

Every call is ``GET {base}/api/{call}?{query}&checksum=H(call + query + secret)``;
the server picks the hash by the checksum's length, so sha1, sha256, sha384 and
sha512 all work and sha256 is our default. Join URLs are signed too: they are
built at click time and never stored or e-mailed.

Attendance comes in twice: live ``user-joined``/``user-left`` callbacks from
bbb-webhooks (``?checksum=sha1(callbackURL + body + secret)``), and at the end
the analytics callback (``meta_analytics-callback-url``, JSON with a Bearer
HS512 JWT signed with the shared secret), which is the final word.
"""

from __future__ import annotations

import hashlib
import math
import warnings
import xml.etree.ElementTree as ET  # expat >= 2.4.1 refuses entity expansion bombs
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

import httpx
import jwt

from ._common import (
    TIMEOUT,
    epoch,
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

HASHES = {"sha1": 40, "sha256": 64, "sha384": 96, "sha512": 128}
HASH_BY_LENGTH = {length: name for name, length in HASHES.items()}
# Only what attendance needs (bbb-webhooks filters by eventID; older versions send all).
HOOK_EVENTS = "user-joined,user-left,meeting-ended"
# A meeting outlives its session's end by this much, for stragglers and overruns; it
# is ended by us (``end``) when the session is over anyway.
EXPIRY_MARGIN_MINUTES = 30


def checksum(call: str, query: str, secret: str, algorithm: str = "sha256") -> str:
    """The documented API checksum: hex digest of call name + query string + shared secret."""
    if algorithm not in HASHES:
        raise ValueError(f"unsupported checksum algorithm {algorithm!r}")
    return hashlib.new(algorithm, f"{call}{query}{secret}".encode()).hexdigest()


def verify_checksum(data: str, given: str, secret: str) -> bool:
    """Check a checksum of ``data + secret`` whose hash is told by its length, as BBB does."""
    algorithm = HASH_BY_LENGTH.get(len(given))
    if algorithm is None or not secret:
        return False
    expected = hashlib.new(algorithm, f"{data}{secret}".encode()).hexdigest()
    return same_secret(given.lower(), expected)


def _xml_dict(element: ET.Element) -> Any:
    """An XML response as nested dicts; repeated children become lists."""
    children = list(element)
    if not children:
        return (element.text or "").strip()
    result: dict[str, Any] = {}
    for child in children:
        value = _xml_dict(child)
        if child.tag in result:
            existing = result[child.tag]
            result[child.tag] = (
                [*existing, value] if isinstance(existing, list) else [existing, value]
            )
        else:
            result[child.tag] = value
    return result


class BigBlueButton(VideoProvider):
    """Config: ``url`` (``https://bbb.example.org/bigbluebutton/``), ``secret``,
    ``checksum`` (sha1, sha256 (default), sha384 or sha512), ``webhook_url`` (our
    callback URL registered with bbb-webhooks) and ``analytics_url`` (sent as a meta
    callback; ``{key}`` is replaced by the room key). The end of a meeting comes from the
    webhooks' ``meeting-ended`` and the analytics callback, so no ``meta_endCallbackUrl``
    (an unsigned GET) is asked for.

    ``ProvisionedRoom.data`` holds ``internal_meeting_id`` and ``create_time``;
    the join URL carries ``createTime`` so a link cannot enter a later run of
    the same meeting.
    """

    name = "bbb"
    rooms_can_vanish = True

    def __init__(self, config: Mapping[str, Any], *, client: httpx.Client | None = None):
        super().__init__(config)
        self._client = client

    # The API client -------------------------------------------------------

    @property
    def api_base(self) -> str:
        base = str(setting(self.config, "url", self.name)).rstrip("/")
        return base if base.endswith("/api") else base + "/api"

    @property
    def algorithm(self) -> str:
        algorithm = str(self.config.get("checksum") or "sha256").lower()
        if algorithm not in HASHES:
            raise ProviderError(f"bbb: unsupported checksum {algorithm!r}", retryable=False)
        return algorithm

    def signed_url(self, call: str, params: Mapping[str, Any]) -> str:
        query = urlencode({key: value for key, value in params.items() if value is not None})
        secret = str(setting(self.config, "secret", self.name))
        digest = checksum(call, query, secret, self.algorithm)
        return (
            f"{self.api_base}/{call}?{query}&checksum={digest}"
            if query
            else (f"{self.api_base}/{call}?checksum={digest}")
        )

    def call(self, call: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Make one API call; a FAILED answer raises ProviderError carrying its messageKey."""
        client = self._client or httpx.Client(timeout=TIMEOUT)
        try:
            response = request(client, "GET", self.signed_url(call, params), what=f"bbb {call}")
        finally:
            if self._client is None:
                client.close()
        try:
            root = ET.fromstring(response.content)  # noqa: S314 - see the import
        except ET.ParseError as error:
            raise ProviderError(f"bbb {call}: the answer is not XML: {error}") from None
        data = _xml_dict(root)
        if not isinstance(data, dict) or data.get("returncode") != "SUCCESS":
            data = data if isinstance(data, dict) else {}
            key = data.get("messageKey", "")
            message = data.get("message", "")
            # Bad credentials or parameters do not get better by retrying.
            retryable = key not in {"checksumError", "missingParamMeetingID", "invalidMeetingId"}
            error = ProviderError(f"bbb {call} failed: {key}: {message}", retryable=retryable)
            error.message_key = key  # type: ignore[attr-defined]
            raise error
        return data

    # The provider interface -----------------------------------------------

    def _callback(self, key: str, spec_key: str) -> str | None:
        url = self.config.get(key)
        return str(url).replace("{key}", spec_key) if url else None

    def create_room(self, spec: RoomSpec) -> ProvisionedRoom:
        # BBB drops a meeting nobody has joined after 5 minutes, and one everybody has
        # left after 1 (its defaults). Ours are made ahead, so the first lasts until the
        # session's end; and sessions have breaks, so the second lasts a session's
        # length (counted from when the last person left).
        until_end = max(math.ceil((spec.end - datetime.now(UTC)).total_seconds() / 60), 0)
        length = math.ceil((spec.end - spec.start).total_seconds() / 60)
        params = {
            "name": spec.title[:256] or spec.key,
            "meetingID": spec.key,
            "record": "false",
            "meetingKeepEvents": "true",  # needed for the analytics callback without recording
            "meetingExpireIfNoUserJoinedInMinutes": until_end + EXPIRY_MARGIN_MINUTES,
            "meetingExpireWhenLastUserLeftInMinutes": length + EXPIRY_MARGIN_MINUTES,
            "meta_analytics-callback-url": self._callback("analytics_url", spec.key),
            "meta_seminarium-channel": spec.channel or None,
        }
        data = self.call("create", params)
        return ProvisionedRoom(
            provider_room_id=spec.key,
            data={
                "internal_meeting_id": data.get("internalMeetingID", ""),
                "create_time": data.get("createTime", ""),
            },
        )

    def join_url(self, room: ProvisionedRoom, joiner: Joiner, now: datetime) -> str:
        return self.signed_url(
            "join",
            {
                "fullName": joiner.display_name,
                "meetingID": room.provider_room_id,
                "role": "MODERATOR" if joiner.moderator else "VIEWER",
                "userID": joiner.ref,
                "createTime": room.data.get("create_time") or None,
                "redirect": "true",
            },
        )

    def end_room(self, room: ProvisionedRoom) -> None:
        try:
            self.call("end", {"meetingID": room.provider_room_id})
        except ProviderError as error:
            if getattr(error, "message_key", "") != "notFound":  # already over
                raise

    def meeting_info(self, room: ProvisionedRoom) -> dict[str, Any]:
        return self.call("getMeetingInfo", {"meetingID": room.provider_room_id})

    # Webhooks (bbb-webhooks) ----------------------------------------------

    def hooks_list(self) -> list[dict[str, Any]]:
        data = self.call("hooks/list", {})
        hooks = data.get("hooks") or {}
        found = hooks.get("hook", []) if isinstance(hooks, dict) else []
        return found if isinstance(found, list) else [found]

    def hooks_create(
        self, callback_url: str, *, meeting_id: str | None = None, event_ids: str | None = None
    ) -> str:
        data = self.call(
            "hooks/create",
            {"callbackURL": callback_url, "meetingID": meeting_id, "eventID": event_ids},
        )
        return str(data.get("hookID", ""))

    def hooks_destroy(self, hook_id: str) -> None:
        self.call("hooks/destroy", {"hookID": hook_id})

    def register_webhooks(self) -> str:
        """Make sure our global hook exists; call it periodically, since bbb-webhooks drops
        a hook after about 12 failed deliveries. Returns the hook id."""
        callback_url = str(setting(self.config, "webhook_url", self.name))
        for hook in self.hooks_list():
            if hook.get("callbackURL") == callback_url and not hook.get("meetingID"):
                return str(hook.get("hookID", ""))
        return self.hooks_create(callback_url, event_ids=HOOK_EVENTS)

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, query: Mapping[str, str]
    ) -> WebhookResult:
        if header(headers, "Authorization"):
            return self._parse_analytics(headers, body)
        return self._parse_hook(body, query)

    def _parse_hook(self, body: bytes, query: Mapping[str, str]) -> WebhookResult:
        secret = str(self.config.get("secret") or "")
        callback_url = str(self.config.get("webhook_url") or "")
        given = str(query.get("checksum") or "")
        if not given:
            raise WebhookRejected("missing checksum", status=401)
        try:
            raw = body.decode()
        except UnicodeDecodeError:
            raise WebhookRejected("the body is not UTF-8, so its checksum cannot match") from None
        if not callback_url or not verify_checksum(callback_url + raw, given, secret):
            raise WebhookRejected("wrong checksum")
        form = parse_qs(raw, keep_blank_values=True)
        if "event" not in form:
            raise WebhookMalformed("the form has no 'event' field")
        items = load_json(form["event"][0])
        # Old bbb-webhooks sent one event object, newer ones an array of them.
        items = items if isinstance(items, list) else [items]
        events: list[ProviderEvent] = []
        ended: list[tuple[str, datetime]] = []
        for item in items:
            data = mapping(mapping(item, "an event").get("data", item), "event data")
            kind = data.get("id")
            attributes = mapping(data.get("attributes") or {}, "data.attributes")
            meeting = mapping(attributes.get("meeting") or {}, "attributes.meeting")
            room_id = text(meeting.get("external-meeting-id"), "external-meeting-id")
            at = epoch(mapping(data.get("event"), "data.event").get("ts"), "event.ts", unit=1e-3)
            if kind == "meeting-ended":
                ended.append((room_id, at))
            elif kind in ("user-joined", "user-left"):
                user = mapping(attributes.get("user"), "attributes.user")
                device = text(user.get("internal-user-id"), "internal-user-id")
                events.append(
                    ProviderEvent(
                        provider_room_id=room_id,
                        kind="join" if kind == "user-joined" else "leave",
                        at=at,
                        participant_ref=text(
                            user.get("external-user-id"), "external-user-id", required=False
                        ),
                        device=device,
                        event_id=f"{room_id}:{device}:{kind}:{int(at.timestamp() * 1000)}",
                        display_name=text(user.get("name"), "user.name", required=False),
                        payload=dict(data),
                    )
                )
        return WebhookResult(events=tuple(events), room_ended=tuple(ended))

    def _parse_analytics(self, headers: Mapping[str, str], body: bytes) -> WebhookResult:
        scheme, _, token = header(headers, "Authorization").partition(" ")
        if scheme.lower() != "bearer":
            raise WebhookRejected("expected a Bearer token", status=401)
        secret = str(self.config.get("secret") or "")
        if not secret:
            raise WebhookRejected("no secret is configured")
        try:
            with warnings.catch_warnings():
                # The key is BBB's shared secret: its length is not ours to choose.
                warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
                jwt.decode(token.strip(), secret, algorithms=["HS512"])
        except jwt.PyJWTError as error:
            raise WebhookRejected(f"the analytics token does not verify: {error}") from None
        payload = mapping(load_json(body), "the analytics report")
        room_id = text(payload.get("meeting_id"), "meeting_id")
        data = mapping(payload.get("data"), "data")
        attendees = data.get("attendees")
        if not isinstance(attendees, list):
            raise WebhookMalformed("data.attendees must be a list")
        events: list[ProviderEvent] = []
        for attendee in attendees:
            attendee = mapping(attendee, "an attendee")
            ref = text(attendee.get("ext_user_id"), "ext_user_id", required=False)
            name = text(attendee.get("name"), "attendee name", required=False)
            for kind, field in (("join", "joins"), ("leave", "leaves")):
                moments = attendee.get(field) or []
                if not isinstance(moments, list):
                    raise WebhookMalformed(f"{field} must be a list")
                # The n-th join pairs with the n-th leave: one device slot per pair.
                for index, moment in enumerate(sorted(_moment(m, field) for m in moments)):
                    events.append(
                        ProviderEvent(
                            provider_room_id=room_id,
                            kind=kind,  # type: ignore[arg-type]
                            at=moment,
                            participant_ref=ref,
                            device=f"bbb-report:{index}",
                            event_id=f"{room_id}:report:{ref}:{kind}:{index}",
                            display_name=name,
                            payload={"ext_user_id": ref, field: moments},
                            final=True,
                        )
                    )
        ended = ()
        if data.get("finish"):
            ended = ((room_id, _moment(data["finish"], "finish")),)
        return WebhookResult(events=tuple(events), room_ended=ended)


def _moment(value: Any, what: str) -> datetime:
    """The analytics report gives ISO times; older servers gave epoch milliseconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return epoch(value, what, unit=1e-3)
    return iso_time(value, what)
