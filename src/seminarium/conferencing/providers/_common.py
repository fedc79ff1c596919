"""Helpers the provider adapters share: strict JSON, timestamps, constant-time checks, HTTP."""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from .base import ProviderError, WebhookMalformed, WebhookRejected

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def header(headers: Mapping[str, str], name: str) -> str:
    """A header by case-insensitive name ('' when absent)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return ""


def same_secret(given: str | bytes, expected: str | bytes) -> bool:
    """Constant-time comparison; an empty configured secret never matches."""
    given_bytes = given.encode() if isinstance(given, str) else given
    expected_bytes = expected.encode() if isinstance(expected, str) else expected
    return bool(expected_bytes) and hmac.compare_digest(given_bytes, expected_bytes)


def require_bearer(headers: Mapping[str, str], secret: str) -> None:
    """Check an ``Authorization: Bearer <secret>`` header, or raise WebhookRejected."""
    if not secret:
        raise WebhookRejected("no webhook secret is configured", status=403)
    given = header(headers, "Authorization")
    scheme, _, token = given.partition(" ")
    if not given:
        raise WebhookRejected("missing Authorization header", status=401)
    if scheme.lower() != "bearer" or not same_secret(token.strip(), secret):
        raise WebhookRejected("wrong bearer secret", status=403)


def load_json(body: bytes | str) -> Any:
    """Parse JSON or raise WebhookMalformed."""
    try:
        return json.loads(body)
    except RecursionError:
        raise WebhookMalformed("the JSON is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise WebhookMalformed(f"the body is not valid JSON: {error}") from None


def mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise WebhookMalformed(f"{what} must be a JSON object")
    return value


def text(value: Any, what: str, *, required: bool = True) -> str:
    """A string or integer field as text."""
    if value is None and not required:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise WebhookMalformed(f"{what} must be a string")
    return str(value)


def epoch(value: Any, what: str, *, unit: float = 1.0) -> datetime:
    """An epoch number as an aware datetime; ``unit`` is seconds per step (1e-3 ms, 1e-6 µs)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise WebhookMalformed(f"{what} must be a number")
    try:
        seconds = float(value) * unit
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError) as error:
        raise WebhookMalformed(f"{what} is not a valid time: {error}") from None


def iso_time(value: Any, what: str) -> datetime:
    """An ISO 8601 time with offset ('Z' accepted) as an aware datetime."""
    if not isinstance(value, str):
        raise WebhookMalformed(f"{what} must be an ISO 8601 time")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            raise WebhookMalformed(f"{what} has no time zone offset")
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise WebhookMalformed(f"{what} is not an ISO 8601 time: {value[:40]!r}") from None


def request(
    client: httpx.Client, method: str, url: str, *, what: str, **kwargs: Any
) -> httpx.Response:
    """One HTTP call; network failures and 5xx become retryable ProviderErrors, 4xx final ones."""
    try:
        response = client.request(method, url, **kwargs)
    except httpx.HTTPError as error:
        raise ProviderError(f"{what}: {type(error).__name__}: {error}") from error
    if response.status_code >= 500 or response.status_code == 429:
        raise ProviderError(f"{what}: HTTP {response.status_code}")
    if response.status_code >= 400:
        raise ProviderError(
            f"{what}: HTTP {response.status_code}: {response.text[:200]}", retryable=False
        )
    return response


def setting(config: Mapping[str, Any], key: str, provider: str) -> Any:
    """A required setting; a missing one is a configuration error no retry can fix."""
    value = config.get(key)
    if value in (None, ""):
        raise ProviderError(f"{provider}: the setting {key!r} is not configured", retryable=False)
    return value
