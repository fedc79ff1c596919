"""Map interface language codes to CLDR locales, and format dates and times with Babel.

Django's formats know little of Chinese, Kazakh or Tajik conventions; CLDR does,
so everything a viewer reads as a date, time or number goes through here.
"""

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_interval, format_time

# Django language code -> CLDR locale identifier.
_CLDR = {"zh-hans": "zh_Hans", "zh": "zh_Hans", "uz": "uz_Latn", "en": "en"}


@lru_cache(maxsize=64)
def cldr_locale(language: str) -> Locale:
    """The Babel locale for a Django language code such as ``zh-hans`` or ``ru``."""
    code = _CLDR.get(language.lower(), language.replace("-", "_"))
    try:
        return Locale.parse(code)
    except (ValueError, LookupError):
        return Locale.parse("en")


def country_name(code: str, language: str) -> str:
    """A country's name in the viewer's language, from CLDR (``KZ`` -> ``Казахстан``)."""
    return cldr_locale(language).territories.get(code.upper(), code.upper())


def language_name(code: str, language: str) -> str:
    """A language's name in the viewer's language (``zh-hans`` -> ``китайский``)."""
    base = code.split("-")[0]
    return cldr_locale(language).languages.get(base, code)


def long_date(value: date, language: str) -> str:
    return format_date(value, "long", locale=cldr_locale(language))


def date_range(start: date, end: date, language: str) -> str:
    """``15–21 April 2021`` / ``15–21 апреля 2021 г.`` / ``2021年4月15日至21日``."""
    return format_interval(start, end, "yMMMMd", locale=cldr_locale(language))


def weekday_date(value: date, language: str) -> str:
    return format_date(value, "full", locale=cldr_locale(language))


def short_time(value: datetime, zone: ZoneInfo, language: str) -> str:
    return format_time(value, "short", tzinfo=zone, locale=cldr_locale(language))


def medium_datetime(value: datetime, zone: ZoneInfo, language: str) -> str:
    return format_datetime(value, "medium", tzinfo=zone, locale=cldr_locale(language))


def utc_offset(value: datetime, zone: ZoneInfo) -> str:
    """``UTC+06:00`` style offset of ``zone`` at the instant ``value`` (historical rules apply)."""
    offset = value.astimezone(zone).utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


@lru_cache(maxsize=512)
def zone_city(zone_key: str, language: str) -> str:
    """The zone's exemplar city in the viewer's language (``Asia/Almaty`` -> ``Алматы``)."""
    city = cldr_locale(language).time_zones.get(zone_key, {}).get("city")
    return city or zone_key.rsplit("/", 1)[-1].replace("_", " ")


def zone_label(zone: ZoneInfo, language: str, at: datetime) -> str:
    """The zone named for a reader at an instant: ``Алматы (UTC+06:00)``."""
    return f"{zone_city(zone.key, language)} ({utc_offset(at, zone)})"
