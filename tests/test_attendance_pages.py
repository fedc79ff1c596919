"""Attendance pages on the demo seminar: who sees what, exports, excuses, unknown participants."""

import io

import pytest
from django.conf import settings
from openpyxl import load_workbook

from seminarium.attendance import demo as attendance_demo
from seminarium.attendance import services
from seminarium.attendance.models import AttendanceEvent, ExcusedAbsence, ParticipantLink
from seminarium.core.models import AuditEvent
from seminarium.programmes.demo import DEMO_SLUG, load_demo
from seminarium.programmes.models import Participation, Programme, ProgrammeRole
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _client(user):
    """A client reading the pages in English, whatever the demo person prefers."""
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def demo():
    users = load_demo()
    programme = Programme.objects.get(slug=DEMO_SLUG)
    attendance_demo.load_demo(programme)
    return programme, users


@pytest.fixture
def other_programme():
    programme = factories.ProgrammeFactory()
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    return programme, organiser


def _judge(programme, country="KZ"):
    return (
        programme.participations.filter(kind=Participation.Kind.PARTICIPANT, country_id=country)
        .select_related("person")
        .order_by("pk")
        .first()
    )


def test_demo_attendance_is_plausible_and_idempotent(demo):
    programme, _users = demo
    events = AttendanceEvent.objects.count()
    result = services.programme_attendance(programme)
    attendance_demo.load_demo(programme)
    assert AttendanceEvent.objects.count() == events
    assert services.programme_attendance(programme) == result
    judges = programme.participations.filter(kind=Participation.Kind.PARTICIPANT)
    rates = [result[j.pk].rate for j in judges]
    assert len(rates) == 27
    assert sum(r >= 0.85 for r in rates) >= 20  # most attend about everything
    assert any(r < 0.85 for r in rates)  # a few do not
    assert sum(result[j.pk].excused_minutes > 0 for j in judges) == 1
    assert len(services.unknown_participants(programme)) == 1


def test_organiser_sees_the_grid_by_country(demo):
    programme, users = demo
    response = _client(users["organiser"]).get(f"/console/programmes/{programme.pk}/attendance/")
    assert response.status_code == 200
    body = response.content.decode()
    for country in ("Kazakhstan", "Russia", "Tajikistan", "Uzbekistan"):
        assert country in body
    assert "Excused" in body
    assert "unknown participant" in body
    assert str(_judge(programme).person) in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_grid_exports_with_etag(demo, fmt):
    programme, users = demo
    client = _client(users["organiser"])
    url = f"/console/programmes/{programme.pk}/attendance/?format={fmt}"
    response = client.get(url)
    assert response.status_code == 200
    assert response["ETag"]
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert str(_judge(programme).person) in text
        assert len(text.strip().splitlines()) == 1 + len(services.programme_attendance(programme))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row == 1 + len(services.programme_attendance(programme))
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_grid_is_the_organisers_only(demo, other_programme):
    programme, users = demo
    url = f"/console/programmes/{programme.pk}/attendance/"
    _other, stranger = other_programme
    assert _client(stranger).get(url).status_code == 404
    for role in ("coordinator", "participant", "lecturer"):
        assert _client(users[role]).get(url).status_code == 403
    assert _client(None).get(url).status_code == 302
    for path in ("excused/", "unknown/"):
        assert _client(stranger).get(url + path).status_code == 404
        assert _client(users["coordinator"]).get(url + path).status_code == 403


def test_participant_sees_only_their_own_record(demo, other_programme):
    programme, users = demo
    other = _judge(programme, "RU")
    for key in (programme.slug, str(programme.pk)):
        response = _client(users["participant"]).get(f"/attendance/{key}/mine/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "My attendance" in body
        assert str(other.person) not in body
        assert "no-store" in response["Cache-Control"]
    # Not taking part there: nothing to see.
    assert (
        _client(users["participant"]).get(f"/attendance/{other_programme[0].slug}/mine/")
    ).status_code == 404
    assert _client(other_programme[1]).get(f"/attendance/{programme.slug}/mine/").status_code == 404
    assert _client(None).get(f"/attendance/{programme.slug}/mine/").status_code == 302


def test_portal_and_coordinator_pages_link_to_attendance(demo):
    programme, users = demo
    portal = _client(users["participant"]).get("/me/").content.decode()
    assert f"/attendance/{programme.slug}/mine/" in portal
    # The coordinator's pages (nominations) carry the same place.
    from seminarium.core.hooks import render

    coordinator = render("coordinator.country", request=None, programme=programme, country="KZ")
    assert f"/attendance/{programme.slug}/country/" in coordinator


def test_participant_record_shows_minutes_and_eligibility(demo):
    programme, users = demo
    own = Participation.objects.get(programme=programme, person__user=users["participant"])
    result = services.programme_attendance(programme)[own.pk]
    body = _client(users["participant"]).get(f"/attendance/{programme.slug}/mine/").content
    text = body.decode()
    assert f"{round(result.attended_minutes)} of {round(result.scheduled_minutes)}" in text
    expected = "enough for a certificate" if result.eligible else "A certificate needs 85"
    assert expected in text


def test_coordinator_sees_their_country_only(demo, other_programme):
    programme, users = demo
    response = _client(users["coordinator"]).get(f"/attendance/{programme.slug}/country/")
    assert response.status_code == 200
    body = response.content.decode()
    assert str(_judge(programme, "KZ").person) in body
    for country in ("RU", "TJ", "UZ"):
        assert str(_judge(programme, country).person) not in body
    # Another programme, where they coordinate nothing: 404. No coordinator role at all: 403.
    other, _organiser = other_programme
    assert (
        _client(users["coordinator"]).get(f"/attendance/{other.slug}/country/").status_code == 404
    )
    assert (
        _client(users["participant"]).get(f"/attendance/{programme.slug}/country/").status_code
        == 403
    )
    # The organiser is sent to the full grid.
    assert (
        _client(users["organiser"])
        .get(f"/attendance/{programme.slug}/country/")["Location"]
        .endswith(f"/console/programmes/{programme.pk}/attendance/")
    )


def test_coordinator_of_another_country_sees_only_theirs(demo):
    programme, _users = demo
    user = factories.UserFactory()
    factories.CountryFactory(code="RU")
    ProgrammeRole.objects.create(
        user=user, programme=programme, role=ProgrammeRole.Role.COORDINATOR, country_id="RU"
    )
    body = _client(user).get(f"/attendance/{programme.slug}/country/").content.decode()
    assert str(_judge(programme, "RU").person) in body
    assert str(_judge(programme, "KZ").person) not in body


def test_organiser_excuses_and_withdraws_an_absence(demo, other_programme):
    programme, users = demo
    client = _client(users["organiser"])
    judge = _judge(programme, "TJ")
    session = services.counted_sessions(programme)[0]
    url = f"/console/programmes/{programme.pk}/attendance/excused/"
    response = client.post(url, {"participation": judge.pk, "session": session.pk, "reason": ""})
    assert response.status_code == 200  # the reason is required
    response = client.post(
        url, {"participation": judge.pk, "session": session.pk, "reason": "Illness"}
    )
    assert response.status_code == 302
    excuse = ExcusedAbsence.objects.get(participation=judge, session=session)
    assert excuse.recorded_by == users["organiser"]
    assert services.programme_attendance(programme)[judge.pk].excused_minutes > 0
    # Another programme's participant cannot be chosen.
    stranger = factories.ParticipationFactory(programme=other_programme[0])
    response = client.post(
        url, {"participation": stranger.pk, "session": session.pk, "reason": "x"}
    )
    assert response.status_code == 200
    assert not ExcusedAbsence.objects.filter(participation=stranger).exists()
    # Withdrawing: not by another programme's organiser; then by ours, audited.
    withdraw = f"{url}{excuse.pk}/withdraw/"
    assert _client(other_programme[1]).post(withdraw).status_code == 404
    other_url = (
        f"/console/programmes/{other_programme[0].pk}/attendance/excused/{excuse.pk}/withdraw/"
    )
    assert _client(other_programme[1]).post(other_url).status_code == 404
    assert client.post(withdraw).status_code == 302
    assert not ExcusedAbsence.objects.filter(pk=excuse.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="attendance.excusedabsence", action="delete"
    ).exists()


def test_organiser_attributes_an_unknown_participant(demo, other_programme):
    programme, users = demo
    [unknown] = services.unknown_participants(programme)
    judge = _judge(programme, "UZ")
    url = f"/console/programmes/{programme.pk}/attendance/unknown/"
    client = _client(users["organiser"])
    assert unknown.identity in client.get(url).content.decode()
    data = {"source": unknown.source, "identity": unknown.identity, "participation": judge.pk}
    # Another programme's organiser cannot.
    assert _client(other_programme[1]).post(url, data).status_code == 404
    assert client.post(url, data).status_code == 302
    link = ParticipantLink.objects.get()
    assert (link.participation, link.linked_by) == (judge, users["organiser"])
    assert services.unknown_participants(programme)[0].linked_to == judge.pk


def test_threshold_is_set_per_programme(demo, other_programme):
    programme, users = demo
    url = f"/console/programmes/{programme.pk}/attendance/threshold/"
    assert _client(other_programme[1]).post(url, {"threshold": "10"}).status_code == 404
    assert _client(users["organiser"]).post(url, {"threshold": "120"}).status_code == 302
    assert services.attendance_threshold(programme) == 0.85
    assert _client(users["organiser"]).post(url, {"threshold": "75"}).status_code == 302
    assert services.attendance_threshold(programme) == 0.75
    assert services.attendance_threshold(other_programme[0]) == 0.85
