"""Video rooms, personal join links, the join path and provider callbacks.

Providers are called only from background jobs (create and end rooms, register
Zoom registrants, fetch final attendance), at click time to build a join URL
(no network) and from webhook views. The join path itself reads one row and
writes one.
"""

import contextlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from seminarium.attendance.services import IncomingEvent, record_events, record_room_end
from seminarium.core.audit import audited_save, record
from seminarium.core.db import fetch_one_checking_connection, server_bound_cursor
from seminarium.core.tasks import enqueue_after_commit
from seminarium.people.models import Person
from seminarium.people.names import NameForms
from seminarium.programmes.models import (
    Participation,
    Programme,
    ProgrammeRole,
    Session,
    SessionRole,
)

from .models import (
    DEFAULT_PROVIDER,
    JoinRecord,
    PersonalLink,
    Room,
    SessionVideo,
    VideoSettings,
    ZoomRegistrant,
)
from .providers import PROVIDERS, get_provider
from .providers.base import (
    InterpreterSeat,
    Joiner,
    ProviderError,
    ProviderEvent,
    ProvisionedRoom,
    RoomSpec,
    VideoProvider,
    WebhookResult,
)

logger = logging.getLogger(__name__)

ACTIVE_STATUSES = (Participation.Status.INVITED, Participation.Status.CONFIRMED)
MODERATOR_ROLES = (SessionRole.Role.HOST, SessionRole.Role.SPEAKER, SessionRole.Role.MODERATOR)
MAX_BACKOFF = timedelta(hours=1)
# Interpreters work in pairs on sessions longer than this.
PAIR_AFTER_MINUTES = 40


# Providers and their configuration


@cache
def provider_config(name: str) -> Mapping[str, Any]:
    """Each provider's settings, read from the environment-driven Django settings.

    Read once per process (about 30 settings, on every join click otherwise); a change of
    settings, as tests make, clears it (signals.py).
    """
    callback = f"{settings.SITE_URL}/hooks/{name}/"
    configs: dict[str, dict[str, Any]] = {
        "jitsi": {"base_url": settings.JITSI_BASE_URL},
        "jitsi-jwt": {
            "base_url": settings.JITSI_JWT_BASE_URL,
            "app_id": settings.JITSI_JWT_APP_ID,
            "app_secret": settings.JITSI_JWT_APP_SECRET,
            "audience": settings.JITSI_JWT_AUDIENCE,
            "subject": settings.JITSI_JWT_SUBJECT,
            "token_minutes": settings.JITSI_JWT_MINUTES,
            "webhook_secret": settings.JITSI_EVENT_SYNC_SECRET,
        },
        "janus": {
            "api_url": settings.JANUS_URL,
            "client_url": settings.JANUS_PUBLIC_URL or settings.JANUS_URL,
            "token_secret": settings.JANUS_TOKEN_SECRET,
            "api_secret": settings.JANUS_API_SECRET,
            "admin_key": settings.JANUS_ADMIN_KEY,
            "room_secret": settings.JANUS_ROOM_SECRET,
            "webhook_user": settings.JANUS_EVENT_USER,
            "webhook_secret": settings.JANUS_EVENT_SECRET,
        },
        "bbb": {
            "url": settings.BBB_URL,
            "secret": settings.BBB_SECRET,
            "checksum": settings.BBB_CHECKSUM,
            "webhook_url": callback,
            "analytics_url": callback,
        },
        "zoom": {
            "account_id": settings.ZOOM_ACCOUNT_ID,
            "client_id": settings.ZOOM_CLIENT_ID,
            "client_secret": settings.ZOOM_CLIENT_SECRET,
            "user_id": settings.ZOOM_USER_ID,
            "webhook_secret": settings.ZOOM_WEBHOOK_SECRET,
        },
    }
    config = {"callback_url": callback, **configs.get(name, {})}
    if name == "janus" and not config["room_secret"]:
        # Room secrets and pins are derived from this; by default from SECRET_KEY.
        config["room_secret"] = salted_hmac("seminarium.janus", "rooms").hexdigest()
    return MappingProxyType(config)


def provider(name: str) -> VideoProvider:
    return get_provider(name, provider_config(name))


def programme_provider_name(programme: Programme) -> str:
    found = VideoSettings.objects.filter(programme=programme).values_list("provider", flat=True)
    return next(iter(found), DEFAULT_PROVIDER)


def set_programme_provider(actor, programme: Programme, name: str) -> VideoSettings:
    from .tasks import ensure_rooms

    with transaction.atomic():
        video, _created = VideoSettings.objects.get_or_create(programme=programme)
        video.provider = name
        audited_save(actor, video, programme_id=programme.pk)
        enqueue_after_commit(ensure_rooms, programme.pk)
    return video


def set_session_provider(actor, session: Session, name: str) -> None:
    """Override the provider for one session ('' follows the programme)."""
    from .tasks import ensure_rooms

    with transaction.atomic():
        current = SessionVideo.objects.filter(session=session).first()
        if not name:
            if current:
                record(actor, "delete", current, programme_id=session.programme_id)
                current.delete()
        else:
            video = current or SessionVideo(session=session)
            video.provider = name
            audited_save(actor, video, programme_id=session.programme_id)
        enqueue_after_commit(ensure_rooms, session.programme_id)


# Rooms, made ahead of time


def needs_rooms(session: Session) -> bool:
    return session.is_online and session.kind != Session.Kind.BREAK


def channels_for(session: Session, provider_class: type[VideoProvider]) -> list[str]:
    """'' (the floor) and, without native interpretation, one room per interpretation language."""
    if provider_class.native_interpretation:
        return [""]
    return [""] + [c for c in session.interpretation_languages or [] if c != session.floor_language]


def _interpreter_seats(session: Session) -> tuple[InterpreterSeat, ...]:
    roles = (
        session.roles.filter(role=SessionRole.Role.INTERPRETER)
        .select_related("person")
        .order_by("pk")
    )
    return tuple(
        InterpreterSeat(
            email=role.person.email, from_language=session.floor_language, to_language=role.channel
        )
        for role in roles
        if role.channel and role.person.email
    )


def plan_rooms(programme: Programme) -> int:
    """Make the Room rows every online session needs (pending); returns how many are new."""
    created = 0
    default = programme_provider_name(programme)
    sessions = programme.sessions.select_related("video")
    for session in sessions:
        if not needs_rooms(session):
            continue
        name = getattr(getattr(session, "video", None), "provider", None) or default
        wanted = channels_for(session, PROVIDERS[name])
        existing = {room.channel: room for room in session.video_rooms.all()}
        for channel in wanted:
            room = existing.get(channel)
            if room is None:
                Room.objects.create(session=session, channel=channel, provider=name)
                created += 1
            elif room.provider != name and room.status != Room.Status.ENDED:
                # Provider changed before the session: start over with the new one.
                room.provider = name
                room.status = Room.Status.PENDING
                room.provider_room_id = ""
                room.data = {}
                room.attempts = 0
                room.next_attempt_at = None
                room.last_error = ""
                room.save()
        # Channels the provider no longer needs (a switch to native interpretation).
        session.video_rooms.exclude(channel__in=wanted).exclude(status=Room.Status.ENDED).delete()
    return created


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _room_spec(room: Room, video: VideoProvider) -> RoomSpec:
    session = room.session
    return RoomSpec(
        key=room.key,
        title=str(session.title),
        start=session.start,
        end=session.end,
        channel=room.channel,
        interpreters=_interpreter_seats(session) if video.native_interpretation else (),
    )


def provision_room(room: Room) -> bool:
    """Create the room at the provider; on failure note the error and when to try again."""
    video = provider(room.provider)
    spec = _room_spec(room, video)
    room.attempts += 1
    try:
        provisioned = video.create_room(spec)
    except ProviderError as error:
        room.last_error = str(error)[:500]
        room.status = Room.Status.FAILED
        room.next_attempt_at = timezone.now() + _backoff(room.attempts) if error.retryable else None
        room.save()
        logger.warning("Video room %s (%s) not created: %s", room.pk, room.provider, error)
        return False
    room.provider_room_id = provisioned.provider_room_id
    room.data = dict(provisioned.data)
    if video.native_interpretation:
        room.data["interpreters"] = _seats_sent(spec.interpreters)
    room.status = Room.Status.READY
    room.ready_at = timezone.now()
    room.last_error = ""
    room.next_attempt_at = None
    room.save()
    return True


def due_rooms(now: datetime, programme_id: int | None = None):
    """Rooms to create now: pending, or failed with a retry due, for sessions not yet over."""
    rooms = Room.objects.filter(session__end__gt=now).filter(
        Q(status=Room.Status.PENDING) | Q(status=Room.Status.FAILED, next_attempt_at__lte=now)
    )
    if programme_id is not None:
        rooms = rooms.filter(session__programme_id=programme_id)
    return rooms.select_related("session")


def renew_open_rooms(now: datetime | None = None) -> int:
    """Ask again for the ready rooms of open sessions on providers that may drop a room.

    ``create_room`` is idempotent: a room the provider still has comes back unchanged,
    and one it lost (a restart) is made again, whose new details (BigBlueButton's
    createTime, which join URLs carry) are stored. Returns how many rooms changed. A
    provider that fails here keeps the room as it was: it may well still be there.
    """
    now = now or timezone.now()
    names = [name for name, video in PROVIDERS.items() if video.rooms_can_vanish]
    rooms = Room.objects.filter(
        provider__in=names,
        status=Room.Status.READY,
        session__start__lte=now + timedelta(minutes=settings.JOIN_OPENS_MINUTES),
        session__end__gt=now,
    ).select_related("session")
    changed = 0
    for room in rooms:
        video = provider(room.provider)
        try:
            provisioned = video.create_room(_room_spec(room, video))
        except ProviderError as error:
            logger.warning("Video room %s (%s) not renewed: %s", room.pk, room.provider, error)
            continue
        data = dict(provisioned.data)
        if (provisioned.provider_room_id, data) == (room.provider_room_id, room.data):
            continue
        # Only a room still in use takes the new meeting: one that ended meanwhile
        # (the provider said so while we asked) must not come back to life.
        if Room.objects.filter(pk=room.pk, status=Room.Status.READY).update(
            provider_room_id=provisioned.provider_room_id, data=data
        ):
            logger.warning("Video room %s (%s) was made again", room.pk, room.provider)
            changed += 1
        else:
            with contextlib.suppress(ProviderError):
                video.end_room(provisioned)
    return changed


def _seats_sent(seats: tuple[InterpreterSeat, ...]) -> list[list[str]]:
    """How the seats last sent are kept in a room's data."""
    return [[seat.email, seat.from_language, seat.to_language] for seat in seats]


def sync_interpreters(programme: Programme) -> int:
    """Give ready rooms with native interpretation (Zoom) the interpreters assigned now.

    Rooms are made ahead, and interpreters are often assigned later, or change. Each
    room's data keeps the seats last sent, so the provider is called only on a change;
    a failure is logged and tried again on the next round. Returns the rooms updated.

    Two rounds may run at once (two quick edits). A round stores what it sent only if
    the assignment is still that after its call; otherwise it sends again, so whichever
    call reaches the provider last carries the latest assignment.
    """
    names = [name for name, video in PROVIDERS.items() if video.native_interpretation]
    rooms = Room.objects.filter(
        session__programme=programme,
        provider__in=names,
        status=Room.Status.READY,
        session__end__gt=timezone.now(),
    ).select_related("session")
    updated = 0
    for room in rooms:
        video = provider(room.provider)
        resend = False
        for _attempt in range(3):
            seats = _interpreter_seats(room.session)
            sent = _seats_sent(seats)
            if not resend and room.data.get("interpreters") == sent:
                break
            try:
                video.update_interpreters(ProvisionedRoom(room.provider_room_id, room.data), seats)
            except ProviderError as error:
                logger.warning("Interpreters of room %s not sent: %s", room.pk, error)
                break
            if _seats_sent(_interpreter_seats(room.session)) == sent:
                room.data = {**room.data, "interpreters": sent}
                room.save(update_fields=["data"])
                updated += 1
                break
            resend = True
    return updated


def ensure_programme_rooms(programme: Programme) -> dict[str, int]:
    """Plan and create the programme's rooms; returns counts, and when to try again."""
    now = timezone.now()
    with transaction.atomic():
        planned = plan_rooms(programme)
    ready = failed = 0
    for room in due_rooms(now, programme.pk):
        if provision_room(room):
            ready += 1
        else:
            failed += 1
    return {"planned": planned, "ready": ready, "failed": failed}


def next_retry_at(programme_id: int | None = None) -> datetime | None:
    rooms = Room.objects.filter(status=Room.Status.FAILED, next_attempt_at__isnull=False)
    if programme_id is not None:
        rooms = rooms.filter(session__programme_id=programme_id)
    return rooms.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()


def retry_room(actor, room: Room) -> None:
    """The organiser's "retry now": due at once, with a fresh backoff."""
    from .tasks import ensure_rooms

    with transaction.atomic():
        Room.objects.filter(pk=room.pk).update(
            status=Room.Status.PENDING, attempts=0, next_attempt_at=None
        )
        record(actor, "retry", room, programme_id=room.session.programme_id)
        enqueue_after_commit(ensure_rooms, room.session.programme_id)


def upcoming_programme_ids(now: datetime) -> list[int]:
    horizon = now + timedelta(hours=settings.VIDEO_ROOMS_AHEAD_HOURS)
    return list(
        Session.objects.filter(start__lte=horizon, end__gt=now, is_online=True)
        .values_list("programme_id", flat=True)
        .distinct()
    )


# Zoom registrants


def register_zoom_participants(room: Room) -> int:
    """Register every active participant of the programme to a ready Zoom meeting."""
    video = provider(room.provider)
    if room.status != Room.Status.READY or not hasattr(video, "register"):
        return 0
    provisioned = ProvisionedRoom(room.provider_room_id, room.data)
    done = set(room.registrants.values_list("participation_id", flat=True))
    participations = (
        Participation.objects.filter(
            programme_id=room.session.programme_id, status__in=ACTIVE_STATUSES
        )
        .exclude(pk__in=done)
        .select_related("person")
    )
    registered = 0
    for participation in participations:
        if not participation.person.email:
            continue
        try:
            registrant_id, join_url = video.register(
                provisioned, joiner_for(participation.pk, participation.person)
            )
        except ProviderError as error:
            # The next room job or sweep tries again; the others need not wait.
            logger.warning("Participant %s not registered with Zoom: %s", participation.pk, error)
            continue
        try:
            ZoomRegistrant.objects.create(
                room=room,
                participation=participation,
                registrant_id=registrant_id,
                join_url=join_url,
            )
        except IntegrityError:
            continue  # another worker got there first
        registered += 1
    return registered


def register_bbb_webhook() -> bool:
    """Keep our hook registered with bbb-webhooks, which drops a hook after about twelve
    failed deliveries; a no-op where BigBlueButton is not configured."""
    if not settings.BBB_URL:
        return False
    try:
        provider("bbb").register_webhooks()
    except ProviderError as error:
        logger.warning("BigBlueButton webhook not registered: %s", error)
        return False
    return True


# Personal links


def _active_link(participation: Participation) -> PersonalLink | None:
    return participation.personal_links.filter(revoked_at__isnull=True).first()


def personal_link(participation: Participation) -> PersonalLink:
    """The participant's active link, made on first use."""
    link = _active_link(participation)
    if link is not None:
        return link
    try:
        with transaction.atomic():
            return PersonalLink.objects.create(participation=participation)
    except IntegrityError:  # made at the same moment by another request
        return participation.personal_links.get(revoked_at__isnull=True)


def personal_link_url(participation: Participation) -> str:
    """The absolute path of the participant's personal join page, making the link if needed."""
    from django.urls import reverse

    return reverse("conferencing:join_page", args=[personal_link(participation).token])


def participation_for_token(token: str) -> Participation | None:
    """The active Participation for a personal-link token, or None."""
    link = link_for_page(token)
    return link.participation if link else None


def revoke_link(actor, participation: Participation) -> PersonalLink:
    """Revoke the active link (if any) and issue a new one."""
    with transaction.atomic():
        link = _active_link(participation)
        if link is not None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
            record(actor, "revoke", link, programme_id=participation.programme_id)
        fresh = PersonalLink.objects.create(participation=participation)
        record(actor, "create", fresh, programme_id=participation.programme_id)
    return fresh


def link_for_page(token: str) -> PersonalLink | None:
    """The active link behind a join page, with participant, person and programme."""
    return (
        PersonalLink.objects.filter(
            token=token, revoked_at__isnull=True, participation__status__in=ACTIVE_STATUSES
        )
        .select_related("participation__person", "participation__programme")
        .first()
    )


def remembered_channel(link: PersonalLink) -> str:
    return link.joins.order_by("-id").values_list("channel", flat=True).first() or ""


def joiner_for(
    participation_id: int,
    person: "Person | JoiningPerson",
    *,
    moderator: bool = False,
    personal_url: str = "",
) -> Joiner:
    return Joiner(
        ref=str(participation_id),
        display_name=person.display_name(person.preferred_language),
        email=person.email,
        moderator=moderator,
        personal_url=personal_url,
    )


def join_opens(session_start: datetime) -> datetime:
    return session_start - timedelta(minutes=settings.JOIN_OPENS_MINUTES)


# The join path


@dataclass(frozen=True)
class JoiningPerson:
    """Who clicked join, as the join's one statement read them: what the room page and the
    provider need. Plain values: building the person's and the participation's model
    instances cost the click more than all of this."""

    participation_id: int
    names: NameForms
    preferred_language: str
    home_timezone: str
    email: str

    def display_name(self, language: str) -> str:
        return self.names.for_reader(language)


@dataclass
class JoinAttempt:
    """What one join click found. ``outcome`` is one of: unknown, early, ended, not_ready,
    redirect, embed."""

    outcome: str
    person: JoiningPerson | None = None
    session_start: datetime | None = None
    session_end: datetime | None = None
    room: Mapping[str, Any] | None = None
    url: str = ""
    client_settings: Mapping[str, Any] | None = None  # for our room page's janus.js
    provider_name: str = ""


# In the order NameForms.of takes the names, then what JoiningPerson needs.
PERSON_FIELDS = (
    "family_name",
    "given_name",
    "patronymic",
    "latin_family_name",
    "latin_given_name",
    "chinese_name",
    "russian_name",
    "preferred_language",
    "home_timezone",
    "email",
)


@dataclass
class JoinRow:
    link_id: int
    person: JoiningPerson
    session_start: datetime | None
    session_end: datetime | None
    room: dict[str, Any] | None
    is_moderator: bool
    registrant_url: str | None
    recorded: bool  # the join record is already written (PostgreSQL, one statement)


@cache
def _join_sql() -> str:
    """The join path's one query, written once: the ORM would rebuild it on every click.

    The link, participant and person; the session's times (only if it is the link's
    programme's); the room for the channel (the floor when the floor is asked for, or when
    there is no room for the channel, as with native interpretation; an interpreter asking
    for any other channel gets their own, since they listen to the floor and speak into
    their channel); whether the person moderates (session role or organiser); a Zoom
    registrant's personal URL.
    """
    q = connection.ops.quote_name
    t = {
        model.__name__: q(model._meta.db_table)
        for model in (
            PersonalLink,
            Participation,
            Person,
            Session,
            Room,
            SessionRole,
            ProgrammeRole,
            ZoomRegistrant,
        )
    }
    person = ", ".join(f"pe.{q(name)}" for name in PERSON_FIELDS)
    moderators = ", ".join(f"'{role}'" for role in MODERATOR_ROLES)
    active = ", ".join(f"'{status}'" for status in ACTIVE_STATUSES)
    # Only table and column names and our own constants are formatted in; values are
    # bound parameters.
    sql = f"""
        SELECT l.id AS link_id, p.id, {person},
               s.{q("start")} AS session_start, s.{q("end")} AS session_end,
               r.id AS room_id, r.channel AS room_channel, r.provider, r.status AS room_status,
               r.provider_room_id, r.data,
               EXISTS (SELECT 1 FROM {t["SessionRole"]} m WHERE m.session_id = s.id
                       AND m.person_id = p.person_id AND m.role IN ({moderators}))
               OR EXISTS (SELECT 1 FROM {t["ProgrammeRole"]} o WHERE o.user_id = pe.user_id
                       AND o.programme_id = p.programme_id AND o.role = 'organiser'),
               (SELECT z.join_url FROM {t["ZoomRegistrant"]} z
                 WHERE z.room_id = r.id AND z.participation_id = p.id)
        FROM {t["PersonalLink"]} l
        JOIN {t["Participation"]} p ON p.id = l.participation_id
        JOIN {t["Person"]} pe ON pe.id = p.person_id
        LEFT JOIN {t["Session"]} s ON s.id = %s AND s.programme_id = p.programme_id
        LEFT JOIN {t["Room"]} r ON r.id = (
            SELECT r2.id FROM {t["Room"]} r2
            WHERE r2.session_id = s.id AND (r2.channel = '' OR (%s <> '' AND r2.channel = COALESCE(
                (SELECT i.channel FROM {t["SessionRole"]} i WHERE i.session_id = s.id
                  AND i.person_id = p.person_id AND i.role = 'interpreter'
                  AND i.channel <> '' LIMIT 1), %s)))
            ORDER BY r2.channel DESC LIMIT 1)
        WHERE l.token = %s AND l.revoked_at IS NULL AND p.status IN ({active})
    """  # noqa: S608
    # On one line: Django's SQLite wrapper scans the text for placeholders on every join.
    return " ".join(sql.split())


def _aware(value: Any) -> datetime | None:
    if value is None or (isinstance(value, datetime) and value.tzinfo is not None):
        return value
    # SQLite's text, always Django's ISO form: the C parser is several times faster than
    # parse_datetime's regular expression, and this runs on every join.
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC)  # stored in UTC where the database keeps no zone


def _join_record_table() -> str:
    """The join record's table with the columns both inserts give, in their order."""
    q = connection.ops.quote_name
    columns = ", ".join(q(name) for name in ("link_id", "session_id", "room_id", "channel", "at"))
    return f"{q(JoinRecord._meta.db_table)} ({columns})"


@cache
def _join_and_record_sql() -> str:
    """PostgreSQL: the lookup and, when the click gets in, the join record, in one statement.

    One round trip instead of two on the hottest path. The record is written under the
    same conditions as ``join`` checks (session open, room ready), before the provider's
    URL is built, as on SQLite. Its transaction does not wait for the disk at commit
    (``set_config`` is SET LOCAL, evaluated in the statement): a join record is a log of
    clicks, not attendance, and a crash loses at most the last fraction of a second of
    them, while waiting for each flush would cap the surge at the disk's flush rate.
    """
    # Only table and column names and our own constants are formatted in.
    return (
        f"WITH found AS ({_join_sql()}), recorded AS ("  # noqa: S608
        f"INSERT INTO {_join_record_table()}"
        " SELECT link_id, %s, room_id, room_channel, %s"
        " FROM found, (SELECT set_config('synchronous_commit', 'off', true)) AS asynchronous"
        f" WHERE room_status = '{Room.Status.READY}' AND session_start <= %s"
        " AND %s < session_end RETURNING 1)"
        " SELECT found.*, EXISTS (SELECT 1 FROM recorded) FROM found"
    )


def _join_row(token: str, session_id: int, channel: str, now: datetime) -> JoinRow | None:
    lookup = [session_id, channel, channel, token]
    if connection.vendor == "postgresql":
        opens_by = now + timedelta(minutes=settings.JOIN_OPENS_MINUTES)
        found = fetch_one_checking_connection(
            _join_and_record_sql(), [*lookup, session_id, now, opens_by, now]
        )
        row, recorded = (found[:-1], bool(found[-1])) if found else (None, False)
    else:
        row, recorded = fetch_one_checking_connection(_join_sql(), lookup), False
    if row is None:
        return None
    link_id, participation_id = row[:2]
    *name_fields, language, zone, email = row[2 : 2 + len(PERSON_FIELDS)]
    start, end, *room_values, moderator, registrant_url = row[2 + len(PERSON_FIELDS) :]
    room = None
    if room_values[0] is not None:
        names = ("id", "channel", "provider", "status", "provider_room_id", "data")
        room = dict(zip(names, room_values, strict=True))
        if isinstance(room["data"], str):
            room["data"] = json.loads(room["data"] or "{}")
    person = JoiningPerson(participation_id, NameForms.of(*name_fields), language, zone, email)
    return JoinRow(
        link_id=link_id,
        person=person,
        session_start=_aware(start),
        session_end=_aware(end),
        room=room,
        is_moderator=bool(moderator),
        registrant_url=registrant_url,
        recorded=recorded,
    )


@cache
def _join_insert_sql() -> str:
    """The join record where the lookup did not write it (SQLite), as plain SQL: the ORM's
    insert costs more than the insert."""
    return f"INSERT INTO {_join_record_table()} VALUES (%s, %s, %s, %s, %s)"  # noqa: S608


def _record_join(link_id: int, session_id: int, room_id: int, channel: str, at: datetime) -> None:
    params = [link_id, session_id, room_id, channel, connection.ops.adapt_datetimefield_value(at)]
    with server_bound_cursor() as cursor:
        cursor.execute(_join_insert_sql(), params)


def join(token: str, session_id: int, channel: str, now: datetime | None = None) -> JoinAttempt:
    """The join click: one read, one append, and the provider's URL built on the spot."""
    now = now or timezone.now()
    row = _join_row(token, session_id, channel[:10], now)
    if row is None or row.session_start is None:
        return JoinAttempt("unknown")
    attempt = JoinAttempt(
        "",
        person=row.person,
        session_start=row.session_start,
        session_end=row.session_end,
    )
    if now < join_opens(row.session_start):
        attempt.outcome = "early"
        return attempt
    if now >= row.session_end:
        attempt.outcome = "ended"
        return attempt
    summary = row.room
    if not summary or summary.get("status") != Room.Status.READY:
        attempt.outcome = "not_ready"
        return attempt
    attempt.room = summary
    attempt.provider_name = summary["provider"]
    if not row.recorded:
        _record_join(row.link_id, session_id, summary["id"], summary["channel"], now)
    try:
        video = provider(summary["provider"])
        joiner = joiner_for(
            row.person.participation_id,
            row.person,
            moderator=row.is_moderator,
            personal_url=row.registrant_url or "",
        )
        provisioned = ProvisionedRoom(summary["provider_room_id"], summary["data"])
        if hasattr(video, "client_settings"):
            # Our room page is the way in: it gets what janus.js needs, no URL.
            attempt.client_settings = video.client_settings(provisioned, joiner, now)
            url = ""
        else:
            url = video.join_url(provisioned, joiner, now)
    except ProviderError as error:
        logger.warning("Join URL for room %s not built: %s", summary.get("id"), error)
        attempt.outcome = "not_ready"
        return attempt
    attempt.url = url
    attempt.outcome = "embed" if video.embeds_room_page else "redirect"
    return attempt


# Presence heartbeats from our room page

PRESENCE_KINDS = ("join", "heartbeat", "leave")


def record_presence(
    token: str, session_id: int, kind: str, device: str, now: datetime | None = None
) -> bool:
    """A heartbeat from our embedded room page; False when the link or session is not valid,
    or the link was never used to join the session (our room page is reached only by
    joining, so a heartbeat without a join did not come from it)."""
    if kind not in PRESENCE_KINDS:
        return False
    link = (
        PersonalLink.objects.filter(
            token=token,
            revoked_at__isnull=True,
            participation__status__in=ACTIVE_STATUSES,
            participation__programme__sessions__pk=session_id,
            joins__session_id=session_id,
        )
        .values_list("participation_id", flat=True)
        .first()
    )
    if link is None:
        return False
    record_events(
        [
            IncomingEvent(
                session_id=session_id,
                source="presence",
                kind=kind,
                at=now or timezone.now(),
                participation_id=link,
                device=device[:64],
            )
        ]
    )
    return True


# Webhooks


def _match_participations(room: Room, events: tuple[ProviderEvent, ...]) -> dict[int, int | None]:
    """Provider event index -> our participation id (None: unknown, kept for review)."""
    programme_id = room.session.programme_id
    refs = {e.participant_ref for e in events if e.participant_ref.isdigit()}
    by_ref = set(
        Participation.objects.filter(programme_id=programme_id, pk__in=refs).values_list(
            "pk", flat=True
        )
    )
    registrants = {e.registrant_id for e in events if e.registrant_id}
    by_registrant = dict(
        ZoomRegistrant.objects.filter(
            room__session__programme_id=programme_id, registrant_id__in=registrants
        ).values_list("registrant_id", "participation_id")
    )
    emails = {e.email.lower() for e in events if e.email}
    by_email: dict[str, int] = {}
    if emails:
        same_email = Q()
        for email in emails:
            same_email |= Q(person__email__iexact=email)
        for pk, email in (
            Participation.objects.filter(programme_id=programme_id)
            .filter(same_email)
            .values_list("pk", "person__email")
        ):
            by_email.setdefault(email.lower(), pk)
    matched: dict[int, int | None] = {}
    for index, event in enumerate(events):
        ref = int(event.participant_ref) if event.participant_ref.isdigit() else None
        matched[index] = (
            (ref if ref in by_ref else None)
            or by_registrant.get(event.registrant_id)
            or by_email.get(event.email.lower())
        )
    return matched


def record_webhook(provider_name: str, result: WebhookResult) -> int:
    """Store what a verified callback reported; returns how many events were new."""
    room_ids = {e.provider_room_id for e in result.events} | {r for r, _at in result.room_ended}
    rooms = {
        room.provider_room_id: room
        for room in Room.objects.filter(
            provider=provider_name, provider_room_id__in=room_ids
        ).select_related("session")
    }
    incoming: list[IncomingEvent] = []
    by_room: dict[str, list[ProviderEvent]] = {}
    for event in result.events:
        by_room.setdefault(event.provider_room_id, []).append(event)
    for room_id, events in by_room.items():
        room = rooms.get(room_id)
        if room is None:
            logger.warning("%s callback for an unknown room; ignored", provider_name)
            continue
        incoming.extend(_incoming(room, tuple(events)))
    stored = record_events(incoming).stored if incoming else 0
    for room_id, at in result.room_ended:
        room = rooms.get(room_id)
        if room is not None:
            mark_room_ended(room, at)
    return stored


def attendance_source(room: Room) -> str:
    """The ledger's source for a room's events: the provider, with the channel for a
    channel's own room ("bbb:ru"). A provider's final report, and its room end, stand
    for its own room, and with a room per channel each room reports on its own."""
    return f"{room.provider}:{room.channel}" if room.channel else room.provider


def _incoming(
    room: Room, events: tuple[ProviderEvent, ...], *, final: bool = False
) -> list[IncomingEvent]:
    matched = _match_participations(room, events)
    source = attendance_source(room)
    return [
        IncomingEvent(
            session_id=room.session_id,
            source=source,
            kind=event.kind,
            at=event.at,
            participation_id=matched[index],
            device=event.device[:64],
            provider_event_id=event.event_id,
            # A provider's final record may also arrive as a callback (BBB analytics).
            final=final or event.final,
            participant_label=(event.display_name or event.email)[:200],
            payload=dict(event.payload),
        )
        for index, event in enumerate(events)
    ]


def mark_room_ended(room: Room, at: datetime) -> None:
    """The provider says the room is over: close open intervals, then fetch the final record."""
    from .tasks import collect_final_attendance

    with transaction.atomic():
        updated = (
            Room.objects.filter(pk=room.pk)
            .exclude(status=Room.Status.ENDED)
            .update(status=Room.Status.ENDED, ended_at=at)
        )
        record_room_end(room.session_id, attendance_source(room), at)
        if updated:
            enqueue_after_commit(collect_final_attendance, room.pk)


# After the session


def end_finished_rooms(now: datetime | None = None, room_id: int | None = None) -> int:
    """End rooms whose session is over, and fetch each one's final attendance."""
    now = now or timezone.now()
    ended = 0
    rooms = Room.objects.filter(status=Room.Status.READY, session__end__lte=now)
    if room_id is not None:
        rooms = rooms.filter(pk=room_id)
    for room in rooms.select_related("session"):
        try:
            provider(room.provider).end_room(ProvisionedRoom(room.provider_room_id, room.data))
        except ProviderError as error:
            logger.warning("Video room %s not ended at the provider: %s", room.pk, error)
        mark_room_ended(room, room.session.end)
        ended += 1
    return ended


def fetch_final_attendance(room: Room) -> int:
    """The provider's own record of who was there, stored as final events."""
    events = provider(room.provider).final_attendance(
        ProvisionedRoom(room.provider_room_id, room.data)
    )
    stored = record_events(_incoming(room, tuple(events), final=True)).stored
    Room.objects.filter(pk=room.pk).update(attendance_fetched_at=timezone.now())
    return stored


# The organiser's view


@dataclass
class ChannelRota:
    channel: str
    interpreters: list[SessionRole]
    short_of_pair: bool


def rota(session: Session) -> list[ChannelRota]:
    """Who interprets each channel; a channel of a long session needs a pair."""
    by_channel: dict[str, list[SessionRole]] = {
        c: [] for c in session.interpretation_languages or []
    }
    for role in session.roles.all():
        if role.role == SessionRole.Role.INTERPRETER:
            by_channel.setdefault(role.channel, []).append(role)
    needs_pair = session.duration_minutes > PAIR_AFTER_MINUTES
    return [
        ChannelRota(channel, people, short_of_pair=needs_pair and len(people) < 2)
        for channel, people in by_channel.items()
    ]


def rooms_overview(programme: Programme) -> list[dict[str, Any]]:
    """Every session with its provider, rooms (by status) and interpretation rota."""
    default = programme_provider_name(programme)
    sessions = programme.sessions.select_related("video").prefetch_related(
        "video_rooms", "roles__person"
    )
    return [
        {
            "session": session,
            "provider": getattr(getattr(session, "video", None), "provider", "") or default,
            "overridden": bool(getattr(getattr(session, "video", None), "provider", "")),
            "rooms": list(session.video_rooms.all()),
            "rota": rota(session),
            "online": needs_rooms(session),
        }
        for session in sessions
    ]
