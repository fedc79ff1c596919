"""``{{ instant|day_time:zone }}``: weekday, date and time in a zone, for timetables."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils.translation import get_language

from seminarium.core import locales
from seminarium.timetabling.services import check_timetable

register = template.Library()


@register.filter
def day_time(value: datetime, zone: ZoneInfo) -> str:
    language = get_language()
    day = locales.weekday_date(value.astimezone(zone).date(), language)
    return f"{day} {locales.short_time(value, zone, language)}"


@register.inclusion_tag("timetabling/_warnings.html")
def timetable_warnings(programme, session=None) -> dict:
    """The current timetable's warnings, for any console page: ``{% timetable_warnings
    programme %}``, or only one session's with ``{% timetable_warnings programme session %}``."""
    warnings = check_timetable(programme)
    if session is not None:
        warnings = [w for w in warnings if session.pk in w.session_ids]
    return {"programme": programme, "warnings": warnings}
