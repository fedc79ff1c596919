"""A fake Zoom on loopback, built to the published API for contract tests: Server-to-Server
OAuth, meetings, registrants, meeting status, the paged participants report, and
webhook posts signed with ``x-zm-signature``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import http.server
import itertools
import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.contract.http_sink import free_port

SYSTEM_LANGUAGE_IDS = {"US", "CN", "JP", "DE", "FR", "RU", "PT", "ES", "KR"}
START_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@dataclass
class FakeZoom:
    account_id: str = "acct-1"
    client_id: str = "client-1"
    client_secret: str = "client-secret"
    webhook_secret: str = "webhook-secret-token"
    page_size_cap: int = 300
    port: int = field(default_factory=free_port)
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry
    token_lifetime: int = 3599
    meetings: dict[int, dict] = field(default_factory=dict)
    registrants: dict[int, dict[str, dict]] = field(default_factory=dict)
    report_rows: dict[int, list[dict]] = field(default_factory=dict)
    report_pages_served: int = 0
    requests: list[str] = field(default_factory=list)  # the API methods called, in order
    _ids: itertools.count = field(default_factory=lambda: itertools.count(85_000_000_001))

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v2"

    @property
    def oauth_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/oauth/token"

    def config(self, **overrides) -> dict:
        return {
            "account_id": self.account_id,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "webhook_secret": self.webhook_secret,
            "api_url": self.api_url,
            "oauth_url": self.oauth_url,
            **overrides,
        }

    # Requests ------------------------------------------------------------------

    def oauth(self, query: dict, headers) -> tuple[int, dict]:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if headers.get("Authorization") != f"Basic {expected}":
            return 400, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
        if query.get("grant_type") != "account_credentials":
            return 400, {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}
        if query.get("account_id") != self.account_id:
            return 400, {"reason": "Invalid account_id", "error": "invalid_request"}
        token = uuid.uuid4().hex
        self.tokens[token] = time.time() + self.token_lifetime
        return 200, {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": self.token_lifetime,
            "scope": "meeting:write:admin report:read:admin",
        }

    def api(self, method: str, path: str, query: dict, headers, body: dict | None):
        self.requests.append(method)
        token = (headers.get("Authorization") or "").removeprefix("Bearer ")
        if self.tokens.get(token, 0) < time.time():
            return 401, {"code": 124, "message": "Invalid access token."}
        if method == "POST" and (match := re.fullmatch(r"/users/([^/]+)/meetings", path)):
            return self.create_meeting(body or {})
        if method == "GET" and (match := re.fullmatch(r"/users/([^/]+)/meetings", path)):
            return self.list_meetings(query)
        if method == "POST" and (match := re.fullmatch(r"/meetings/(\d+)/registrants", path)):
            return self.add_registrant(int(match[1]), body or {})
        if method == "PATCH" and (match := re.fullmatch(r"/meetings/(\d+)", path)):
            return self.update_meeting(int(match[1]), body or {})
        if method == "PUT" and (match := re.fullmatch(r"/meetings/(\d+)/status", path)):
            meeting = self.meetings.get(int(match[1]))
            if meeting is None:
                return 404, {"code": 3001, "message": "Meeting does not exist"}
            meeting["status"] = "ended"
            return 204, None
        if method == "GET" and (
            match := re.fullmatch(r"/report/meetings/(\d+)/participants", path)
        ):
            return self.report(int(match[1]), query)
        return 404, {"code": 404, "message": "Not found"}

    @staticmethod
    def interpretation_error(settings: dict) -> str | None:
        interpretation = settings.get("language_interpretation") or {}
        for interpreter in interpretation.get("interpreters", []):
            languages = interpreter.get("languages")
            if languages is not None:
                ids = languages.split(",")
                if len(ids) != 2 or not set(ids) <= SYSTEM_LANGUAGE_IDS:
                    return f"Invalid languages {languages}"
            elif len(str(interpreter.get("interpreter_languages", "")).split(",")) != 2:
                return "interpreter_languages needs two languages"
        return None

    def create_meeting(self, body: dict):
        settings = body.get("settings") or {}
        if body.get("type") != 2 or not START_TIME.match(str(body.get("start_time", ""))):
            return 400, {"code": 300, "message": "Invalid meeting type or start_time"}
        if error := self.interpretation_error(settings):
            return 400, {"code": 300, "message": error}
        meeting_id = next(self._ids)
        meeting = {
            "id": meeting_id,
            "uuid": base64.b64encode(uuid.uuid4().bytes).decode(),
            "topic": body.get("topic"),
            "type": 2,
            "start_time": body["start_time"],
            "duration": body.get("duration"),
            "agenda": body.get("agenda", ""),
            "join_url": f"https://zoom.example/j/{meeting_id}",
            "start_url": f"https://zoom.example/s/{meeting_id}?zak=secret",
            "settings": settings,
            "status": "waiting",
        }
        self.meetings[meeting_id] = meeting
        self.registrants[meeting_id] = {}
        return 201, meeting

    def update_meeting(self, meeting_id: int, body: dict):
        """PATCH /meetings/{meetingId}: the settings given replace those stored; 204."""
        meeting = self.meetings.get(meeting_id)
        if meeting is None:
            return 404, {"code": 3001, "message": "Meeting does not exist"}
        settings = body.get("settings") or {}
        if error := self.interpretation_error(settings):
            return 400, {"code": 300, "message": error}
        meeting["settings"] = {**meeting["settings"], **settings}
        return 204, None

    def list_meetings(self, query: dict):
        """Upcoming meetings, paged; each item in the list endpoint's shape."""
        size = min(int(query.get("page_size", 30)), self.page_size_cap)
        start = int(query.get("next_page_token") or 0)
        keys = ("uuid", "id", "topic", "type", "start_time", "duration", "agenda", "join_url")
        upcoming = [m for m in self.meetings.values() if m["status"] != "ended"]
        page = [{k: m[k] for k in keys} for m in upcoming[start : start + size]]
        following = start + size
        return 200, {
            "page_size": size,
            "total_records": len(upcoming),
            "next_page_token": str(following) if following < len(upcoming) else "",
            "meetings": page,
        }

    def add_registrant(self, meeting_id: int, body: dict):
        meeting = self.meetings.get(meeting_id)
        if meeting is None:
            return 404, {"code": 3001, "message": "Meeting does not exist"}
        if meeting["settings"].get("approval_type") not in (0, 1):
            return 400, {"code": 3000, "message": "Registration has not been enabled"}
        if not body.get("email") or not body.get("first_name"):
            return 400, {"code": 300, "message": "email and first_name are required"}
        registrants = self.registrants[meeting_id]
        existing = registrants.get(body["email"].lower())
        if existing is None:
            registrant_id = uuid.uuid4().hex[:22]
            existing = registrants[body["email"].lower()] = {
                "id": meeting_id,
                "registrant_id": registrant_id,
                "join_url": f"https://zoom.example/w/{meeting_id}?tk={uuid.uuid4().hex}",
                "topic": meeting["topic"],
                "start_time": meeting["start_time"],
                "email": body["email"],
            }
        return 201, {k: v for k, v in existing.items() if k != "email"}

    def report(self, meeting_id: int, query: dict):
        rows = self.report_rows.get(meeting_id)
        if rows is None:
            return 404, {"code": 3001, "message": "Meeting does not exist"}
        size = min(int(query.get("page_size", 30)), self.page_size_cap)
        start = int(query.get("next_page_token") or 0)
        page = rows[start : start + size]
        self.report_pages_served += 1
        following = start + size
        return 200, {
            "page_count": -(-len(rows) // size),
            "page_size": size,
            "total_records": len(rows),
            "next_page_token": str(following) if following < len(rows) else "",
            "participants": page,
        }

    # Webhooks --------------------------------------------------------------------

    def signed(self, message: dict, *, timestamp: int | None = None) -> tuple[dict, bytes]:
        body = json.dumps(message).encode()
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        digest = hmac.new(
            self.webhook_secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256
        ).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "x-zm-request-timestamp": stamp,
            "x-zm-signature": f"v0={digest}",
        }
        return headers, body

    def post_webhook(self, url: str, message: dict) -> None:
        headers, body = self.signed(message)
        httpx.post(url, content=body, headers=headers, timeout=5)

    @contextlib.contextmanager
    def running(self) -> Iterator[FakeZoom]:
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self, method: str):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if parts.path == "/oauth/token" and method == "POST":
                    status, answer = fake.oauth(query, self.headers)
                elif parts.path.startswith("/v2/"):
                    body = json.loads(raw) if raw else None
                    status, answer = fake.api(method, parts.path[3:], query, self.headers, body)
                else:
                    status, answer = 404, {"message": "Not found"}
                payload = b"" if answer is None else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                self._answer("GET")

            def do_POST(self):
                self._answer("POST")

            def do_PUT(self):
                self._answer("PUT")

            def do_PATCH(self):
                self._answer("PATCH")

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
