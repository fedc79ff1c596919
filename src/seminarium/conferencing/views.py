"""Personal join pages, the join click, presence heartbeats, provider callbacks and the
organisers' rooms page.

The personal-link token in the path is the participant's only credential: it is
unguessable, so the join and presence POSTs need no CSRF cookie (a forging site
would have to know the token already).
"""

import logging
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.html import escape, json_script
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from seminarium.core import locales
from seminarium.core.console import console_view
from seminarium.core.preferences import supported_language, valid_zone
from seminarium.programmes.console import managed_programme
from seminarium.programmes.models import Participation, Session, SessionRole

from . import services
from .forms import ProviderForm, SessionProviderForm
from .models import Room
from .providers import PROVIDERS
from .providers.base import WebhookMalformed, WebhookRejected

logger = logging.getLogger(__name__)


def _managed(request: HttpRequest, programme_id: int):
    programme = managed_programme(request, programme_id)
    if not request.user.has_perm("conferencing.manage_rooms", programme):
        raise Http404
    return programme


# The participant's side


def _participant_prefs(request: HttpRequest, person) -> tuple[str, object]:
    """The visitor's own choice first (switcher, ?lang=, ?tz=), then the person's preferences."""
    language = (
        supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        or supported_language(request.GET.get("lang"))
        or supported_language(person.preferred_language)
        or request.viewer.language
    )
    zone = request.viewer.zone or valid_zone(person.home_timezone)
    return language, zone


def _render_as_participant(
    request: HttpRequest, person, template: str, context: dict, status: int = 200
) -> HttpResponse:
    language, zone = _participant_prefs(request, person)
    with translation.override(language):
        response = render(request, template, {**context, "zone": zone}, status=status)
    response["Content-Language"] = language
    # The page is reached by a secret link: keep it out of shared caches and referrers.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _no_link(request: HttpRequest) -> HttpResponse:
    """Unknown, revoked, cancelled or another programme's: one page that tells nothing."""
    response = render(request, "conferencing/no_link.html", status=404)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _ready(room: Room | None) -> bool:
    return room is not None and room.status == Room.Status.READY


def _session_rows(link, now: datetime, zone, language: str) -> list[dict]:
    participation = link.participation
    programme = participation.programme
    sessions = [s for s in programme.sessions.order_by("start", "id") if services.needs_rooms(s)]
    rooms = {
        (room.session_id, room.channel): room for room in Room.objects.filter(session__in=sessions)
    }
    interpreting = dict(
        SessionRole.objects.filter(
            session__in=sessions,
            person_id=participation.person_id,
            role=SessionRole.Role.INTERPRETER,
        ).values_list("session_id", "channel")
    )
    remembered = services.remembered_channel(link)
    rows = []
    for session in sessions:
        channels = [c for c in session.interpretation_languages or [] if c]
        floor = rooms.get((session.pk, ""))
        # With a room per channel (not Zoom's own interpretation) an interpreter is
        # offered the floor as well as their own channel's room, and needs both ready.
        own_room = rooms.get((session.pk, interpreting.get(session.pk) or None))
        opens = services.join_opens(session.start)
        rows.append(
            {
                "session": session,
                "title": session.title.localize(language),
                "day": locales.weekday_date(session.start.astimezone(zone).date(), language),
                "start": locales.short_time(session.start, zone, language),
                "end": locales.short_time(session.end, zone, language),
                "opens": locales.short_time(opens, zone, language),
                "is_open": opens <= now < session.end,
                "is_over": now >= session.end,
                "ready": _ready(floor) and (own_room is None or _ready(own_room)),
                "channels": channels,
                "chosen": remembered if remembered in channels else "",
                "interpreting": interpreting.get(session.pk, ""),
                "interpreting_room": own_room is not None,
            }
        )
    return rows


def join_page(request: HttpRequest, token: str) -> HttpResponse:
    link = services.link_for_page(token)
    if link is None:
        return _no_link(request)
    person = link.participation.person
    programme = link.participation.programme
    language, zone = _participant_prefs(request, person)
    zone = zone or programme.zone
    now = timezone.now()
    rows = _session_rows(link, now, zone, language)
    first = rows[0]["session"].start if rows else now
    return _render_as_participant(
        request,
        person,
        "conferencing/join_page.html",
        {
            "link": link,
            "programme_title": programme.title.localize(language),
            "person_name": person.display_name(language),
            "rows": rows,
            "zone_label": locales.zone_label(zone, language, first),
            "opens_minutes": settings.JOIN_OPENS_MINUTES,
        },
    )


# What differs between participants on the room page; everything else depends only on the
# language and the provider, so the page is rendered once for each and these are put in.
ROOM_PAGE_SLOTS = ("provider_url", "back_url", "presence_url", "client_settings")
SLOT = re.compile("@@(" + "|".join(ROOM_PAGE_SLOTS) + ")@@")


@lru_cache(maxsize=64)
def _room_page_skeleton(language: str, provider_name: str, jitsi_base: str) -> str:
    with translation.override(language):
        return render_to_string(
            "conferencing/room.html",
            {
                "LANGUAGE_CODE": language,
                "provider_name": provider_name,
                "jitsi_base": jitsi_base,
                **{slot: f"@@{slot}@@" for slot in ROOM_PAGE_SLOTS},
            },
        )


TOKEN_SLOT, SESSION_SLOT = "@@token@@", 987654321


@lru_cache(maxsize=8)
def _participant_url_patterns(script_prefix: str) -> tuple[str, str]:
    """The room page's two personal URLs, reversed once: reverse() costs more than the page.

    Keyed by the script prefix, which reverse() puts in front.
    """
    return (
        reverse("conferencing:join_page", args=[TOKEN_SLOT]),
        reverse("conferencing:presence", args=[TOKEN_SLOT, SESSION_SLOT]),
    )


def _room_page(request: HttpRequest, person, attempt, token: str, session_id: int) -> HttpResponse:
    """Our page around an embedded room: what thousands get at the top of the hour.

    Made from a skeleton rendered once per language and provider, without the request (so
    without the site header's context processors), with this participant's URLs escaped in.
    """
    language, _zone = _participant_prefs(request, person)
    html = _room_page_skeleton(language, attempt.provider_name, settings.JITSI_BASE_URL.rstrip("/"))
    join_page, presence = _participant_url_patterns(get_script_prefix())
    values = {
        "provider_url": escape(attempt.url),
        # The token is a real link's (URL-safe base64), so it needs no quoting.
        "back_url": escape(join_page.replace(TOKEN_SLOT, token)),
        "presence_url": escape(
            presence.replace(str(SESSION_SLOT), str(session_id)).replace(TOKEN_SLOT, token)
        ),
        "client_settings": json_script(attempt.client_settings, "janus-settings")
        if attempt.client_settings
        else "",
    }
    # One pass, so that a value that happens to look like a slot stays as it is.
    html = SLOT.sub(lambda match: values[match.group(1)], html)
    response = HttpResponse(html)
    response["Content-Language"] = language
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@csrf_exempt
def join(request: HttpRequest, token: str, session_id: int) -> HttpResponse:
    """The join click (POST): one lookup, one insert, then off to the room."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    channel = request.POST.get("channel", "")
    attempt = services.join(token, session_id, channel)
    if attempt.outcome == "unknown":
        return _no_link(request)
    if attempt.outcome == "redirect":
        response = redirect(attempt.url)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
    person = attempt.person
    if attempt.outcome == "embed":
        return _room_page(request, person, attempt, token, session_id)
    # Too early, over, or the room is not there: say so, and offer to try again.
    return _render_as_participant(
        request,
        person,
        "conferencing/join_problem.html",
        {
            "attempt": attempt,
            "token": token,
            "session_id": session_id,
            "channel": channel,
            "opens": services.join_opens(attempt.session_start),
            "back_url": reverse("conferencing:join_page", args=[token]),
        },
    )


@csrf_exempt
@require_POST
def presence(request: HttpRequest, token: str, session_id: int) -> HttpResponse:
    """A heartbeat from our room page while the participant is in the room."""
    kind = request.POST.get("kind", "")
    device = request.POST.get("device", "")
    if not device or kind not in services.PRESENCE_KINDS:
        return JsonResponse(
            {"error": _("Send kind (join, heartbeat or leave) and device.")}, status=400
        )
    if not services.record_presence(token, session_id, kind, device):
        return JsonResponse({"error": _("Unknown link or session.")}, status=404)
    return JsonResponse({"ok": True})


def janus_js(request: HttpRequest) -> HttpResponse:
    """The janus.js that ships with the Debian package, when it is installed."""
    path = Path(settings.JANUS_JS_PATH)
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type="text/javascript")


# Provider callbacks


@csrf_exempt
def webhook(request: HttpRequest, provider_name: str) -> HttpResponse:
    if provider_name not in PROVIDERS:
        return JsonResponse({"error": "unknown provider"}, status=404)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    headers = dict(request.headers)
    query = {key: request.GET.get(key, "") for key in request.GET}
    try:
        result = services.provider(provider_name).parse_webhook(headers, request.body, query)
    except WebhookRejected as rejected:
        logger.warning("%s callback rejected: %s", provider_name, rejected)
        status = rejected.status if rejected.status in (401, 403, 404) else 403
        return JsonResponse({"error": "rejected"}, status=status)
    except WebhookMalformed as malformed:
        return JsonResponse({"error": f"malformed callback: {malformed}"}, status=400)
    try:
        stored = services.record_webhook(provider_name, result)
    except ValidationError as invalid:
        return JsonResponse({"error": " ".join(invalid.messages)}, status=400)
    except Exception:
        # A callback we verified but could not store must be retried by the provider,
        # and must never take the endpoint down: log it and answer 400.
        logger.exception("%s callback could not be stored", provider_name)
        return JsonResponse({"error": "could not be stored"}, status=400)
    if result.reply is not None:
        return JsonResponse(dict(result.reply))
    return JsonResponse({"stored": stored})


# The organisers' rooms page


@console_view
def rooms(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _managed(request, programme_id)
    form = ProviderForm(
        request.POST or None, initial={"provider": services.programme_provider_name(programme)}
    )
    if request.method == "POST" and form.is_valid():
        services.set_programme_provider(request.user, programme, form.cleaned_data["provider"])
        messages.success(request, _("The video provider is saved; rooms will be made shortly."))
        return redirect("conferencing:rooms", programme.pk)
    overview = services.rooms_overview(programme)
    for entry in overview:
        entry["form"] = SessionProviderForm(
            initial={"provider": entry["provider"] if entry["overridden"] else ""},
            prefix=f"s{entry['session'].pk}",
        )
    return render(
        request,
        "conferencing/rooms.html",
        {"programme": programme, "form": form, "overview": overview, "zone": programme.zone},
    )


@require_POST
@console_view
def session_provider(request: HttpRequest, programme_id: int, session_id: int) -> HttpResponse:
    programme = _managed(request, programme_id)
    session = get_object_or_404(Session, pk=session_id, programme=programme)
    form = SessionProviderForm(request.POST, prefix=f"s{session.pk}")
    if form.is_valid():
        services.set_session_provider(request.user, session, form.cleaned_data["provider"])
        messages.success(request, _("The session’s video provider is saved."))
    else:
        messages.error(request, _("Choose one of the listed providers."))
    return redirect("conferencing:rooms", programme.pk)


@require_POST
@console_view
def room_retry(request: HttpRequest, programme_id: int, room_id: int) -> HttpResponse:
    programme = _managed(request, programme_id)
    room = get_object_or_404(
        Room.objects.select_related("session"), pk=room_id, session__programme=programme
    )
    services.retry_room(request.user, room)
    messages.success(request, _("The room will be created again in a moment."))
    return redirect("conferencing:rooms", programme.pk)


@console_view
def links(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _managed(request, programme_id)
    participations = programme.participations.filter(
        status__in=services.ACTIVE_STATUSES
    ).select_related("person", "country")
    rows = [
        (
            participation,
            request.build_absolute_uri(services.personal_link_url(participation)),
        )
        for participation in participations
    ]
    return render(request, "conferencing/links.html", {"programme": programme, "rows": rows})


@require_POST
@console_view
def link_revoke(request: HttpRequest, programme_id: int, participation_id: int) -> HttpResponse:
    programme = _managed(request, programme_id)
    participation = get_object_or_404(Participation, pk=participation_id, programme=programme)
    services.revoke_link(request.user, participation)
    messages.success(request, _("The old link no longer works; the participant has a new one."))
    return redirect("conferencing:links", programme.pk)
