"""Jitsi Meet: the public meet.jit.si (no server, no token) and a self-hosted server with JWT.

Public Jitsi cannot tell us who is in a room, so our own room page embeds it
through the IFrame API and sends presence heartbeats. A self-hosted Jitsi signs
people in with short-lived HS256 tokens (lib-jitsi-meet doc/tokens.md) and
reports occupants through the event_sync Prosody module, whose posts carry a
static ``Authorization: Bearer`` secret.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import jwt

from ._common import epoch, load_json, mapping, require_bearer, setting, text
from .base import (
    Joiner,
    ProviderEvent,
    ProvisionedRoom,
    RoomSpec,
    VideoProvider,
    WebhookMalformed,
    WebhookResult,
)

PUBLIC_JITSI = "https://meet.jit.si/"


def _base(config: Mapping[str, Any], default: str = "") -> str:
    base = str(config.get("base_url") or default)
    return base if base.endswith("/") else base + "/"


class JitsiPublic(VideoProvider):
    """The embedded default: an unguessable room name on a public Jitsi server.

    Config: ``base_url`` (default ``https://meet.jit.si/``).
    """

    name = "jitsi"
    embeds_room_page = True

    def create_room(self, spec: RoomSpec) -> ProvisionedRoom:
        # Jitsi creates rooms when the first person arrives; the key is the room name.
        return ProvisionedRoom(provider_room_id=spec.key)

    def join_url(self, room: ProvisionedRoom, joiner: Joiner, now: datetime) -> str:
        # The fragment is read by Jitsi in the browser, never sent to a server.
        display = quote(json.dumps(joiner.display_name), safe="")
        return (
            f"{_base(self.config, PUBLIC_JITSI)}{quote(room.provider_room_id)}"
            f"#userInfo.displayName={display}"
        )


class JitsiJWT(VideoProvider):
    """A self-hosted Jitsi Meet with token authentication and event_sync callbacks.

    Config: ``base_url`` (``https://meet.example.org/``, with the tenant path if
    any), ``app_id`` and ``app_secret`` (Prosody's token settings), ``audience``
    (default ``jitsi``), ``subject`` (domain or tenant, default ``*``),
    ``token_minutes`` (default 3) and ``webhook_secret`` (the Bearer token
    event_sync is configured to send).
    """

    name = "jitsi-jwt"

    def create_room(self, spec: RoomSpec) -> ProvisionedRoom:
        return ProvisionedRoom(provider_room_id=spec.key)

    def token(self, room: ProvisionedRoom, joiner: Joiner, now: datetime) -> str:
        app_id = setting(self.config, "app_id", self.name)
        secret = setting(self.config, "app_secret", self.name)
        lifetime = timedelta(minutes=float(self.config.get("token_minutes") or 3))
        issued = int(now.timestamp())
        claims = {
            "iss": app_id,
            "aud": self.config.get("audience") or "jitsi",
            "sub": self.config.get("subject") or "*",
            "room": room.provider_room_id,
            "iat": issued,
            "nbf": issued - 30,  # tolerate a little clock skew on the Jitsi server
            "exp": int((now + lifetime).timestamp()),
            "context": {
                "user": {
                    "id": joiner.ref,
                    "name": joiner.display_name,
                    "email": joiner.email,
                    "moderator": joiner.moderator,
                    "affiliation": "owner" if joiner.moderator else "member",
                }
            },
        }
        with warnings.catch_warnings():
            # The key is the Jitsi server's app_secret: its length is the operator's choice.
            warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
            return jwt.encode(claims, secret, algorithm="HS256")

    def join_url(self, room: ProvisionedRoom, joiner: Joiner, now: datetime) -> str:
        base = _base(self.config, str(setting(self.config, "base_url", self.name)))
        token = self.token(room, joiner, now)
        return f"{base}{quote(room.provider_room_id)}?{urlencode({'jwt': token})}"

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, query: Mapping[str, str]
    ) -> WebhookResult:
        require_bearer(headers, str(self.config.get("webhook_secret") or ""))
        payload = mapping(load_json(body), "the event")
        event_name = text(payload.get("event_name"), "event_name")
        room_id = text(payload.get("room_name"), "room_name")
        if event_name == "muc-occupant-joined":
            return WebhookResult(events=(self._occupant_event(room_id, payload, "join"),))
        if event_name == "muc-occupant-left":
            return WebhookResult(events=(self._occupant_event(room_id, payload, "leave"),))
        if event_name == "muc-room-destroyed":
            ended = epoch(payload.get("destroyed_at"), "destroyed_at")
            occupants = payload.get("all_occupants") or []
            if not isinstance(occupants, list):
                raise WebhookMalformed("all_occupants must be a list")
            events: list[ProviderEvent] = []
            for occupant in occupants:
                occupant_payload = {"occupant": occupant}
                events.append(self._occupant_event(room_id, occupant_payload, "join"))
                if mapping(occupant, "an occupant").get("left_at") is not None:
                    events.append(self._occupant_event(room_id, occupant_payload, "leave"))
            return WebhookResult(events=tuple(events), room_ended=((room_id, ended),))
        return WebhookResult()  # room created and anything newer: nothing to record

    @staticmethod
    def _occupant_event(room_id: str, payload: Mapping[str, Any], kind: str) -> ProviderEvent:
        occupant = mapping(payload.get("occupant"), "occupant")
        field = "joined_at" if kind == "join" else "left_at"
        at = epoch(occupant.get(field), f"occupant.{field}")
        device = text(occupant.get("occupant_jid"), "occupant.occupant_jid", required=False)
        ref = text(occupant.get("id"), "occupant.id", required=False)
        return ProviderEvent(
            provider_room_id=room_id,
            kind="join" if kind == "join" else "leave",
            at=at,
            participant_ref=ref,
            device=device,
            event_id=f"{room_id}:{device or ref}:{kind}:{at.timestamp():.0f}",
            display_name=text(occupant.get("name"), "occupant.name", required=False),
            email=text(occupant.get("email"), "occupant.email", required=False),
            payload=dict(occupant),
        )
