"""The small interface every video provider implements.

Adding a provider means one module with one subclass of :class:`VideoProvider`,
registered in :mod:`seminarium.conferencing.providers`. Nothing here touches the
database: the conferencing services keep rooms, links and events, and call a
provider only from background jobs (create/end rooms, fetch final attendance),
at click time (build a join URL, which must not call the provider over the
network) and from webhook views (parse and verify a callback).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal


class ProviderError(Exception):
    """The provider could not do what was asked (down, refused, misconfigured).

    ``retryable`` is false when trying again cannot help, such as bad credentials.
    """

    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


class WebhookRejected(Exception):
    """A callback whose signature, checksum or secret does not verify (answer 401/403)."""

    def __init__(self, message: str, *, status: int = 403):
        super().__init__(message)
        self.status = status


class WebhookMalformed(Exception):
    """A verified callback whose payload cannot be understood (answer 400)."""


@dataclass(frozen=True)
class InterpreterSeat:
    """An interpreter for providers with native interpretation (Zoom)."""

    email: str
    from_language: str
    to_language: str


@dataclass(frozen=True)
class RoomSpec:
    """What a provider needs to create one room: one session, one language channel."""

    key: str  # our unguessable, stable room key (safe as a public room name)
    title: str
    start: datetime
    end: datetime
    channel: str = ""  # language channel ('' is the floor)
    interpreters: tuple[InterpreterSeat, ...] = ()


@dataclass(frozen=True)
class ProvisionedRoom:
    """A room as the provider knows it; ``data`` is stored and handed back later."""

    provider_room_id: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Joiner:
    """One person about to join; ``ref`` is our participant reference sent to the provider."""

    ref: str
    display_name: str
    email: str = ""
    moderator: bool = False
    # A personal join URL the provider issued ahead of time and the caller stored
    # (Zoom registrants, see ZoomProvider.register); used instead of building one.
    personal_url: str = ""


@dataclass(frozen=True)
class ProviderEvent:
    """A join or leave as a provider reports it, before we match it to a participant."""

    provider_room_id: str
    kind: Literal["join", "leave"]
    at: datetime
    participant_ref: str = ""  # the ``Joiner.ref`` we passed, when the provider echoes it
    device: str = ""  # the provider's connection id, so several devices stay apart
    event_id: str | None = None
    display_name: str = ""
    email: str = ""
    registrant_id: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)
    final: bool = False  # from the provider's final record (BBB analytics, Zoom report)


@dataclass(frozen=True)
class WebhookResult:
    """What a verified callback said; ``reply`` is a JSON answer the provider expects."""

    events: tuple[ProviderEvent, ...] = ()
    room_ended: tuple[tuple[str, datetime], ...] = ()  # (provider_room_id, when)
    reply: Mapping[str, Any] | None = None


class VideoProvider(ABC):
    name: ClassVar[str]
    # Our own room page embeds the room, so presence heartbeats can be measured.
    embeds_room_page: ClassVar[bool] = False
    # Interpretation inside one meeting (Zoom); otherwise one room per channel.
    native_interpretation: ClassVar[bool] = False
    # The provider may drop a room it made (BigBlueButton: a server restart, an idle
    # timeout), so the sweep calls create_room again, idempotently, while the session
    # is open, and takes up whatever the provider answers (a new createTime).
    rooms_can_vanish: ClassVar[bool] = False

    def __init__(self, config: Mapping[str, Any]):
        self.config = config

    @abstractmethod
    def create_room(self, spec: RoomSpec) -> ProvisionedRoom:
        """Create the room, idempotently: calling again for the same key is harmless."""

    def end_room(self, room: ProvisionedRoom) -> None:  # noqa: B027 - optional
        """End the room, where the provider has such a call."""

    def update_interpreters(  # noqa: B027 - optional
        self, room: ProvisionedRoom, interpreters: tuple[InterpreterSeat, ...]
    ) -> None:
        """With native interpretation: give the room the interpreters assigned since."""

    @abstractmethod
    def join_url(self, room: ProvisionedRoom, joiner: Joiner, now: datetime) -> str:
        """The URL that puts this person in the room, built at click time, without I/O."""

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, query: Mapping[str, str]
    ) -> WebhookResult:
        """Verify a callback and say what it reports; raise WebhookRejected/Malformed."""
        raise WebhookRejected(f"{self.name} sends no callbacks", status=404)

    def final_attendance(self, room: ProvisionedRoom) -> list[ProviderEvent]:
        """The provider's own final record of who was in the room, when it keeps one."""
        return []
