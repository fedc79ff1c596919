"""The attendance ledger's operations: recording raw events, and reading attended time.

Raw events are appended, never changed. Attended time is computed from them by the
pure module :mod:`seminarium.attendance.intervals`, per session, and kept in
``AttendedTime``. A batch of events marks its sessions stale; every read recomputes
stale sessions first, so readers always see the ledger as it is. The session, not
the (session, participant) pair, is the unit of recompute: a provider's final
report or a room end changes everyone's time in that session.

Rules beyond intervals.py:

- per source (``presence``, ``jitsi``, ``zoom``...), when the ledger holds final
  events (a provider's final report) for a session, those alone count for that
  source and session; its live events are ignored there;
- each source's events close at that source's room end;
- the sources are then unioned per participant, so two ways of measuring one
  presence never count twice;
- unmatched events count once an organiser links their identity to a participant.
"""

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from seminarium.core.audit import audited_delete, audited_save, record
from seminarium.core.db import forked_pool, server_bound_cursor
from seminarium.people.data_rights import REDACTED as ERASED
from seminarium.programmes.models import Participation, Programme, Session, SessionRole

from . import intervals
from .models import (
    AttendanceEvent,
    AttendanceSettings,
    AttendedTime,
    ExcusedAbsence,
    ParticipantLink,
    RoomEnd,
    StaleSession,
)

KINDS = frozenset(AttendanceEvent.Kind.values)
# Expected at every counted session; other kinds only where they hold a session role.
WHOLE_PROGRAMME_KINDS = (Participation.Kind.PARTICIPANT, Participation.Kind.OBSERVER)
ACTIVE_STATUSES = (Participation.Status.INVITED, Participation.Status.CONFIRMED)


@dataclass(frozen=True)
class IncomingEvent:
    session_id: int
    source: str
    kind: str
    at: datetime
    participation_id: int | None
    device: str = ""
    provider_event_id: str | None = None
    final: bool = False
    participant_label: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordOutcome:
    stored: int
    duplicates: int
    unmatched: int


@dataclass(frozen=True)
class ParticipantAttendance:
    participation_id: int
    attended_minutes: float
    scheduled_minutes: float
    excused_minutes: float
    rate: float
    eligible: bool

    @property
    def percent(self) -> float:
        return self.rate * 100


# Recording -------------------------------------------------------------------------


def ledger_key(event: IncomingEvent) -> str:
    """The event's unique key in the ledger, prefixed with its source."""
    if event.provider_event_id:
        return f"{event.source}:{event.provider_event_id}"[:255]
    content = {
        "session": event.session_id,
        "participation": event.participation_id,
        "kind": event.kind,
        "at": event.at,
        "device": event.device,
        "final": event.final,
        "label": event.participant_label,
        "payload": dict(event.payload),
    }
    return f"{event.source}:{intervals.event_key(None, content)}"


def _check(event: IncomingEvent) -> None:
    if event.kind not in KINDS:
        raise ValidationError(_("Unknown attendance event kind: %(kind)s.") % {"kind": event.kind})
    if not event.source or len(event.source) > 20:
        raise ValidationError(_("An attendance event needs a source of at most 20 characters."))
    if event.at.tzinfo is None or event.at.utcoffset() is None:
        raise ValidationError(_("An attendance event’s time must include its time zone."))


def _programmes_of(
    session_ids: set[int], participation_ids: set[int]
) -> tuple[dict[int, int], dict[int, int]]:
    """Programme id by session id, and by participation id, for those that exist.

    One plain query for both: building the ORM's IN clauses of a few hundred ids cost
    more than the insert of the batch they check.
    """
    quote = connection.ops.quote_name
    parts, params = [], []
    for label, model, ids in (("s", Session, session_ids), ("p", Participation, participation_ids)):
        if not ids:
            continue
        if connection.vendor == "postgresql":
            wanted, values = "= ANY(%s)", [list(ids)]  # one array parameter
        else:
            wanted, values = f"IN ({', '.join(['%s'] * len(ids))})", list(ids)
        table = quote(model._meta.db_table)
        parts.append(f"SELECT '{label}', id, programme_id FROM {table} WHERE id {wanted}")  # noqa: S608
        params += values
    found: dict[str, dict[int, int]] = {"s": {}, "p": {}}
    if parts:
        with server_bound_cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for label, pk, programme_id in cursor.fetchall():
                found[label][pk] = programme_id
    return found["s"], found["p"]


def _check_scope(events: list[IncomingEvent]) -> None:
    """Every session exists, and every participant belongs to that session's programme."""
    sessions, participations = _programmes_of(
        {e.session_id for e in events},
        {e.participation_id for e in events if e.participation_id is not None},
    )
    for event in events:
        if event.session_id not in sessions:
            raise ValidationError(_("No such session: %(id)s.") % {"id": event.session_id})
        if (
            event.participation_id is not None
            and participations.get(event.participation_id) != sessions[event.session_id]
        ):
            raise ValidationError(
                _("Participant %(id)s does not take part in this session’s programme.")
                % {"id": event.participation_id}
            )


def _mark_stale(session_ids: Iterable[int]) -> None:
    """One upsert, in plain SQL as it runs with every webhook batch."""
    token = uuid.uuid4().hex
    ids = sorted(set(session_ids))
    if not ids:
        return
    quote = connection.ops.quote_name
    with server_bound_cursor() as cursor:
        cursor.execute(
            # Only our own table and column names are formatted in.
            f"INSERT INTO {quote(StaleSession._meta.db_table)} (session_id, token) "  # noqa: S608
            f"VALUES {', '.join(['(%s, %s)'] * len(ids))} "
            "ON CONFLICT (session_id) DO UPDATE SET token = excluded.token",
            [value for pk in ids for value in (pk, token)],
        )


# Webhook traffic arrives by the hundred thousand at the top of the hour; building a
# model instance per event made bulk_create ten times slower than the database, so
# the ledger is written from prepared rows: on SQLite one prepared statement run per
# row (executemany, in C); on PostgreSQL the whole batch as one JSON parameter,
# unpacked by the server (psycopg quotes list and VALUES parameters value by value in
# Python, which cost more than the insert; json.dumps is C). ON CONFLICT DO NOTHING is
# the same on both, and the row counts it returns are exact under concurrent batches.
_COLUMNS = (
    "session_id",
    "participation_id",
    "source",
    "kind",
    "at",
    "device",
    "key",
    "final",
    "participant_label",
    "payload",
    "received_at",
)
_POSTGRESQL_TYPES = (
    "bigint",
    "bigint",
    "text",
    "text",
    "timestamptz",
    "text",
    "text",
    "boolean",
    "text",
    "jsonb",
    "timestamptz",
)
_JSON = DjangoJSONEncoder()


def _insert_sql(values: str) -> str:
    quote = connection.ops.quote_name
    return (
        f"INSERT INTO {quote(AttendanceEvent._meta.db_table)} "
        f"({', '.join(map(quote, _COLUMNS))}) {values} "
        f"ON CONFLICT ({quote('key')}) DO NOTHING"
    )


def _insert(rows: list[tuple]) -> int:
    """Insert prepared ledger rows, skipping keys already there; the number inserted."""
    if not rows:
        return 0
    with server_bound_cursor() as cursor:
        if connection.vendor == "postgresql":
            selected = ", ".join(f"(row->>{n})::{kind}" for n, kind in enumerate(_POSTGRESQL_TYPES))
            cursor.execute(
                # Only our own column positions and types are formatted in.
                _insert_sql(f"SELECT {selected} FROM jsonb_array_elements(%s::jsonb) AS row"),  # noqa: S608
                [json.dumps(rows)],
            )
            return cursor.rowcount
        # SQLite runs one prepared statement per row, in C; its row count is the
        # number of rows inserted, conflicts not counted.
        cursor.executemany(_insert_sql(f"VALUES ({', '.join(['%s'] * len(_COLUMNS))})"), rows)
        return cursor.rowcount


def _sqlite_datetime(value: datetime) -> str:
    """What Django's own SQLite adapter stores, naive UTC text, without datetime.replace
    (several times slower than the formatting itself)."""
    return value.astimezone(UTC).isoformat(" ").removesuffix("+00:00")


def _datetime_adapter():
    if connection.vendor == "sqlite":
        return _sqlite_datetime
    return datetime.isoformat  # with its offset and every microsecond, inside the JSON


@transaction.atomic
def record_events(events: Iterable[IncomingEvent]) -> RecordOutcome:
    """Append events to the ledger; events already there (same key) are counted, not stored.

    The whole batch is checked first: one bad event stores nothing.
    """
    incoming = list(events)
    for event in incoming:
        _check(event)
    _check_scope(incoming)
    adapt_datetime = _datetime_adapter()
    received_at = adapt_datetime(timezone.now())
    matched: dict[str, tuple] = {}
    unmatched: dict[str, tuple] = {}
    for event in incoming:
        key = ledger_key(event)
        rows = unmatched if event.participation_id is None else matched
        if key in matched or key in unmatched:
            continue
        rows[key] = (
            event.session_id,
            event.participation_id,
            event.source,
            event.kind,
            adapt_datetime(event.at),
            event.device[:200],
            key,
            bool(event.final),
            event.participant_label[:200],
            _JSON.encode(dict(event.payload)),
            received_at,
        )
    stored_matched = _insert(list(matched.values()))
    stored_unmatched = _insert(list(unmatched.values()))
    if stored_matched or stored_unmatched:
        _mark_stale(event.session_id for event in incoming)
    stored = stored_matched + stored_unmatched
    return RecordOutcome(
        stored=stored, duplicates=len(incoming) - stored, unmatched=stored_unmatched
    )


@transaction.atomic
def record_room_end(session_id: int, source: str, at: datetime) -> None:
    """The provider's room for the session ended at ``at``; the latest report wins."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValidationError(_("An attendance event’s time must include its time zone."))
    if not Session.objects.filter(pk=session_id).exists():
        raise ValidationError(_("No such session: %(id)s.") % {"id": session_id})
    end, created = RoomEnd.objects.select_for_update().get_or_create(
        session_id=session_id, source=source, defaults={"at": at}
    )
    # The latest end, so replayed or reordered reports agree; a reopened room ends later.
    if not created and at > end.at:
        end.at = at
        end.save(update_fields=["at"])
    if created or end.at == at:
        _mark_stale([session_id])


# Computing -------------------------------------------------------------------------


def _schedule(session: Session) -> intervals.Schedule:
    return intervals.Schedule(session.start, session.end)


def _links(programme_ids: Iterable[int]) -> dict[int, dict[tuple[str, str], int]]:
    by_programme: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for programme_id, source, identity, participation_id in ParticipantLink.objects.filter(
        programme_id__in=set(programme_ids)
    ).values_list("programme_id", "source", "identity", "participation_id"):
        by_programme[programme_id][(source, identity)] = participation_id
    return by_programme


def _counted_events(sessions: list[Session]) -> dict[int, list[intervals.Row]]:
    """Per session, the events that count, as intervals.py rows.

    A row's "session" slot carries the source, so that each source closes at its own
    room end; the final-report rule and the organisers' links are applied here.
    Read with a plain cursor and in one pass: recomputing reads every event ever
    recorded, and Django's per-value converters cost more than the interval
    computation itself.
    """
    ids = [session.pk for session in sessions]
    final = set(
        AttendanceEvent.objects.filter(session_id__in=ids, final=True)
        .values_list("session_id", "source")
        .distinct()
    )
    programme_of = {session.pk: session.programme_id for session in sessions}
    links = _links(programme_of.values())
    quote = connection.ops.quote_name
    # The row id stands for the key: the ledger holds each key once already, and
    # events differing only in key give the same segments in either order. The time
    # is read as text with its offset (SQLite keeps naive UTC): the drivers' converters,
    # and datetime.replace(tzinfo=…), cost several times what fromisoformat does; for
    # the same reason the flag is read as a plain integer.
    at = "at || '+00:00'" if connection.vendor == "sqlite" else "CAST(at AS TEXT)"
    columns = (
        f"session_id, id, participation_id, source, device, kind, {at}, "
        "CAST(final AS INTEGER), CASE WHEN participation_id IS NULL THEN participant_label END"
    )
    table, placeholders = quote(AttendanceEvent._meta.db_table), ", ".join(["%s"] * len(ids))
    sql = f"SELECT {columns} FROM {table} WHERE session_id IN ({placeholders})"  # noqa: S608
    parse = datetime.fromisoformat
    rows: dict[int, list[intervals.Row]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        while chunk := cursor.fetchmany(20_000):
            for session_id, key, person, source, device, kind, at, is_final, label in chunk:
                if final and not is_final and (session_id, source) in final:
                    continue  # the provider's final report is the word for its source
                if person is None:
                    person = links[programme_of[session_id]].get((source, label or device))
                    if person is None:
                        continue  # unknown, awaiting review
                rows[session_id].append((key, person, source, device, kind, parse(at)))
    return rows


def _attended(
    rows: list[intervals.Row], schedule: intervals.Schedule, room_ends: Mapping[str, datetime]
) -> dict[int, list[intervals.Interval]]:
    """Attended intervals per participation in one session: per source, then unioned."""
    sources = {row[2] for row in rows}
    per_source = intervals.attended_intervals_of_rows(
        rows, schedule, room_end={source: room_ends.get(source) for source in sources}
    )
    segments: dict[int, list[intervals.Interval]] = defaultdict(list)
    for (person, _source), found in per_source.items():
        segments[person].extend(found)
    return {person: intervals.union(found) for person, found in segments.items()}


def _recompute(sessions: list[Session]) -> None:
    """Rebuild AttendedTime of these sessions from the ledger. Call inside atomic()."""
    _replace_attended_time(sessions, _computed(sessions))


def _replace_attended_time(sessions: list[Session], computed: list[AttendedTime]) -> None:
    AttendedTime.objects.filter(session__in=sessions).delete()
    AttendedTime.objects.bulk_create(computed, batch_size=5000)


def _computed(sessions: list[Session]) -> list[AttendedTime]:
    """AttendedTime of these sessions, from the ledger, not yet saved."""
    if not sessions:
        return []
    ids = [session.pk for session in sessions]
    events = _counted_events(sessions)
    room_ends: dict[int, dict[str, datetime]] = defaultdict(dict)
    for session_id, source, at in RoomEnd.objects.filter(session_id__in=ids).values_list(
        "session_id", "source", "at"
    ):
        room_ends[session_id][source] = at
    computed = []
    for session in sessions:
        attended = _attended(events.get(session.pk, []), _schedule(session), room_ends[session.pk])
        computed.extend(
            AttendedTime(
                session_id=session.pk,
                participation_id=participation_id,
                attended_us=intervals.attended_time(found) // timedelta(microseconds=1),
                intervals=[[start.isoformat(), end.isoformat()] for start, end in found],
            )
            for participation_id, found in attended.items()
        )
    return computed


def _refresh(sessions: Q) -> None:
    """Recompute the stale sessions among ``sessions`` (a filter on Session)."""
    marks = list(
        StaleSession.objects.filter(session__in=Session.objects.filter(sessions)).values_list(
            "session_id", "token"
        )
    )
    if not marks:
        return
    with transaction.atomic():
        _recompute(list(Session.objects.filter(pk__in=[pk for pk, _token in marks])))
        _clear_marks(marks)


def _clear_marks(marks: list[tuple[int, str]]) -> None:
    """Remove these (session, token) stale marks; a batch that arrived meanwhile
    changed its session's token, so that mark stays."""
    done = Q(pk__in=[])
    for session_id, token in marks:
        done |= Q(session_id=session_id, token=token)
    StaleSession.objects.filter(done).delete()


def refresh_for(participation_ids: Iterable[int]) -> None:
    """Recompute the stale sessions of these participants' programmes."""
    _refresh(Q(programme__participations__in=list(participation_ids)))


def recompute_attendance(
    programme: Programme | None = None, *, progress=None, batch: int = 50, jobs: int = 1
) -> int:
    """Rebuild all attended time (of one programme, or everywhere) from the raw events.

    ``progress`` is called with the number of sessions done after each batch. With
    ``jobs`` above 1, batches are computed by that many processes at once (the work is
    Python arithmetic, so threads would not help); not inside a transaction, whose data
    the other processes could not see, where it runs in this process alone.
    Returns the number of sessions recomputed.
    """
    sessions = Session.objects.order_by("pk")
    if programme is not None:
        sessions = sessions.filter(programme=programme)
    ids = list(sessions.values_list("pk", flat=True))
    if jobs > 1 and len(ids) > 1 and not connection.in_atomic_block:
        # Small batches, so that the processes finish together.
        size = max(1, min(batch, -(-len(ids) // (4 * jobs))))
        batches = [ids[first : first + size] for first in range(0, len(ids), size)]
        with forked_pool(jobs) as pool:
            for done in pool.imap_unordered(_recompute_batch, batches):
                if progress is not None:
                    progress(done)
        return len(ids)
    for first in range(0, len(ids), batch):
        done = _recompute_batch(ids[first : first + batch])
        if progress is not None:
            progress(done)
    return len(ids)


def _recompute_batch(session_ids: list[int]) -> int:
    """Recompute these sessions and clear their stale marks.

    Computed before the transaction that writes the result, so that processes
    computing at once do not queue for SQLite's write lock. A mark read first stays
    if events arrived since: their batch changed its token.
    """
    chunk = list(Session.objects.filter(pk__in=session_ids).order_by("pk"))
    marks = list(StaleSession.objects.filter(session__in=chunk).values_list("session_id", "token"))
    computed = _computed(chunk)
    with transaction.atomic():
        _replace_attended_time(chunk, computed)
        _clear_marks(marks)
    return len(chunk)


# Reading ---------------------------------------------------------------------------


def attendance_threshold(programme: Programme) -> float:
    """The share of scheduled time (0..1) a participant must attend for a certificate."""
    own = AttendanceSettings.objects.filter(programme=programme).first()
    percent = own.threshold if own else settings.ATTENDANCE_THRESHOLD
    return percent / 100


def counted_sessions(programme: Programme) -> list[Session]:
    """The sessions attendance is measured at: all but breaks."""
    return list(programme.sessions.exclude(kind=Session.Kind.BREAK).order_by("start", "pk"))


def expected_sessions(programme: Programme, sessions: list[Session]) -> dict[int, set[int]]:
    """Participation id -> ids of the sessions that participant is expected at."""
    all_ids = {session.pk for session in sessions}
    participations = list(
        programme.participations.filter(status__in=ACTIVE_STATUSES).values_list(
            "pk", "person_id", "kind"
        )
    )
    roles: dict[int, set[int]] = defaultdict(set)
    for person_id, session_id in SessionRole.objects.filter(session_id__in=all_ids).values_list(
        "person_id", "session_id"
    ):
        roles[person_id].add(session_id)
    return {
        pk: set(all_ids) if kind in WHOLE_PROGRAMME_KINDS else roles[person_id]
        for pk, person_id, kind in participations
    }


def attended_us(sessions: list[Session]) -> dict[tuple[int, int], int]:
    """(session id, participation id) -> attended microseconds, stale sessions recomputed."""
    ids = [session.pk for session in sessions]
    _refresh(Q(pk__in=ids))
    return {
        (session_id, participation_id): us
        for session_id, participation_id, us in AttendedTime.objects.filter(
            session_id__in=ids
        ).values_list("session_id", "participation_id", "attended_us")
    }


def excused_pairs(programme: Programme) -> set[tuple[int, int]]:
    """(session id, participation id) of every excused absence in the programme."""
    return set(
        ExcusedAbsence.objects.filter(session__programme=programme).values_list(
            "session_id", "participation_id"
        )
    )


def _us(session: Session) -> int:
    return (session.end - session.start) // timedelta(microseconds=1)


def programme_attendance(programme: Programme) -> dict[int, ParticipantAttendance]:
    """Attendance of every active participation in the programme, keyed by its id.

    Scheduled time counts the sessions each is expected at, less excused ones;
    time attended at excused or unexpected sessions does not count.
    """
    sessions = counted_sessions(programme)
    expected = expected_sessions(programme, sessions)
    attended = attended_us(sessions)
    excused = excused_pairs(programme)
    threshold = attendance_threshold(programme)
    result = {}
    for participation_id, session_ids in expected.items():
        scheduled = excused_us = present = 0
        for session in sessions:
            if session.pk not in session_ids:
                continue
            if (session.pk, participation_id) in excused:
                excused_us += _us(session)
                continue
            scheduled += _us(session)
            present += attended.get((session.pk, participation_id), 0)
        rate = present / scheduled if scheduled else 0.0
        result[participation_id] = ParticipantAttendance(
            participation_id=participation_id,
            attended_minutes=present / 60_000_000,
            scheduled_minutes=scheduled / 60_000_000,
            excused_minutes=excused_us / 60_000_000,
            rate=rate,
            eligible=bool(scheduled) and intervals.eligible(rate, threshold),
        )
    return result


def minutes_attended(sessions: list[Session]) -> dict[tuple[int, int], float]:
    """(session id, participation id) -> minutes attended, for many sessions in one query."""
    return {pair: us / 60_000_000 for pair, us in attended_us(sessions).items()}


def session_attendance(session: Session) -> dict[int, float]:
    """Participation id -> minutes attended, for everyone seen in the session."""
    return {pid: minutes for (_sid, pid), minutes in minutes_attended([session]).items()}


@dataclass(frozen=True)
class GridCell:
    expected: bool
    excused: bool
    minutes: float
    rate: float  # share of the session attended, 0..1

    @property
    def percent(self) -> float:
        return self.rate * 100


@dataclass(frozen=True)
class GridRow:
    participation: Participation
    cells: list[GridCell]
    total: ParticipantAttendance


@dataclass(frozen=True)
class Grid:
    sessions: list[Session]
    countries: list[tuple[str, list[GridRow]]]  # in country-code order
    threshold: float

    @property
    def threshold_percent(self) -> float:
        return self.threshold * 100


def attendance_grid(programme: Programme, country: str | None = None) -> Grid:
    """People × sessions with minutes and shares, grouped by country (or one country)."""
    sessions = counted_sessions(programme)
    totals = programme_attendance(programme)
    expected = expected_sessions(programme, sessions)
    attended = attended_us(sessions)
    excused = excused_pairs(programme)
    participations = programme.participations.filter(pk__in=totals).select_related(
        "person", "country"
    )
    if country is not None:
        participations = participations.filter(country_id=country)
    by_country: dict[str, list[GridRow]] = defaultdict(list)
    for participation in participations.order_by("country_id", "person__family_name", "pk"):
        pk = participation.pk
        cells = [
            GridCell(
                expected=session.pk in expected[pk],
                excused=(session.pk, pk) in excused,
                minutes=attended.get((session.pk, pk), 0) / 60_000_000,
                rate=attended.get((session.pk, pk), 0) / _us(session),
            )
            for session in sessions
        ]
        by_country[participation.country_id].append(GridRow(participation, cells, totals[pk]))
    return Grid(sessions, sorted(by_country.items()), attendance_threshold(programme))


# Organisers' operations -------------------------------------------------------------


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def excuse_absence(
    actor, participation: Participation, session: Session, reason: str
) -> ExcusedAbsence:
    excuse = ExcusedAbsence(
        participation=participation,
        session=session,
        reason=reason.strip(),
        recorded_by=_user(actor),
    )
    if ExcusedAbsence.objects.filter(participation=participation, session=session).exists():
        raise ValidationError(_("This absence is already excused."))
    return audited_save(
        actor,
        excuse,
        programme_id=session.programme_id,
        country_code=participation.country_id,
    )


@transaction.atomic
def withdraw_excuse(actor, excuse: ExcusedAbsence) -> None:
    audited_delete(
        actor,
        excuse,
        programme_id=excuse.session.programme_id,
        country_code=excuse.participation.country_id,
    )


@transaction.atomic
def set_threshold(actor, programme: Programme, percent: float) -> AttendanceSettings:
    own = AttendanceSettings.objects.filter(programme=programme).first() or AttendanceSettings(
        programme=programme
    )
    own.threshold = percent
    return audited_save(actor, own, programme_id=programme.pk)


def _unmatched(programme: Programme):
    return AttendanceEvent.objects.filter(session__programme=programme, participation__isnull=True)


@dataclass(frozen=True)
class UnknownParticipant:
    source: str
    identity: str
    events: int
    sessions: int
    first_seen: datetime
    linked_to: int | None


def unknown_participants(programme: Programme) -> list[UnknownParticipant]:
    """Identities of the events no participant was matched to, with their links if any."""
    links = _links([programme.pk])[programme.pk]
    found: dict[tuple[str, str], list] = {}
    for source, label, device, session_id, at in _unmatched(programme).values_list(
        "source", "participant_label", "device", "session_id", "at"
    ):
        identity = label or device
        entry = found.setdefault((source, identity), [0, set(), at])
        entry[0] += 1
        entry[1].add(session_id)
        entry[2] = min(entry[2], at)
    return [
        UnknownParticipant(
            source, identity, count, len(sessions), first, links.get((source, identity))
        )
        for (source, identity), (count, sessions, first) in sorted(found.items())
    ]


@transaction.atomic
def link_participant(
    actor, programme: Programme, source: str, identity: str, participation: Participation
) -> ParticipantLink:
    """Attribute an unknown participant's events to ``participation``; the events stay."""
    if participation.programme_id != programme.pk:
        raise ValidationError(_("This participant does not take part in the programme."))
    matching = (
        _unmatched(programme)
        .filter(source=source)
        .filter(Q(participant_label=identity) | Q(participant_label="", device=identity))
    )
    sessions = set(matching.values_list("session_id", flat=True))
    if not sessions:
        raise ValidationError(_("No unmatched events come from this participant."))
    if ParticipantLink.objects.filter(
        programme=programme, source=source, identity=identity
    ).exists():
        raise ValidationError(_("This participant is already linked."))
    link = audited_save(
        actor,
        ParticipantLink(
            programme=programme,
            source=source,
            identity=identity,
            participation=participation,
            linked_by=_user(actor),
        ),
        programme_id=programme.pk,
        country_code=participation.country_id,
    )
    _mark_stale(sessions)
    return link


@transaction.atomic
def blank_personal_payloads(actor, participation_ids: Iterable[int]) -> int:
    """For erasure: empty the raw payloads and labels of these participants' events.

    The one deliberate exception to the ledger being append-only. Times stay, so the
    attendance counted is unchanged: events attributed by an organiser's link get a
    neutral label, and the link follows it. Excuses keep their session, not their
    reason. Returns the number of events blanked.
    """
    ids = list(participation_ids)
    # QuerySet.update bypasses AttendanceEvent.save(), which refuses changes on purpose.
    blanked = AttendanceEvent.objects.filter(participation_id__in=ids).update(
        payload={}, participant_label=""
    )
    for link in ParticipantLink.objects.filter(participation_id__in=ids):
        neutral = f"erased-{link.pk}"
        blanked += (
            _unmatched(link.programme)
            .filter(source=link.source)
            .filter(
                Q(participant_label=link.identity) | Q(participant_label="", device=link.identity)
            )
            .update(payload={}, participant_label=neutral)
        )
        ParticipantLink.objects.filter(pk=link.pk).update(identity=neutral)
    ExcusedAbsence.objects.filter(participation_id__in=ids).update(reason=ERASED)
    for participation in Participation.objects.filter(pk__in=ids):
        record(
            actor,
            "erase_attendance_payloads",
            participation,
            after={"events": blanked},
            programme_id=participation.programme_id,
        )
    return blanked
