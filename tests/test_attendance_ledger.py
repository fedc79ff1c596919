"""The attendance ledger through its services: recording, rules across sources, rates."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seminarium.attendance import services
from seminarium.attendance.models import (
    AppendOnlyError,
    AttendanceEvent,
    AttendedTime,
    ExcusedAbsence,
    StaleSession,
)
from seminarium.attendance.services import IncomingEvent
from seminarium.core.models import AuditEvent
from seminarium.programmes.models import Participation, Session
from tests import factories

START = datetime(2021, 4, 15, 6, 0, tzinfo=UTC)  # the factory session: 06:00-07:30 UTC


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


@pytest.fixture
def session(db):
    return factories.SessionFactory()


@pytest.fixture
def judge(session):
    return factories.ParticipationFactory(programme=session.programme)


def event(session, participation, kind, minute, **extra) -> IncomingEvent:
    return IncomingEvent(
        session_id=session.pk,
        source=extra.pop("source", "jitsi"),
        kind=kind,
        at=at(minute),
        participation_id=participation.pk if participation else None,
        **extra,
    )


def test_join_and_leave_give_minutes(session, judge):
    outcome = services.record_events(
        [
            event(session, judge, "join", 10, provider_event_id="a"),
            event(session, judge, "leave", 40, provider_event_id="b"),
        ]
    )
    assert outcome == services.RecordOutcome(stored=2, duplicates=0, unmatched=0)
    assert services.session_attendance(session) == {judge.pk: 30.0}


def test_replayed_batch_is_counted_as_duplicates_and_changes_nothing(session, judge):
    batch = [
        event(session, judge, "join", 0, provider_event_id="j1"),
        event(session, judge, "leave", 60, payload={"reason": "left"}),
    ]
    services.record_events(batch)
    first = services.session_attendance(session)
    outcome = services.record_events(batch + batch)
    assert outcome == services.RecordOutcome(stored=0, duplicates=4, unmatched=0)
    assert services.session_attendance(session) == first == {judge.pk: 60.0}
    assert AttendanceEvent.objects.count() == 2


def test_keys_are_prefixed_with_the_source(session, judge):
    services.record_events(
        [
            event(session, judge, "join", 0, provider_event_id="1", source="bbb"),
            event(session, judge, "join", 0, provider_event_id="1", source="zoom"),
        ]
    )
    assert set(AttendanceEvent.objects.values_list("key", flat=True)) == {"bbb:1", "zoom:1"}


def test_raw_events_cannot_be_changed_or_deleted(session, judge):
    services.record_events([event(session, judge, "join", 0)])
    stored = AttendanceEvent.objects.get()
    stored.kind = "leave"
    with pytest.raises(AppendOnlyError):
        stored.save()
    with pytest.raises(AppendOnlyError):
        stored.delete()


def test_a_bad_event_stores_nothing_of_its_batch(session, judge):
    other_programme = factories.ParticipationFactory()
    with pytest.raises(ValidationError):
        services.record_events(
            [event(session, judge, "join", 0), event(session, other_programme, "join", 0)]
        )
    with pytest.raises(ValidationError):
        services.record_events([event(session, judge, "wave", 0)])
    with pytest.raises(ValidationError):
        services.record_events(
            [IncomingEvent(session.pk, "jitsi", "join", datetime(2021, 4, 15, 6), judge.pk)]
        )
    with pytest.raises(ValidationError):
        services.record_events([IncomingEvent(session.pk + 1000, "jitsi", "join", at(0), judge.pk)])
    assert not AttendanceEvent.objects.exists()


def test_devices_and_sources_are_unioned(session, judge):
    services.record_events(
        [
            event(session, judge, "join", 0, device="laptop"),
            event(session, judge, "leave", 30, device="laptop"),
            event(session, judge, "join", 20, device="phone"),
            event(session, judge, "leave", 50, device="phone"),
            # Our room page saw the same person meanwhile: no double counting.
            *[
                event(session, judge, "heartbeat", m, source="presence", device="tab")
                for m in range(40, 61)
            ],
        ]
    )
    # 0-50 from the provider, 40-61.5 from presence (last heartbeat + 90 s grace).
    assert services.session_attendance(session) == {judge.pk: 61.5}


def test_final_report_replaces_live_events_of_its_source_only(session, judge):
    services.record_events(
        [
            event(session, judge, "join", 0, source="zoom"),
            event(session, judge, "leave", 80, source="zoom"),
            event(session, judge, "join", 85, source="bbb"),
            event(session, judge, "leave", 88, source="bbb"),
        ]
    )
    assert services.session_attendance(session) == {judge.pk: 83.0}
    services.record_events(
        [
            event(session, judge, "join", 5, source="zoom", final=True),
            event(session, judge, "leave", 35, source="zoom", final=True),
        ]
    )
    assert services.session_attendance(session) == {judge.pk: 33.0}


def test_room_end_closes_open_joins_and_everything_is_clipped(session, judge):
    services.record_events(
        [
            event(session, judge, "join", -30),  # before the start: clipped
        ]
    )
    # No room end yet: the join counts until its grace, all before the start.
    assert services.session_attendance(session) == {}
    services.record_room_end(session.pk, "jitsi", at(60))
    assert services.session_attendance(session) == {judge.pk: 60.0}
    # An earlier end reported later does not win.
    services.record_room_end(session.pk, "jitsi", at(20))
    assert services.session_attendance(session) == {judge.pk: 60.0}
    services.record_room_end(session.pk, "jitsi", at(200))
    assert services.session_attendance(session) == {judge.pk: 90.0}


def test_unknown_participants_are_kept_and_can_be_linked(session, judge):
    organiser = factories.UserFactory()
    outcome = services.record_events(
        [
            event(session, None, "join", 0, participant_label="Guest (phone)"),
            event(session, None, "leave", 45, participant_label="Guest (phone)"),
        ]
    )
    assert outcome.unmatched == 2
    assert services.session_attendance(session) == {}
    [unknown] = services.unknown_participants(session.programme)
    assert (unknown.source, unknown.identity, unknown.events, unknown.linked_to) == (
        "jitsi",
        "Guest (phone)",
        2,
        None,
    )
    services.link_participant(organiser, session.programme, "jitsi", "Guest (phone)", judge)
    assert services.session_attendance(session) == {judge.pk: 45.0}
    # The raw events are unchanged; the link is audited.
    assert not AttendanceEvent.objects.filter(participation__isnull=False).exists()
    assert AuditEvent.objects.filter(object_type="attendance.participantlink").exists()
    assert services.unknown_participants(session.programme)[0].linked_to == judge.pk


def test_link_refuses_participants_of_other_programmes(session, judge):
    services.record_events([event(session, None, "join", 0, participant_label="X")])
    stranger = factories.ParticipationFactory()
    with pytest.raises(ValidationError):
        services.link_participant(None, session.programme, "jitsi", "X", stranger)
    with pytest.raises(ValidationError):
        services.link_participant(None, session.programme, "jitsi", "nobody", judge)


def test_programme_rate_threshold_and_excused_absence(session, judge, settings):
    programme = session.programme
    second = factories.SessionFactory(programme=programme, start=at(120))  # 90 minutes too
    factories.SessionFactory(programme=programme, start=at(240), kind=Session.Kind.BREAK)
    services.record_events(
        [
            event(session, judge, "join", 0),
            event(session, judge, "leave", 90),
            event(second, judge, "join", 120),
            event(second, judge, "leave", 120 + 63),  # 63 of 90 minutes
        ]
    )
    result = services.programme_attendance(programme)[judge.pk]
    assert result.attended_minutes == 153
    assert result.scheduled_minutes == 180
    assert result.rate == 153 / 180
    assert result.eligible  # 85 %
    services.set_threshold(None, programme, 90)
    assert services.attendance_threshold(programme) == 0.9
    assert not services.programme_attendance(programme)[judge.pk].eligible

    services.excuse_absence(None, judge, second, "Court hearing")
    result = services.programme_attendance(programme)[judge.pk]
    assert (result.scheduled_minutes, result.excused_minutes, result.attended_minutes) == (
        90,
        90,
        90,
    )
    assert result.rate == 1.0 and result.eligible
    with pytest.raises(ValidationError):
        services.excuse_absence(None, judge, second, "again")
    assert AuditEvent.objects.filter(object_type="attendance.excusedabsence").count() == 1


def test_the_global_threshold_setting_is_the_default(programme, settings):
    settings.ATTENDANCE_THRESHOLD = 70
    assert services.attendance_threshold(programme) == 0.7


def test_exactly_the_threshold_is_eligible(session, judge):
    services.record_events([event(session, judge, "join", 0), event(session, judge, "leave", 76.5)])
    result = services.programme_attendance(session.programme)[judge.pk]
    assert result.rate == 0.85 and result.eligible


def test_who_is_expected_where(session, judge):
    programme = session.programme
    lecturer = factories.ParticipationFactory(programme=programme, kind=Participation.Kind.LECTURER)
    factories.SessionRoleFactory(session=session, person=lecturer.person)
    factories.SessionFactory(programme=programme, start=at(120))
    declined = factories.ParticipationFactory(
        programme=programme, status=Participation.Status.DECLINED
    )
    result = services.programme_attendance(programme)
    assert result[judge.pk].scheduled_minutes == 180
    assert result[lecturer.pk].scheduled_minutes == 90
    assert declined.pk not in result


def test_an_excuse_needs_a_reason_and_the_same_programme(session, judge):
    with pytest.raises(ValidationError):
        services.excuse_absence(None, judge, session, "  ")
    with pytest.raises(ValidationError):
        services.excuse_absence(None, judge, factories.SessionFactory(), "ill")


def test_full_recompute_matches_incremental(session, judge):
    services.record_events([event(session, judge, "join", 0), event(session, judge, "leave", 20)])
    incremental = services.session_attendance(session)
    AttendedTime.objects.all().delete()
    assert services.recompute_attendance() == 1
    assert services.session_attendance(session) == incremental
    assert not StaleSession.objects.exists()


def test_recompute_command(session, judge):
    from django.core.management import call_command

    services.record_events([event(session, judge, "join", 0), event(session, judge, "leave", 5)])
    AttendedTime.objects.all().delete()
    StaleSession.objects.all().delete()
    call_command("recompute_attendance", programme=session.programme.slug)
    assert AttendedTime.objects.get().minutes == 5


def test_recompute_in_several_processes_gives_what_one_gives(transactional_db):
    programme = factories.ProgrammeFactory()
    sessions = [factories.SessionFactory(programme=programme) for _ in range(5)]
    judges = [factories.ParticipationFactory(programme=programme) for _ in range(3)]
    services.record_events(
        event(session, judge, kind, minute, device=device)
        for n, session in enumerate(sessions)
        for m, judge in enumerate(judges)
        for kind, minute, device in (
            ("join", n, "a"),
            ("join", 30 + m, "b"),
            ("leave", 40 + n + m, "a"),
            ("leave", 60, "b"),
        )
    )
    assert services.recompute_attendance() == 5  # in this process
    expected = sorted(AttendedTime.objects.values_list("session", "participation", "attended_us"))
    assert len(expected) == 15
    AttendedTime.objects.all().delete()
    done: list[int] = []
    assert services.recompute_attendance(progress=done.append, batch=2, jobs=2) == 5
    assert done == [1] * 5  # small batches for the processes to share (one alone: 2, 2, 1)
    computed = sorted(AttendedTime.objects.values_list("session", "participation", "attended_us"))
    assert computed == expected
    assert not StaleSession.objects.exists()


def test_recompute_command_refuses_fewer_than_one_job(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("recompute_attendance", jobs=0)


# Duplicated, reordered and replayed streams give exactly the same attendance. -----

raw_event = st.tuples(
    st.sampled_from([0, 1, 2]),  # participant (2: unknown)
    st.sampled_from(["jitsi", "presence", "zoom"]),
    st.sampled_from(["join", "leave", "heartbeat"]),
    st.integers(min_value=-20, max_value=110),  # minute
    st.sampled_from(["a", "b"]),  # device
    st.booleans(),  # final
    st.booleans(),  # with a provider event id
)


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(
    stream=st.lists(raw_event, max_size=25),
    seed=st.integers(min_value=0, max_value=2**16),
    batch=st.integers(min_value=1, max_value=7),
    room_end=st.none() | st.integers(min_value=30, max_value=120),
)
def test_duplicated_reordered_and_replayed_streams_agree(
    django_db_setup, django_db_blocker, stream, seed, batch, room_end
):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        session = factories.SessionFactory()
        people = [factories.ParticipationFactory(programme=session.programme) for _ in range(2)]
        events = [
            IncomingEvent(
                session_id=session.pk,
                source=source,
                kind=kind,
                at=at(minute),
                participation_id=people[who].pk if who < 2 else None,
                device=device,
                provider_event_id=f"e{n}" if with_id else None,
                final=final and source == "zoom",
                participant_label="guest" if who == 2 else "",
            )
            for n, (who, source, kind, minute, device, final, with_id) in enumerate(stream)
        ]

        def attendance_after(arrivals: list[IncomingEvent]) -> dict:
            AttendanceEvent.objects.all().delete()
            AttendedTime.objects.all().delete()
            for first in range(0, len(arrivals), batch):
                services.record_events(arrivals[first : first + batch])
            if room_end is not None:
                services.record_room_end(session.pk, "jitsi", at(room_end))
            return services.session_attendance(session)

        once = attendance_after(events)
        shuffled = events * 2 + events[: len(events) // 2]
        random.Random(seed).shuffle(shuffled)
        assert attendance_after(shuffled) == once
        assert services.programme_attendance(session.programme) is not None
        transaction.set_rollback(True)


@settings(deadline=None, max_examples=60)
@given(stream=st.lists(raw_event, max_size=30))
def test_rows_and_events_give_the_same_intervals(stream):
    from seminarium.attendance import intervals

    events = [
        intervals.Event(f"k{n % 20}", str(who), source, device, kind, at(minute))
        for n, (who, source, kind, minute, device, _final, _id) in enumerate(stream)
    ]
    schedule = intervals.Schedule(at(0), at(90))
    rows = [(e.key, int(e.person), e.session, e.device, e.kind, e.at) for e in events]
    from_rows = intervals.attended_intervals_of_rows(rows, schedule)
    assert intervals.attended_intervals(events, schedule) == {
        (str(person), session): found for (person, session), found in from_rows.items()
    }


def test_erasure_blanks_payloads_but_keeps_the_time(session, judge):
    from seminarium.people.data_rights import erase_person, export_person

    services.record_events(
        [
            event(
                session, judge, "join", 0, participant_label="Иванов", payload={"name": "Иванов"}
            ),
            event(session, judge, "leave", 30, payload={"at": at(30)}),
            # Seen later under a name the provider could not match; an organiser linked it.
            event(session, None, "join", 60, participant_label="Иванов И.И."),
            event(session, None, "leave", 70, participant_label="Иванов И.И."),
        ]
    )
    services.link_participant(None, session.programme, "jitsi", "Иванов И.И.", judge)
    services.excuse_absence(
        None, judge, factories.SessionFactory(programme=session.programme), "Ill"
    )
    exported = export_person(None, judge.person)
    assert len(exported["attendance_events"]) == 2
    assert exported["attended_time"][0]["minutes"] == 40
    assert exported["excused_absences"][0]["reason"] == "Ill"

    before = services.programme_attendance(session.programme)[judge.pk]
    erase_person(None, judge.person, "asked to be forgotten")
    assert not AttendanceEvent.objects.filter(participant_label__contains="Иванов").exists()
    assert all(p == {} for p in AttendanceEvent.objects.values_list("payload", flat=True))
    services.recompute_attendance()
    assert services.programme_attendance(session.programme)[judge.pk] == before
    assert services.session_attendance(session) == {judge.pk: 40.0}
    assert not ExcusedAbsence.objects.filter(reason="Ill").exists()
    assert AuditEvent.objects.filter(action="erase_attendance_payloads").count() == 1


def test_every_field_is_stored_exactly_as_received(session, judge):
    moment = datetime(2021, 4, 15, 6, 7, 8, 123456, tzinfo=UTC)
    payload = {"user": {"name": '王小明 / Иванов "Q"', "ids": [1, 2.5, None, True]}}
    services.record_events(
        [
            IncomingEvent(
                session_id=session.pk,
                source="zoom",
                kind="join",
                at=moment,
                participation_id=judge.pk,
                device="device-1",
                provider_event_id="e-1",
                participant_label="王小明",
                payload=payload,
            ),
            IncomingEvent(
                session_id=session.pk,
                source="zoom",
                kind="leave",
                at=moment + timedelta(minutes=5),
                participation_id=None,
                participant_label="Unknown caller",
                final=True,
            ),
        ]
    )
    known, unknown = AttendanceEvent.objects.order_by("at")
    assert (known.at, known.device, known.participant_label) == (moment, "device-1", "王小明")
    assert (known.participation_id, known.final, known.payload) == (judge.pk, False, payload)
    assert (unknown.participation_id, unknown.final, unknown.payload) == (None, True, {})
    assert unknown.at == moment + timedelta(minutes=5)
