"""What conferencing adds to pages of the apps below it (see core/hooks.py)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from seminarium.core.hooks import contribute

from . import services
from .models import Room


@contribute("portal.participation")
def personal_join_link(request, participation) -> str:
    if not participation.is_active:
        return ""
    return format_html(
        '<p><a class="button join" href="{}">{}</a></p>',
        services.personal_link_url(participation),
        _("My personal join page for the online sessions"),
    )


@contribute("console.session")
def session_rooms(request, session) -> str:
    rooms = list(Room.objects.filter(session=session))
    if not rooms:
        return ""
    ready = sum(room.status == Room.Status.READY for room in rooms)
    return format_html(
        '<p><a href="{}">{}</a></p>',
        reverse("conferencing:rooms", args=[session.programme_id]),
        _("Video rooms: %(ready)s of %(total)s ready") % {"ready": ready, "total": len(rooms)},
    )
