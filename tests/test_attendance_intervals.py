"""Attendance intervals: each rule on a small example, and order-free replay as a property."""

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seminarium.attendance.intervals import (
    DEFAULT_THRESHOLD,
    Event,
    Schedule,
    attendance_rate,
    attended_intervals,
    eligible,
    event_key,
    minutes,
    programme_rate,
)

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
SCHEDULE = Schedule(T0, T0 + timedelta(minutes=60))
GRACE = timedelta(minutes=2)


def at(minute: float) -> datetime:
    return T0 + timedelta(minutes=minute)


def ev(kind, minute, device="laptop", person="ana", session="s1", key=None):
    key = key or f"{person}/{session}/{device}/{kind}/{minute}"
    return Event(key, person, session, device, kind, at(minute))


def spans(result, person="ana", session="s1"):
    """Intervals as (start minute, end minute), for readable assertions."""
    return [
        ((s - T0) / timedelta(minutes=1), (e - T0) / timedelta(minutes=1))
        for s, e in result.get((person, session), [])
    ]


def run(events, room_end=None, schedule=SCHEDULE, grace=GRACE):
    return attended_intervals(events, schedule, room_end=room_end, grace=grace)


# --- keys -----------------------------------------------------------------------------------


def test_event_key_is_the_provider_id_when_there_is_one():
    assert event_key("zoom-123", {"anything": 1}) == "zoom-123"


def test_event_key_hashes_canonical_json_when_there_is_no_id():
    one = event_key(None, {"b": 1, "a": [1, 2], "at": T0})
    same = event_key("", {"at": T0, "a": [1, 2], "b": 1})
    assert one == same
    assert one.startswith("sha256:") and len(one) == len("sha256:") + 64
    assert event_key(None, {"b": 2, "a": [1, 2], "at": T0}) != one


def test_event_key_refuses_values_without_a_stable_form():
    with pytest.raises(TypeError):
        event_key(None, {"x": object()})


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        Event("k", "ana", "s1", "laptop", "join", datetime(2025, 3, 4, 9, 0))
    with pytest.raises(ValueError):
        Schedule(at(10), at(10))


# --- rules ----------------------------------------------------------------------------------


def test_join_and_leave_make_one_interval():
    assert spans(run([ev("join", 5), ev("leave", 50)])) == [(5, 50)]


def test_two_overlapping_devices_are_unioned_not_added():
    events = [
        ev("join", 5, "laptop"),
        ev("leave", 30, "laptop"),
        ev("join", 20, "phone"),
        ev("leave", 45, "phone"),
    ]
    result = run(events)
    assert spans(result) == [(5, 45)]
    assert minutes(result[("ana", "s1")]) == 40


def test_touching_segments_are_merged_and_separate_ones_kept():
    events = [ev("join", 0), ev("leave", 10), ev("join", 10, "phone"), ev("leave", 20, "phone")]
    events += [ev("join", 30, key="j2"), ev("leave", 40, key="l2")]
    assert spans(run(events)) == [(0, 20), (30, 40)]


def test_leave_arriving_before_its_join_is_put_back_in_order():
    assert spans(run([ev("leave", 40), ev("join", 10)])) == [(10, 40)]


def test_leave_without_any_join_is_ignored():
    assert run([ev("leave", 40)]) == {}


def test_reconnect_at_one_instant_stays_present():
    events = [ev("join", 0), ev("leave", 20), ev("join", 20, key="rejoin"), ev("leave", 30)]
    assert spans(run(events)) == [(0, 30)]


def test_second_join_keeps_the_earlier_start():
    assert spans(run([ev("join", 5), ev("join", 15), ev("leave", 25)])) == [(5, 25)]


def test_open_interval_closes_at_room_end():
    assert spans(run([ev("join", 10)], room_end=at(42))) == [(10, 42)]


def test_open_interval_without_room_end_closes_at_last_heartbeat_plus_grace():
    events = [ev("join", 10), ev("heartbeat", 20), ev("heartbeat", 30)]
    assert spans(run(events)) == [(10, 32)]


def test_open_interval_without_room_end_or_heartbeat_closes_at_join_plus_grace():
    assert spans(run([ev("join", 10)])) == [(10, 12)]


def test_heartbeats_alone_open_a_presence_segment():
    events = [ev("heartbeat", m) for m in (10, 11, 12, 13)]
    assert spans(run(events)) == [(10, 15)]


def test_heartbeat_only_segment_ignores_room_end_but_not_past_it():
    events = [ev("heartbeat", m) for m in (10, 11)]
    assert spans(run(events, room_end=at(50))) == [(10, 13)]
    assert spans(run(events, room_end=at(12))) == [(10, 12)]


def test_heartbeat_gap_longer_than_grace_splits_the_segment():
    events = [ev("heartbeat", m) for m in (10, 11, 20, 21)]
    assert spans(run(events)) == [(10, 13), (20, 23)]


def test_heartbeat_gap_of_exactly_grace_does_not_split():
    events = [ev("heartbeat", m) for m in (10, 12, 14)]
    assert spans(run(events)) == [(10, 16)]


def test_heartbeat_gap_does_not_split_a_joined_segment():
    events = [ev("join", 10), ev("heartbeat", 11), ev("heartbeat", 30), ev("leave", 40)]
    assert spans(run(events)) == [(10, 40)]


def test_late_leave_after_heartbeats_lapsed_closes_at_the_lapse():
    events = [ev("heartbeat", 10), ev("heartbeat", 11), ev("leave", 50)]
    assert spans(run(events)) == [(10, 13)]


def test_join_after_lapsed_heartbeats_starts_a_new_segment():
    events = [ev("heartbeat", 5), ev("join", 20), ev("leave", 30)]
    assert spans(run(events)) == [(5, 7), (20, 30)]


def test_nothing_lasts_past_room_end():
    assert spans(run([ev("join", 10), ev("leave", 55)], room_end=at(40))) == [(10, 40)]


def test_everything_is_clipped_to_the_schedule():
    events = [ev("join", -15), ev("leave", 10), ev("join", 50, "phone"), ev("leave", 90, "phone")]
    assert spans(run(events)) == [(0, 10), (50, 60)]


def test_attendance_wholly_outside_the_schedule_is_dropped():
    assert run([ev("join", -30), ev("leave", -5)]) == {}


def test_people_and_sessions_are_kept_apart():
    second = Schedule(at(120), at(180))
    events = [
        ev("join", 0),
        ev("leave", 30),
        ev("join", 10, person="bo"),
        ev("leave", 20, person="bo"),
        ev("join", 130, session="s2"),
        ev("leave", 140, session="s2"),
    ]
    result = attended_intervals(
        events, {"s1": SCHEDULE, "s2": second}, room_end={"s1": None, "s2": None}, grace=GRACE
    )
    assert spans(result) == [(0, 30)]
    assert spans(result, person="bo") == [(10, 20)]
    assert spans(result, session="s2") == [(130, 140)]


def test_a_session_without_a_schedule_is_an_error():
    with pytest.raises(ValueError, match="schedule"):
        attended_intervals([ev("join", 0, session="s9")], {"s1": SCHEDULE})


def test_duplicated_and_replayed_events_count_once():
    events = [ev("join", 5), ev("leave", 50)]
    assert run(events * 3) == run(events)


def test_same_key_with_differing_content_keeps_the_earliest_whatever_the_order():
    first = ev("join", 5, key="dup")
    second = ev("join", 25, key="dup")
    leave = ev("leave", 50)
    assert run([first, second, leave]) == run([second, first, leave])
    assert spans(run([second, first, leave])) == [(5, 50)]


# --- rates and threshold ----------------------------------------------------------------------


def test_rate_and_minutes_of_one_session():
    result = run([ev("join", 0), ev("leave", 30)])
    intervals = result[("ana", "s1")]
    assert minutes(intervals) == 30
    assert attendance_rate(intervals, SCHEDULE) == 0.5
    assert attendance_rate([], SCHEDULE) == 0


def test_rate_cannot_exceed_one_even_for_raw_overlapping_input():
    raw = [(at(-10), at(70)), (at(0), at(60))]
    assert attendance_rate(raw, SCHEDULE) == 1


def test_programme_rate_weighs_sessions_by_length():
    long = Schedule(at(0), at(90))
    short = Schedule(at(120), at(150))
    attended = {"long": [(at(0), at(90))]}
    assert programme_rate(attended, {"long": long, "short": short}) == 0.75
    assert programme_rate({}, {}) == 0


def test_threshold_is_85_percent_by_default_and_inclusive():
    assert DEFAULT_THRESHOLD == 0.85
    exactly = attendance_rate([(at(0), at(51))], SCHEDULE)  # 51 of 60 minutes
    assert exactly == 0.85
    assert eligible(exactly)
    just_under = attendance_rate([(at(0), at(51) - timedelta(seconds=1))], SCHEDULE)
    assert not eligible(just_under)


def test_threshold_is_configurable():
    assert eligible(0.5, threshold=0.5)
    assert not eligible(0.84, threshold=0.9)
    with pytest.raises(ValueError):
        eligible(0.5, threshold=85)


# --- properties over random event streams ------------------------------------------------------

ROOM_SCHEDULE = Schedule(at(0), at(60))

event_strategy = st.builds(
    lambda key, person, device, kind, minute, session: Event(
        f"k{key}", person, session, device, kind, at(minute)
    ),
    key=st.integers(0, 40),
    person=st.sampled_from(["ana", "bo"]),
    device=st.sampled_from(["laptop", "phone", "tablet"]),
    kind=st.sampled_from(["join", "leave", "heartbeat"]),
    minute=st.integers(-10, 75),
    session=st.just("s1"),
)
streams = st.lists(event_strategy, max_size=30)
room_ends = st.one_of(st.none(), st.integers(-5, 80).map(at))
graces = st.integers(0, 5).map(lambda m: timedelta(minutes=m))
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(streams, room_ends, graces, st.randoms(use_true_random=False))
def test_shuffled_duplicated_and_replayed_streams_give_identical_intervals(
    events, room_end, grace, rnd
):
    expected = attended_intervals(events, ROOM_SCHEDULE, room_end=room_end, grace=grace)

    shuffled = list(events)
    rnd.shuffle(shuffled)
    duplicated = [e for e in events for _ in range(rnd.randint(1, 3))]
    rnd.shuffle(duplicated)
    # A replay delivers a prefix first, then the whole ledger again.
    replayed = events[: rnd.randint(0, len(events))] + events

    for variant in (shuffled, duplicated, replayed, list(reversed(events))):
        got = attended_intervals(variant, ROOM_SCHEDULE, room_end=room_end, grace=grace)
        assert got == expected


@fast
@given(streams, room_ends, graces)
def test_intervals_are_sorted_disjoint_and_inside_the_schedule(events, room_end, grace):
    result = attended_intervals(events, ROOM_SCHEDULE, room_end=room_end, grace=grace)
    for intervals in result.values():
        assert intervals
        for start, end in intervals:
            assert ROOM_SCHEDULE.start <= start < end <= ROOM_SCHEDULE.end
            if room_end is not None:
                assert end <= room_end
        for (_, end), (start, _) in pairwise(intervals):
            assert end < start  # disjoint and not touching, else they would be merged


@fast
@given(streams, room_ends, graces)
def test_rates_are_between_zero_and_one(events, room_end, grace):
    result = attended_intervals(events, ROOM_SCHEDULE, room_end=room_end, grace=grace)
    for intervals in result.values():
        rate = attendance_rate(intervals, ROOM_SCHEDULE)
        assert 0 < rate <= 1
        assert programme_rate({"s1": intervals}, {"s1": ROOM_SCHEDULE}) == rate
