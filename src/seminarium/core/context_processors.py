"""What every page's header needs: the viewer's language and zone, and the switchers' options."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import get_language

from . import locales

# Zones offered in the switcher: the SCO region first, then a few others.
# Any IANA zone still works through ?tz=.
SWITCHER_ZONES = [
    "Asia/Shanghai",
    "Europe/Moscow",
    "Asia/Almaty",
    "Asia/Tashkent",
    "Asia/Dushanbe",
    "Asia/Bishkek",
    "Europe/Minsk",
    "Asia/Yekaterinburg",
    "Asia/Novosibirsk",
    "Asia/Vladivostok",
    "Asia/Kamchatka",
    "Asia/Kolkata",
    "Asia/Karachi",
    "Asia/Tehran",
    "Asia/Ulaanbaatar",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "UTC",
]


def viewer(request) -> dict:
    language = get_language()
    now = datetime.now(UTC)
    prefs = getattr(request, "viewer", None)
    current = prefs.zone.key if prefs and prefs.zone else ""
    keys = (
        SWITCHER_ZONES if current in SWITCHER_ZONES or not current else [current, *SWITCHER_ZONES]
    )
    return {
        "viewer": prefs,
        "interface_languages": [
            (code, locales.cldr_locale(code).get_display_name() or name)
            for code, name in settings.LANGUAGES
        ],
        "switcher_zones": [(key, locales.zone_label(ZoneInfo(key), language, now)) for key in keys],
        "current_zone": current,
    }
