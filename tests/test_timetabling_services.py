"""Timetable workflow services: solver input from the demo programme, proposals, acceptance,
pins and warnings for a hand-made timetable."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from seminarium.core.models import AuditEvent
from seminarium.programmes.demo import DEMO_SLUG, load_demo
from seminarium.programmes.models import Programme, Session, SessionRole
from seminarium.timetabling import check, services
from seminarium.timetabling.models import (
    AudienceZone,
    InterpreterLimit,
    OrderingRule,
    SessionAudience,
    SessionPin,
    TimetableBreak,
    TimetableProposal,
    TimetableSettings,
)
from tests import factories

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def demo(db, settings):
    settings.TASKS = IMMEDIATE
    users = load_demo()
    return Programme.objects.get(slug=DEMO_SLUG), users["organiser"]


@pytest.fixture
def small(db, settings):
    """Two days, four lectures at 09:00 Shanghai (04:00 in Moscow: outside acceptable hours),
    and two delegations: Kazakhstan in Almaty, Russia in Moscow."""
    settings.TASKS = IMMEDIATE
    programme = factories.ProgrammeFactory(end_date=date(2021, 4, 16))
    TimetableSettings.objects.create(programme=programme, day_start=time(8), day_end=time(20))
    for code, zone in (("KZ", "Asia/Almaty"), ("RU", "Europe/Moscow")):
        factories.ParticipationFactory(
            programme=programme,
            country=factories.CountryFactory(code=code),
            person=factories.PersonFactory(home_timezone=zone),
        )
    speaker = factories.PersonFactory(home_timezone="Asia/Shanghai")
    for day, hour in ((15, 1), (15, 3), (16, 1), (16, 3)):
        session = factories.SessionFactory(
            programme=programme, start=datetime(2021, 4, day, hour, 0, tzinfo=UTC)
        )
        factories.SessionRoleFactory(session=session, person=speaker)
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    return programme, organiser


def _session(programme, english_title):
    return Session.objects.get(programme=programme, title__contains=english_title)


def _run(programme, user, capture, time_limit=5):
    with capture(execute=True):
        proposal = services.propose(programme, user, time_limit)
    proposal.refresh_from_db()
    return proposal


def test_build_problem_from_the_demo(demo):
    programme, _organiser = demo
    problem = services.build_problem(programme)
    assert problem.timezone == "Asia/Shanghai"
    assert len(problem.days) == 7
    assert len(problem.sessions) == programme.sessions.count()
    groups = {g.id: g for g in problem.groups}
    # Delegations split by their participants' home zones: the Kazakh one in Almaty,
    # the Russian one in Moscow and Vladivostok.
    assert {"KZ@Asia/Almaty", "RU@Europe/Moscow", "RU@Asia/Vladivostok"} <= set(groups)
    assert groups["KZ@Asia/Almaty"].acceptable == (time(7), time(22))
    assert groups["KZ@Asia/Almaty"].comfortable == (time(9), time(18))
    # Host staff are not an audience group.
    assert not any(g.startswith("CN@") for g in groups)
    assert all(set(s.groups) == set(groups) for s in problem.sessions)
    assert all(at.utcoffset() == timedelta(0) for at in problem.current.values())
    # The current demo timetable satisfies every hard constraint.
    assert check.check(problem, problem.current) == []


def test_organiser_override_puts_a_delegation_in_one_zone(demo):
    programme, _organiser = demo
    AudienceZone.objects.create(
        programme=programme,
        country_id="RU",
        timezone="Europe/Moscow",
        comfortable_start=time(10),
        comfortable_end=time(17),
    )
    groups = {g.id: g for g in services.build_problem(programme).groups}
    assert "RU@Asia/Vladivostok" not in groups
    assert groups["RU@Europe/Moscow"].comfortable == (time(10), time(17))


def test_build_problem_carries_rules_limits_and_pins(demo):
    programme, organiser = demo
    opening = _session(programme, "Opening")
    closing = _session(programme, "Closing")
    OrderingRule.objects.create(programme=programme, kind="first", session=opening)
    OrderingRule.objects.create(programme=programme, kind="last", session=closing)
    interpreter = SessionRole.objects.filter(
        session=opening, role=SessionRole.Role.INTERPRETER
    ).first()
    InterpreterLimit.objects.create(
        programme=programme, person=interpreter.person, max_daily_minutes=200
    )
    services.pin(organiser, opening)
    problem = services.build_problem(programme)
    assert {(o.kind, o.a) for o in problem.orderings} == {
        ("first", str(opening.pk)),
        ("last", str(closing.pk)),
    }
    person = next(p for p in problem.people if p.id == str(interpreter.person_id))
    assert person.interpreter.max_daily_minutes == 200
    assert [(p.session, p.start) for p in problem.pins] == [(str(opening.pk), opening.start)]


def test_propose_for_the_demo_and_accept_all(demo, django_capture_on_commit_callbacks):
    programme, organiser = demo
    # Move everything to early morning Shanghai: outside Moscow's acceptable hours.
    TimetableSettings.objects.create(programme=programme, day_start=time(8), day_end=time(20))
    for session in Session.objects.filter(programme=programme):
        session.start -= timedelta(hours=5)
        session.end -= timedelta(hours=5)
        session.save()
    assert any(w.code == "outside_hours" for w in services.check_timetable(programme))
    proposal = _run(programme, organiser, django_capture_on_commit_callbacks, time_limit=10)
    assert proposal.status == TimetableProposal.Status.DONE, proposal.explanation
    assert proposal.status == TimetableProposal.Status.DONE
    assert proposal.progress == 1.0
    assert proposal.finished_at is not None
    assert proposal.result["moved"]
    assert {g["id"] for g in proposal.result["groups"]} >= {"KZ@Asia/Almaty"}
    moved = services.accept(proposal, organiser)
    assert moved == len(proposal.result["moved"])
    assert not [w for w in services.check_timetable(programme) if w.code == "outside_hours"]
    problem = services.build_problem(programme)
    assert check.check(problem, problem.current) == []
    assert AuditEvent.objects.filter(action="accept", programme_id=programme.pk).exists()
    assert (
        AuditEvent.objects.filter(
            action="update", object_type="programmes.session", actor=organiser
        ).count()
        == moved
    )


def test_accept_some_leaves_the_others(small, django_capture_on_commit_callbacks):
    programme, organiser = small
    proposal = _run(programme, organiser, django_capture_on_commit_callbacks)
    assert proposal.status == TimetableProposal.Status.DONE, proposal.explanation
    first, second, *_rest = proposal.result["moved"]
    before = Session.objects.get(pk=second).start
    assert services.accept(proposal, organiser, [int(first)]) == 1
    assert Session.objects.get(pk=first).start == datetime.fromisoformat(
        proposal.result["starts"][first]
    )
    assert Session.objects.get(pk=second).start == before
    # The rest of the same proposal can still be accepted afterwards.
    proposal.refresh_from_db()
    assert services.accept(proposal, organiser, [int(second)]) == 1


def test_stale_proposal_is_refused(small, django_capture_on_commit_callbacks):
    programme, organiser = small
    proposal = _run(programme, organiser, django_capture_on_commit_callbacks)
    assert proposal.status == TimetableProposal.Status.DONE
    session = Session.objects.filter(programme=programme).first()
    session.end += timedelta(minutes=15)
    session.save()
    starts = dict(Session.objects.filter(programme=programme).values_list("pk", "start"))
    with pytest.raises(ValidationError, match="changed since"):
        services.accept(proposal, organiser)
    assert dict(Session.objects.filter(programme=programme).values_list("pk", "start")) == starts


def test_a_published_programme_keeps_its_timetable_until_accepted(
    small, django_capture_on_commit_callbacks
):
    programme, organiser = small
    assert programme.is_published
    starts = dict(Session.objects.filter(programme=programme).values_list("pk", "start"))
    proposal = _run(programme, organiser, django_capture_on_commit_callbacks)
    assert proposal.result["moved"]
    assert dict(Session.objects.filter(programme=programme).values_list("pk", "start")) == starts


def test_pins_are_honoured_when_resolving(small, django_capture_on_commit_callbacks):
    programme, organiser = small
    proposal = _run(programme, organiser, django_capture_on_commit_callbacks)
    lecture = Session.objects.filter(programme=programme).first()
    # Pin the lecture to 16:00 Shanghai on the second day, then solve again around it.
    pinned = datetime(2021, 4, 16, 8, 0, tzinfo=UTC)
    assert datetime.fromisoformat(proposal.result["starts"][str(lecture.pk)]) != pinned
    services.pin(organiser, lecture, pinned)
    again = _run(programme, organiser, django_capture_on_commit_callbacks)
    assert again.status == TimetableProposal.Status.DONE, again.explanation
    assert datetime.fromisoformat(again.result["starts"][str(lecture.pk)]) == pinned
    problem = services.build_problem(programme)
    starts = {sid: datetime.fromisoformat(at) for sid, at in again.result["starts"].items()}
    assert check.check(problem, starts) == []
    services.unpin(organiser, lecture)
    assert not SessionPin.objects.exists()
    assert AuditEvent.objects.filter(action="pin").exists()
    assert AuditEvent.objects.filter(action="unpin").exists()


def test_pin_and_resolve_pins_where_the_proposal_put_them(
    small, django_capture_on_commit_callbacks
):
    programme, organiser = small
    proposal = _run(programme, organiser, django_capture_on_commit_callbacks)
    lecture = Session.objects.filter(programme=programme).last()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.pin_and_resolve(proposal, organiser, [lecture.pk], 5)
    again.refresh_from_db()
    assert SessionPin.objects.get(session=lecture).start == datetime.fromisoformat(
        proposal.result["starts"][str(lecture.pk)]
    )
    assert again.result["starts"][str(lecture.pk)] == proposal.result["starts"][str(lecture.pk)]


def test_infeasible_proposal_explains(small, django_capture_on_commit_callbacks):
    programme, organiser = small
    # Shanghai 09:00-11:00 is 04:00-06:00 in Moscow: the Russian delegation cannot attend.
    TimetableSettings.objects.filter(programme=programme).update(
        day_start=time(9), day_end=time(11)
    )
    proposal = _run(programme, organiser, django_capture_on_commit_callbacks)
    assert proposal.status == TimetableProposal.Status.INFEASIBLE
    assert proposal.explanation
    assert any(item.get("code") == "group_hours" for item in proposal.explanation)
    assert any("Russia" in item["text"] for item in proposal.explanation)
    with pytest.raises(ValidationError):
        services.accept(proposal, organiser)


def test_time_limit_is_bounded(demo):
    programme, organiser = demo
    with pytest.raises(ValidationError):
        services.propose(programme, organiser, 100_000)
    assert not TimetableProposal.objects.exists()


def test_warnings_for_a_double_booked_speaker_and_an_interpreter_over_limit(db):
    programme = factories.ProgrammeFactory()
    speaker = factories.PersonFactory()
    interpreter = factories.PersonFactory()
    start = datetime(2021, 4, 15, 6, 0, tzinfo=UTC)  # 14:00 Shanghai
    a = factories.SessionFactory(programme=programme, start=start)
    b = factories.SessionFactory(programme=programme, start=start + timedelta(minutes=30))
    for session in (a, b):
        factories.SessionRoleFactory(session=session, person=speaker)
        factories.SessionRoleFactory(
            session=session, person=interpreter, role=SessionRole.Role.INTERPRETER
        )
    InterpreterLimit.objects.create(programme=programme, person=interpreter, max_daily_minutes=120)
    warnings = services.check_timetable(programme)
    codes = [w.code for w in warnings]
    assert codes.count("person_overlap") == 2
    double = next(
        w for w in warnings if w.code == "person_overlap" and speaker.latin_family_name in w.message
    )
    assert double.session_ids == (a.pk, b.pk)
    assert "Lecture" in double.message
    over = next(w for w in warnings if w.code == "interpreter_over")
    assert "180" in over.message and "120" in over.message


def test_warning_for_a_group_outside_hours(db):
    programme = factories.ProgrammeFactory()
    judge = factories.ParticipationFactory(
        programme=programme,
        country=factories.CountryFactory(code="RU"),
        person=factories.PersonFactory(home_timezone="Europe/Moscow"),
    )
    # 09:00 Shanghai is 04:00 in Moscow.
    early = factories.SessionFactory(
        programme=programme, start=datetime(2021, 4, 15, 1, 0, tzinfo=UTC)
    )
    factories.SessionFactory(programme=programme, start=datetime(2021, 4, 16, 6, 0, tzinfo=UTC))
    warnings = services.check_timetable(programme)
    assert [(w.code, w.session_ids) for w in warnings] == [("outside_hours", (early.pk,))]
    assert "4:00" in warnings[0].message
    assert judge.country_id == "RU"


def test_no_warnings_for_a_good_timetable(db):
    programme = factories.ProgrammeFactory()
    factories.SessionFactory(programme=programme)
    assert services.check_timetable(programme) == []


def test_demo_inputs_are_idempotent_and_keep_the_demo_timetable_valid(demo):
    from seminarium.timetabling.demo import load_demo as load_timetabling_demo

    programme, _organiser = demo
    load_timetabling_demo(programme)
    load_timetabling_demo(programme)
    assert OrderingRule.objects.filter(programme=programme).count() == 2
    assert InterpreterLimit.objects.filter(programme=programme).count() == 2
    assert services.check_timetable(programme) == []


def test_breaks_and_interpreter_channels_reach_the_solver_and_the_checks(db):
    programme = factories.ProgrammeFactory()
    TimetableBreak.objects.create(programme=programme, start=time(14, 30), end=time(15))
    session = factories.SessionFactory(programme=programme)  # 14:00-15:30 Shanghai
    one = factories.SessionRoleFactory(
        session=session, role=SessionRole.Role.INTERPRETER, channel="ru"
    )
    problem = services.build_problem(programme)
    assert problem.days[0].breaks == ((time(14, 30), time(15)),)
    assert problem.sessions[0].interpreters == (("ru", str(one.person_id)),)
    assert problem.sessions[0].people == ()
    codes = {w.code: w for w in services.check_timetable(programme)}
    assert "overlaps_break" in codes
    assert "single interpreter into ru" in codes["single_interpreter"].message
    factories.SessionRoleFactory(session=session, role=SessionRole.Role.INTERPRETER, channel="ru")
    assert "single_interpreter" not in {w.code for w in services.check_timetable(programme)}


def test_a_solver_crash_marks_the_proposal_failed(small, monkeypatch, caplog):
    programme, organiser = small

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services.solver, "solve", crash)
    proposal = services.propose_now(programme, organiser, 5)
    assert proposal.status == TimetableProposal.Status.FAILED
    assert proposal.phrase == "failed"
    assert proposal.finished_at is not None
    assert "boom" in caplog.text


def test_a_session_for_some_delegations_binds_only_their_hours_and_clashes(small):
    programme, organiser = small
    first, second = Session.objects.filter(programme=programme).order_by("start")[:2]
    # Both at the same time: a clash only if some delegation attends both.
    second.start, second.end = first.start, first.end
    second.save()
    assert any(w.code == "group_overlap" for w in services.check_timetable(programme))

    for session, country in ((first, "KZ"), (second, "RU")):
        services.save_input(
            organiser,
            SessionAudience(programme=programme, session=session, countries=[country]),
        )
    specs = {spec.id: spec for spec in services.build_problem(programme).sessions}
    assert specs[str(first.pk)].groups == ("KZ@Asia/Almaty",)
    assert specs[str(second.pk)].groups == ("RU@Europe/Moscow",)
    assert not any(w.code == "group_overlap" for w in services.check_timetable(programme))
    # Only Moscow's hours bind the Russian session (04:00 there, outside 07:00-22:00).
    outside = [w for w in services.check_timetable(programme) if w.code == "outside_hours"]
    assert {w.session_ids for w in outside if second.pk in w.session_ids} == {(second.pk,)}

    with pytest.raises(ValidationError):
        services.save_input(
            organiser, SessionAudience(programme=programme, session=first, countries=[])
        )


def test_audience_of_another_programmes_session_is_refused(small):
    programme, organiser = small
    other = factories.SessionFactory()
    with pytest.raises(ValidationError):
        services.save_input(
            organiser, SessionAudience(programme=programme, session=other, countries=["KZ"])
        )
