"""Template filters for locale-aware dates, times and zones (CLDR via Babel), and the
``{% hook %}`` tag where apps above add to a page (core/hooks.py).

Loaded as a builtin, so every template can write ``{{ session.start|time_in:zone }}``.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from seminarium.core import hooks, locales

register = template.Library()


@register.filter
def time_in(value: datetime, zone: ZoneInfo) -> str:
    return locales.short_time(value, zone, get_language())


@register.filter
def datetime_in(value: datetime, zone: ZoneInfo) -> str:
    return locales.medium_datetime(value, zone, get_language())


@register.filter
def long_date(value: date) -> str:
    return locales.long_date(value, get_language())


@register.filter
def weekday_date(value: date) -> str:
    return locales.weekday_date(value, get_language())


@register.filter
def zone_label(zone: ZoneInfo, at: datetime) -> str:
    return locales.zone_label(zone, get_language(), at)


@register.filter
def country_name(code: str) -> str:
    return locales.country_name(code, get_language())


@register.filter
def language_label(code: str) -> str:
    """The language's name in the viewer's language (``ru`` -> ``русский``). Not called
    language_name: Django's i18n library has a filter of that name (English names only),
    and loading i18n in a template would put it in place of this one."""
    return locales.language_name(code, get_language())


@register.simple_tag(takes_context=True)
def hook(context, place: str, **values) -> SafeString:
    """What the apps above contribute to this place of the page (see core/hooks.py)."""
    return hooks.render(place, request=context.get("request"), **values)
