"""`seminarium timetable`: proposes through the same services, applies only with --apply."""

from datetime import UTC, date, datetime, time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from seminarium.core.models import AuditEvent
from seminarium.programmes.models import Session
from seminarium.timetabling.models import TimetableProposal, TimetableSettings
from tests import factories


@pytest.fixture
def programme(db):
    programme = factories.ProgrammeFactory(slug="cli-seminar", end_date=date(2021, 4, 16))
    TimetableSettings.objects.create(programme=programme, day_start=time(8), day_end=time(20))
    factories.ParticipationFactory(
        programme=programme,
        country=factories.CountryFactory(code="RU"),
        person=factories.PersonFactory(home_timezone="Europe/Moscow"),
    )
    # 09:00 Shanghai: 04:00 in Moscow, so the solver must move both.
    for day in (15, 16):
        factories.SessionFactory(
            programme=programme, start=datetime(2021, 4, day, 1, 0, tzinfo=UTC)
        )
    return programme


def _starts(programme):
    return list(Session.objects.filter(programme=programme).values_list("start", flat=True))


def test_prints_the_changes_without_applying(programme):
    before = _starts(programme)
    out = StringIO()
    call_command("timetable", "cli-seminar", "--time-limit", "5", stdout=out)
    text = out.getvalue()
    assert "Lecture" in text and "→" in text
    assert "Russia (Moscow)" in text
    assert "--apply" in text
    assert _starts(programme) == before
    assert TimetableProposal.objects.get().status == TimetableProposal.Status.DONE


def test_apply_moves_sessions_audited_as_the_given_user(programme):
    user = factories.UserFactory(username="planner")
    out = StringIO()
    call_command(
        "timetable",
        str(programme.pk),
        "--time-limit",
        "5",
        "--apply",
        "--user",
        "planner",
        stdout=out,
    )
    assert "Applied: 2 sessions moved." in out.getvalue()
    assert all(start.hour >= 4 for start in _starts(programme))  # 12:00 Shanghai or later
    assert AuditEvent.objects.filter(action="accept", actor=user).exists()
    assert (
        AuditEvent.objects.filter(
            action="update", object_type="programmes.session", actor=user
        ).count()
        == 2
    )


def test_apply_without_user_is_audited_as_the_system(programme):
    call_command("timetable", "cli-seminar", "--time-limit", "5", "--apply", stdout=StringIO())
    event = AuditEvent.objects.get(action="accept")
    assert event.actor is None and event.actor_label == "system"


def test_infeasible_programme_explains_and_fails(programme):
    TimetableSettings.objects.filter(programme=programme).update(
        day_start=time(9), day_end=time(11)
    )
    out = StringIO()
    with pytest.raises(CommandError, match="No timetable was proposed"):
        call_command("timetable", "cli-seminar", "--time-limit", "5", stdout=out)
    assert "acceptable hours" in out.getvalue()


def test_unknown_programme(db):
    with pytest.raises(CommandError, match="No programme"):
        call_command("timetable", "nope", stdout=StringIO())
