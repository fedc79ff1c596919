"""The organisers' rooms and links pages: who may see them, what they show, and the jobs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from seminarium.conferencing import services
from seminarium.conferencing.models import PersonalLink, Room, SessionVideo, VideoSettings
from seminarium.conferencing.providers import PROVIDERS
from seminarium.conferencing.providers.base import ProviderError, VideoProvider
from seminarium.core.models import AuditEvent
from seminarium.programmes.models import ProgrammeRole, SessionRole
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def programme():
    now = timezone.now()
    programme = factories.ProgrammeFactory()
    session = factories.SessionFactory(
        programme=programme,
        start=now + timedelta(hours=1),
        end=now + timedelta(hours=2),
        interpretation_languages=["ru"],
    )
    factories.SessionRoleFactory(session=session, role=SessionRole.Role.INTERPRETER, channel="ru")
    factories.ParticipationFactory(programme=programme)
    services.ensure_programme_rooms(programme)
    return programme


def _organiser(programme):
    return factories.ProgrammeRoleFactory(programme=programme).user


def _urls(programme):
    room = Room.objects.filter(session__programme=programme).first()
    participation = programme.participations.first()
    session = programme.sessions.first()
    base = f"/console/programmes/{programme.pk}/video"
    return {
        "get": [f"{base}/rooms/", f"{base}/join-links/"],
        "post": [
            f"{base}/rooms/{room.pk}/retry/",
            f"{base}/sessions/{session.pk}/provider/",
            f"{base}/join-links/{participation.pk}/revoke/",
        ],
    }


def test_organiser_sees_rooms_rota_and_pair_warning(programme):
    response = client_for(_organiser(programme)).get(
        f"/console/programmes/{programme.pk}/video/rooms/"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ready" in body
    assert "need two interpreters per channel" in body  # 60 minutes, one interpreter
    assert "Retry now" not in body


def test_pair_warning_goes_with_a_pair(programme):
    session = programme.sessions.get()
    factories.SessionRoleFactory(session=session, role=SessionRole.Role.INTERPRETER, channel="ru")
    (channel,) = services.rota(session)
    assert len(channel.interpreters) == 2 and not channel.short_of_pair


def test_short_session_needs_no_pair(programme):
    session = programme.sessions.get()
    session.end = session.start + timedelta(minutes=40)
    session.save()
    (channel,) = services.rota(session)
    assert not channel.short_of_pair


@pytest.mark.parametrize("who", ["other_organiser", "coordinator", "other_participant", "anon"])
def test_others_cannot_reach_rooms_or_links(programme, who):
    other = factories.ProgrammeFactory()
    if who == "other_organiser":
        user = factories.ProgrammeRoleFactory(programme=other).user
    elif who == "coordinator":
        user = factories.ProgrammeRoleFactory(
            programme=programme,
            role=ProgrammeRole.Role.COORDINATOR,
            country=factories.CountryFactory(code="KZ"),
        ).user
    elif who == "other_participant":
        user = factories.UserFactory()
        factories.ParticipationFactory(programme=other, person=factories.PersonFactory(user=user))
    else:
        user = None
    client = client_for(user)
    urls = _urls(programme)
    for url in urls["get"]:
        assert client.get(url).status_code in (302, 403, 404), url
    for url in urls["post"]:
        assert client.post(url, {"s1-provider": "zoom"}).status_code in (302, 403, 404)
    # Nothing changed: no new link, no override, no retry.
    assert PersonalLink.objects.filter(revoked_at__isnull=False).count() == 0
    assert not SessionVideo.objects.exists()
    if user is None:
        assert client.post(urls["post"][2]).status_code == 302  # to sign in


def test_site_admin_may(programme):
    admin = factories.UserFactory(is_superuser=True)
    for url in _urls(programme)["get"]:
        assert client_for(admin).get(url).status_code == 200


def test_links_page_revoke_and_audit(programme):
    organiser = _organiser(programme)
    client = client_for(organiser)
    participation = programme.participations.get()
    page = client.get(f"/console/programmes/{programme.pk}/video/join-links/")
    old = PersonalLink.objects.get(participation=participation)
    assert old.token in page.content.decode()
    response = client.post(
        f"/console/programmes/{programme.pk}/video/join-links/{participation.pk}/revoke/"
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert AuditEvent.objects.filter(action="revoke", object_id=str(old.pk)).exists()
    assert services.participation_for_token(old.token) is None


def test_choosing_the_provider_makes_rooms_in_the_background(programme, settings):
    settings.TASKS = IMMEDIATE
    organiser = _organiser(programme)

    class Down(VideoProvider):
        name = "bbb"

        def create_room(self, spec):
            raise ProviderError("bbb: HTTP 502")

        def join_url(self, room, joiner, now):
            return ""

    PROVIDERS_BEFORE = dict(PROVIDERS)
    PROVIDERS["bbb"] = Down
    try:
        client = client_for(organiser)
        with django_capture():
            response = client.post(
                f"/console/programmes/{programme.pk}/video/rooms/", {"provider": "bbb"}
            )
        assert response.status_code == 302
        assert VideoSettings.objects.get(programme=programme).provider == "bbb"
        rooms = Room.objects.filter(session__programme=programme)
        assert {r.provider for r in rooms} == {"bbb"}
        assert {r.status for r in rooms} == {Room.Status.FAILED}
        page = client.get(f"/console/programmes/{programme.pk}/video/rooms/").content.decode()
        assert "HTTP 502" in page and "Retry now" in page
        room = rooms.first()
        PROVIDERS["bbb"] = PROVIDERS_BEFORE["jitsi"]
        with django_capture():
            client.post(f"/console/programmes/{programme.pk}/video/rooms/{room.pk}/retry/")
        room.refresh_from_db()
        assert room.status == Room.Status.READY
    finally:
        PROVIDERS.clear()
        PROVIDERS.update(PROVIDERS_BEFORE)


def test_saving_a_session_of_a_published_programme_plans_rooms(settings):
    settings.TASKS = IMMEDIATE
    programme = factories.ProgrammeFactory()
    now = timezone.now()
    with django_capture():
        session = factories.SessionFactory(
            programme=programme, start=now, end=now + timedelta(hours=1)
        )
    assert Room.objects.filter(session=session, status=Room.Status.READY).count() == 3


def test_sweep_command_runs(programme, settings):
    from django.core.management import call_command

    settings.TASKS = IMMEDIATE
    call_command("video_rooms")


def django_capture():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_portal_and_session_page_show_our_parts(programme):
    participation = programme.participations.get()
    user = factories.UserFactory()
    participation.person.user = user
    participation.person.save()
    portal = client_for(user).get("/me/").content.decode()
    assert services.personal_link_url(participation) in portal
    session = programme.sessions.get()
    page = client_for(_organiser(programme)).get(
        f"/console/programmes/{programme.pk}/sessions/{session.pk}/"
    )
    assert "Video rooms: 2 of 2 ready" in page.content.decode()
