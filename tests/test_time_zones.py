"""Times across zones: historical offsets, DST and half-hour zones, through our formatting."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from seminarium.core import locales

OPENING = datetime(2021, 4, 15, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai


@pytest.mark.parametrize(
    ("zone", "at", "local", "offset"),
    [
        ("Asia/Almaty", OPENING, "12:00", "UTC+06:00"),  # Almaty was UTC+6 in 2021
        (
            "Asia/Almaty",
            datetime(2024, 4, 15, 6, 0, tzinfo=UTC),
            "11:00",
            "UTC+05:00",
        ),  # +5 since 2024
        ("Europe/Moscow", OPENING, "09:00", "UTC+03:00"),
        ("Asia/Vladivostok", OPENING, "16:00", "UTC+10:00"),
        ("Asia/Kolkata", OPENING, "11:30", "UTC+05:30"),
        ("Asia/Tehran", OPENING, "10:30", "UTC+04:30"),  # Iran still kept summer time in 2021
        (
            "Asia/Tehran",
            datetime(2023, 4, 15, 6, 0, tzinfo=UTC),
            "09:30",
            "UTC+03:30",
        ),  # not since 2022
        ("Europe/Berlin", datetime(2021, 3, 28, 0, 30, tzinfo=UTC), "01:30", "UTC+01:00"),
        (
            "Europe/Berlin",
            datetime(2021, 3, 28, 1, 30, tzinfo=UTC),
            "03:30",
            "UTC+02:00",
        ),  # DST began
    ],
)
def test_local_time_and_offset(zone, at, local, offset):
    assert locales.short_time(at, ZoneInfo(zone), "ru") == local
    assert locales.utc_offset(at, ZoneInfo(zone)) == offset


def test_zone_label_names_city_in_reader_language():
    assert locales.zone_label(ZoneInfo("Asia/Almaty"), "ru", OPENING) == "Алматы (UTC+06:00)"
    assert locales.zone_label(ZoneInfo("Asia/Shanghai"), "zh-hans", OPENING) == "上海 (UTC+08:00)"
    assert locales.zone_label(ZoneInfo("Asia/Kolkata"), "en", OPENING) == "Kolkata (UTC+05:30)"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ru", "15 апреля 2021\u202fг."), ("zh-hans", "2021年4月15日"), ("en", "April 15, 2021")],
)
def test_long_dates_follow_cldr(language, expected):
    assert locales.long_date(OPENING.date(), language) == expected


def test_country_names_come_from_cldr():
    assert locales.country_name("KZ", "ru") == "Казахстан"
    assert locales.country_name("UZ", "zh-hans") == "乌兹别克斯坦"
    assert locales.country_name("tj", "en") == "Tajikistan"
