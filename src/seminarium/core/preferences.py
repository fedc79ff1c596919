"""The viewer's language and time zone, and where each came from.

Language: the visitor's choice (switcher, kept in a cookie), then ``?lang=``,
then a signed-in person's preferred language, then Accept-Language.
Time zone: the visitor's choice, then ``?tz=``, then a signed-in person's home
zone; otherwise none, and each page shows its programme's own zone.
"""

import zoneinfo
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def supported_language(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def valid_zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    if name and name in _zones():
        return zoneinfo.ZoneInfo(name)
    return None


@dataclass
class ViewerPreferences:
    language: str
    zone: zoneinfo.ZoneInfo | None

    def zone_or(self, default: zoneinfo.ZoneInfo) -> zoneinfo.ZoneInfo:
        return self.zone or default


def _person(request: HttpRequest):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "person", None)


def resolve(request: HttpRequest) -> ViewerPreferences:
    cookies, query = request.COOKIES, request.GET
    person = _person(request)
    language = (
        supported_language(cookies.get(settings.LANGUAGE_COOKIE_NAME))
        or supported_language(query.get("lang"))
        or (supported_language(person.preferred_language) if person else None)
        or translation.get_language_from_request(request)
    )
    zone = (
        valid_zone(cookies.get(settings.TIMEZONE_COOKIE_NAME))
        or valid_zone(query.get("tz"))
        or (valid_zone(person.home_timezone) if person else None)
    )
    return ViewerPreferences(language=language, zone=zone)
