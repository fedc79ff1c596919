"""What reporting adds to pages of the apps below it (see core/hooks.py)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from seminarium.core.hooks import contribute


@contribute("coordinator.country")
def country_exports_link(request, programme, country) -> str:
    return format_html(
        '<a href="{}">{}</a>', reverse("reporting:exports", args=[programme.pk]), _("Exports")
    )


@contribute("join_page.participation")
def personal_calendar_link(request, participation, token) -> str:
    return format_html(
        '<p><a href="{}">{}</a> <span class="muted">{}</span></p>',
        reverse("reporting:personal_calendar", args=[token]),
        _("Add the programme to your calendar (iCal)"),
        _("The address is personal: do not share it."),
    )
