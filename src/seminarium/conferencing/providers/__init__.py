"""The video providers, by the name stored on programmes and sessions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import VideoProvider
from .bbb import BigBlueButton
from .janus import JanusProvider
from .jitsi import JitsiJWT, JitsiPublic
from .zoom import ZoomProvider

PROVIDERS: dict[str, type[VideoProvider]] = {
    "jitsi": JitsiPublic,
    "jitsi-jwt": JitsiJWT,
    "janus": JanusProvider,
    "bbb": BigBlueButton,
    "zoom": ZoomProvider,
}


def get_provider(name: str, config: Mapping[str, Any]) -> VideoProvider:
    """The provider called ``name``, configured by ``config``; KeyError for an unknown name."""
    return PROVIDERS[name](config)
