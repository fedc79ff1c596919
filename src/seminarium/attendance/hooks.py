"""What attendance adds to pages of the apps below it (see core/hooks.py)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from seminarium.core.hooks import contribute


@contribute("portal.participation")
def my_attendance_link(request, participation) -> str:
    return format_html(
        '<p><a href="{}">{}</a></p>',
        reverse("attendance:mine", args=[participation.programme.slug]),
        _("My attendance"),
    )


@contribute("coordinator.country")
def country_attendance_link(request, programme, country) -> str:
    return format_html(
        '<a href="{}">{}</a>',
        reverse("attendance:country", args=[programme.slug]),
        _("Attendance"),
    )
