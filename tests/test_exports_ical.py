"""iCal exports, parsed back with the icalendar library: one session, and the personal
feed behind the personal join link's secret token."""

import pytest
from django.conf import settings
from icalendar import Calendar

from seminarium.conferencing.models import Room
from seminarium.conferencing.services import personal_link_url, revoke_link
from seminarium.core import hooks
from seminarium.programmes.models import Participation, Programme
from tests import factories
from tests.conftest import client_for


@pytest.fixture
def session(db):
    session = factories.SessionFactory(
        title={"en": "Smart courts", "ru": "Умные суды", "zh-hans": "智慧法院"},
    )
    Room.objects.create(
        session=session, provider="jitsi", key="secretroom", provider_room_id="secretroom"
    )
    return session


def _events(response) -> list:
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_a_single_session_calendar(session, client):
    url = f"/p/{session.programme.slug}/sessions/{session.pk}.ics"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    (event,) = _events(response)
    assert str(event["summary"]) == "Умные суды"
    assert event.decoded("dtstart") == session.start
    again = client.get(url, HTTP_ACCEPT_LANGUAGE="ru", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_session_of_another_programme_or_an_unpublished_one_is_404(session, client):
    other = factories.ProgrammeFactory()
    assert client.get(f"/p/{other.slug}/sessions/{session.pk}.ics").status_code == 404
    draft = factories.SessionFactory(programme__status=Programme.Status.DRAFT)
    assert client.get(f"/p/{draft.programme.slug}/sessions/{draft.pk}.ics").status_code == 404
    organiser = factories.ProgrammeRoleFactory(programme=draft.programme).user
    response = client_for(organiser).get(f"/p/{draft.programme.slug}/sessions/{draft.pk}.ics")
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


@pytest.fixture
def participation(session):
    factories.SessionFactory(programme=session.programme, start=session.end)
    return factories.ParticipationFactory(
        programme=session.programme, person__preferred_language="zh-hans"
    )


def test_the_personal_feed_links_each_event_to_the_join_page(participation, client):
    join_page = personal_link_url(participation)
    response = client.get(f"{join_page}calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Access-Control-Allow-Origin" not in response
    assert response["Cache-Control"] == "private, no-cache"
    events = _events(response)
    assert len(events) == 2
    assert {str(e["url"]) for e in events} == {settings.SITE_URL + join_page}
    # In the person's language, and never a provider's address.
    assert "智慧法院" in {str(e["summary"]) for e in events}
    assert b"secretroom" not in response.content
    assert b"meet.jit.si" not in response.content
    again = client.get(f"{join_page}calendar.ics", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_personal_feed_ends_with_the_link(participation, client):
    join_page = personal_link_url(participation)
    revoke_link(None, participation)
    assert client.get(f"{join_page}calendar.ics").status_code == 404
    fresh = personal_link_url(participation)
    assert client.get(f"{fresh}calendar.ics").status_code == 200
    participation.status = Participation.Status.CANCELLED
    participation.save()
    assert client.get(f"{fresh}calendar.ics").status_code == 404


def test_an_unknown_token_is_404(db, client):
    assert client.get("/j/not-a-token/calendar.ics").status_code == 404


def test_the_programme_feed_is_shared_across_origins_only_once_published(session, client):
    programme = session.programme
    published = client.get(f"/p/{programme.slug}/programme.ics")
    assert published["Access-Control-Allow-Origin"] == "*"
    assert len(_events(published)) == 1
    programme.status = Programme.Status.DRAFT
    programme.save()
    assert client.get(f"/p/{programme.slug}/programme.ics").status_code == 404
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    draft = client_for(organiser).get(f"/p/{programme.slug}/programme.ics")
    assert draft.status_code == 200
    assert "Access-Control-Allow-Origin" not in draft


def test_the_personal_join_page_offers_the_calendar(participation):
    token = personal_link_url(participation).strip("/").split("/")[-1]
    html = hooks.render(
        "join_page.participation", request=None, participation=participation, token=token
    )
    assert f'href="/j/{token}/calendar.ics"' in html


def test_the_join_page_links_to_the_personal_calendar(participation, client):
    join_page = personal_link_url(participation)
    page = client.get(join_page)
    assert page.status_code == 200
    assert f'href="{join_page}calendar.ics"' in page.content.decode()
