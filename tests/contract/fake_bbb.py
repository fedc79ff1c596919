"""A fake BigBlueButton server on loopback, built to the published API (docs/development/api.md,
bbb-webhooks), for contract tests.

It checks checksums the way the real server does (the hash chosen by the
checksum's length, over the call name and the query string without the
checksum), keeps meetings and hooks, answers in the documented XML shapes, and
posts callbacks: bbb-webhooks events (form POST, ``event`` as JSON, sha1
checksum of callback URL + body + secret) and the analytics callback (JSON,
``Authorization: Bearer`` HS512 JWT signed with the shared secret).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import itertools
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.sax.saxutils import escape

import httpx
import jwt

from tests.contract.http_sink import free_port

HASH_BY_LENGTH = {40: "sha1", 64: "sha256", 96: "sha384", 128: "sha512"}


def _xml(**fields) -> bytes:
    def render(value) -> str:
        if isinstance(value, dict):
            return "".join(f"<{k}>{render(v)}</{k}>" for k, v in value.items())
        if isinstance(value, list):
            return "".join(render(item) for item in value)
        return escape(str(value))

    return f"<response>{render(fields)}</response>".encode()


def failed(key: str, message: str) -> bytes:
    return _xml(returncode="FAILED", messageKey=key, message=message)


@dataclass
class Meeting:
    meeting_id: str
    name: str
    internal_id: str
    create_time: int
    meta: dict[str, str]
    # BBB's expiry: an empty meeting nobody joined goes after this many minutes
    # (bigbluebutton.properties: 5, unless create says otherwise).
    expire_if_no_user_joined: int = 5
    expire_when_last_user_left: int = 1
    created_at: float = field(default_factory=time.time)
    running: bool = True
    attendees: dict[str, dict] = field(default_factory=dict)


@dataclass
class FakeBBB:
    secret: str
    port: int = field(default_factory=free_port)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    hooks: dict[str, dict] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bigbluebutton/"

    # Checksums, as the real server checks them ------------------------------

    def checksum_ok(self, call: str, query: str) -> bool:
        params = parse_qs(query, keep_blank_values=True)
        given = (params.get("checksum") or [""])[0]
        algorithm = HASH_BY_LENGTH.get(len(given))
        if algorithm is None:
            return False
        # The query string exactly as sent, minus the checksum parameter.
        unsigned = "&".join(part for part in query.split("&") if not part.startswith("checksum="))
        expected = hashlib.new(algorithm, f"{call}{unsigned}{self.secret}".encode()).hexdigest()
        return given == expected

    # The API -----------------------------------------------------------------

    def handle(self, call: str, query: str) -> tuple[int, dict[str, str], bytes]:
        self.calls.append(call)
        if not self.checksum_ok(call, query):
            return 200, {}, failed("checksumError", "You did not pass the checksum security check")
        params = {key: values[0] for key, values in parse_qs(query).items()}
        handler = {
            "create": self.create,
            "join": self.join,
            "getMeetingInfo": self.get_meeting_info,
            "end": self.end,
            "hooks/create": self.hooks_create,
            "hooks/list": self.hooks_list,
            "hooks/destroy": self.hooks_destroy,
        }.get(call)
        if handler is None:
            return 200, {}, failed("unsupportedRequest", "This request is not supported.")
        return handler(params)

    def create(self, params):
        meeting_id = params.get("meetingID", "")
        if not params.get("name"):
            return 200, {}, failed("missingParamName", "You must specify a name for the meeting.")
        if not 2 <= len(meeting_id) <= 256 or "," in meeting_id:
            return 200, {}, failed("invalidMeetingId", "Meeting ID must be between 2 and 256")
        existing = self.meetings.get(meeting_id)
        key = "duplicateWarning"
        if existing is None or not existing.running:
            existing = self.meetings[meeting_id] = Meeting(
                meeting_id=meeting_id,
                name=params["name"],
                internal_id=f"{hashlib.sha1(meeting_id.encode()).hexdigest()}-{next(self._ids)}",  # noqa: S324
                create_time=int(time.time() * 1000) + next(self._ids),
                meta={k[5:]: v for k, v in params.items() if k.startswith("meta_")},
                expire_if_no_user_joined=int(params.get("meetingExpireIfNoUserJoinedInMinutes", 5)),
                expire_when_last_user_left=int(
                    params.get("meetingExpireWhenLastUserLeftInMinutes", 1)
                ),
            )
            key = ""
        return (
            200,
            {},
            _xml(
                returncode="SUCCESS",
                meetingID=existing.meeting_id,
                internalMeetingID=existing.internal_id,
                createTime=existing.create_time,
                hasUserJoined="false",
                duration=0,
                hasBeenForciblyEnded="false",
                messageKey=key,
                message="This conference was already in existence and may currently be in progress."
                if key
                else "",
            ),
        )

    def expire_idle(self, now: float) -> None:
        """What BBB's meeting reaper does: drop the meetings nobody joined in time."""
        for meeting_id, meeting in list(self.meetings.items()):
            idle_for = now - meeting.created_at
            if not meeting.attendees and idle_for > meeting.expire_if_no_user_joined * 60:
                del self.meetings[meeting_id]

    def restart(self) -> None:
        """A restarted BBB server has no meetings."""
        self.meetings.clear()

    def join(self, params):
        meeting = self.meetings.get(params.get("meetingID", ""))
        if meeting is None or not meeting.running:
            return 200, {}, failed("invalidMeetingIdentifier", "The meeting ID does not exist.")
        if params.get("createTime") and params["createTime"] != str(meeting.create_time):
            return 200, {}, failed("mismatchCreateTimeParam", "createTime does not match.")
        if params.get("role") not in ("MODERATOR", "VIEWER") or not params.get("fullName"):
            return 200, {}, failed("invalidPassword", "You either did not supply a role or name.")
        session = uuid.uuid4().hex
        internal_user = f"w_{session[:12]}"
        meeting.attendees[internal_user] = {
            "userID": internal_user,
            "fullName": params["fullName"],
            "role": params["role"],
            "external": params.get("userID", internal_user),
        }
        target = f"http://127.0.0.1:{self.port}/html5client/join?sessionToken={session}"
        if params.get("redirect", "true") == "true":
            return 302, {"Location": target}, b""
        return 200, {}, _xml(returncode="SUCCESS", url=target, user_id=internal_user)

    def get_meeting_info(self, params):
        meeting = self.meetings.get(params.get("meetingID", ""))
        if meeting is None:
            return 200, {}, failed("notFound", "We could not find a meeting with that meeting ID")
        attendees = [
            {
                "attendee": {
                    "userID": a["userID"],
                    "fullName": a["fullName"],
                    "role": a["role"],
                }
            }
            for a in meeting.attendees.values()
        ]
        return (
            200,
            {},
            _xml(
                returncode="SUCCESS",
                meetingName=meeting.name,
                meetingID=meeting.meeting_id,
                internalMeetingID=meeting.internal_id,
                createTime=meeting.create_time,
                running=str(meeting.running).lower(),
                participantCount=len(meeting.attendees),
                attendees=attendees,
            ),
        )

    def end(self, params):
        meeting = self.meetings.get(params.get("meetingID", ""))
        if meeting is None or not meeting.running:
            return 200, {}, failed("notFound", "We could not find a meeting with that meeting ID")
        meeting.running = False
        return (
            200,
            {},
            _xml(
                returncode="SUCCESS",
                messageKey="sentEndMeetingRequest",
                message="A request to end the meeting was sent.",
            ),
        )

    def hooks_create(self, params):
        callback = params.get("callbackURL")
        if not callback:
            return 200, {}, failed("missingParamCallbackURL", "You must specify a callbackURL")
        for hook_id, hook in self.hooks.items():
            if hook["callbackURL"] == callback and hook["meetingID"] == params.get("meetingID"):
                return (
                    200,
                    {},
                    _xml(returncode="SUCCESS", hookID=hook_id, messageKey="duplicateWarning"),
                )
        hook_id = str(next(self._ids))
        self.hooks[hook_id] = {
            "callbackURL": callback,
            "meetingID": params.get("meetingID"),
            "eventID": params.get("eventID"),
        }
        return (
            200,
            {},
            _xml(returncode="SUCCESS", hookID=hook_id, permanentHook="false", rawData="false"),
        )

    def hooks_list(self, params):
        hooks = [
            {
                "hook": {
                    "hookID": hook_id,
                    "callbackURL": hook["callbackURL"],
                    **({"meetingID": hook["meetingID"]} if hook["meetingID"] else {}),
                    "permanentHook": "false",
                    "rawData": "false",
                }
            }
            for hook_id, hook in self.hooks.items()
        ]
        return 200, {}, _xml(returncode="SUCCESS", hooks=hooks)

    def hooks_destroy(self, params):
        if self.hooks.pop(params.get("hookID", ""), None) is None:
            return 200, {}, failed("destroyMissingHook", "The hook informed was not found.")
        return 200, {}, _xml(returncode="SUCCESS", removed="true")

    # Callbacks ----------------------------------------------------------------

    def user_event(
        self, meeting_id: str, internal_user: str, kind: str, *, ts: int, new_shape: bool = True
    ) -> None:
        """POST a user-joined/user-left event to every matching hook, as bbb-webhooks does."""
        meeting = self.meetings[meeting_id]
        attendee = meeting.attendees[internal_user]
        data = {
            "type": "event",
            "id": kind,
            "attributes": {
                "meeting": {
                    "internal-meeting-id": meeting.internal_id,
                    "external-meeting-id": meeting.meeting_id,
                },
                "user": {
                    "internal-user-id": internal_user,
                    "external-user-id": attendee["external"],
                    "name": attendee["fullName"],
                    "role": attendee["role"],
                    "presenter": False,
                },
            },
            "event": {"ts": ts},
        }
        if new_shape:
            form = {
                "event": json.dumps([{"data": data}]),
                "timestamp": ts,
                "domain": "bbb.example.org",
            }
        else:
            form = {"event": json.dumps({"data": data}), "timestamp": ts}
        body = urlencode(form)
        for hook in self.hooks.values():
            if hook["meetingID"] not in (None, meeting_id):
                continue
            if hook["eventID"] and kind not in hook["eventID"].split(","):
                continue
            digest = hashlib.sha1(f"{hook['callbackURL']}{body}{self.secret}".encode()).hexdigest()  # noqa: S324 - the protocol says sha1
            separator = "&" if "?" in hook["callbackURL"] else "?"
            httpx.post(
                f"{hook['callbackURL']}{separator}checksum={digest}",
                content=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                timeout=5,
            )

    def analytics(self, meeting_id: str, attendees: list[dict]) -> None:
        """POST the analytics callback to meta_analytics-callback-url."""
        meeting = self.meetings[meeting_id]
        url = meeting.meta["analytics-callback-url"]
        token = jwt.encode({"exp": int(time.time()) + 86400}, self.secret, algorithm="HS512")
        report = {
            "version": "1.0",
            "meeting_id": meeting.meeting_id,
            "internal_meeting_id": meeting.internal_id,
            "data": {
                "metadata": {"meeting_name": meeting.name},
                "duration": 3600,
                "start": "2026-11-30T09:00:00.000+00:00",
                "finish": "2026-11-30T10:00:00.000+00:00",
                "attendees": attendees,
                "files": [],
                "polls": [],
            },
        }
        httpx.post(url, json=report, headers={"Authorization": f"Bearer {token}"}, timeout=5)

    @contextlib.contextmanager
    def running(self) -> Iterator[FakeBBB]:
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                prefix = "/bigbluebutton/api/"
                if not parts.path.startswith(prefix):
                    self.send_response(404)
                    self.end_headers()
                    return
                status, headers, body = fake.handle(parts.path[len(prefix) :], parts.query)
                self.send_response(status)
                for name, value in {"Content-Type": "text/xml", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
