"""The participant portal and profile: own sessions in own zone, join links, name confirmation."""

import pytest

from seminarium.conferencing.models import PersonalLink
from seminarium.core.models import AuditEvent
from seminarium.programmes.models import Participation
from tests import factories


@pytest.fixture
def judge(db):
    participation = factories.ParticipationFactory(
        person__home_timezone="Asia/Almaty", person__preferred_language="ru"
    )
    factories.SessionFactory(programme=participation.programme)
    participation.person.user = factories.UserFactory()
    participation.person.save()
    return participation.person


def test_portal_shows_my_sessions_in_my_zone_with_my_join_page(client, judge):
    client.force_login(judge.user)
    response = client.get("/me/")
    text = response.content.decode()
    assert response["Content-Language"] == "ru"  # the person's preferred language
    assert "12:00–13:30" in text and "Алматы (UTC+06:00)" in text
    link = PersonalLink.objects.get(participation__person=judge, revoked_at__isnull=True)
    assert f'href="/j/{link.token}/"' in text


def test_portal_hides_cancelled_participations(client, judge):
    judge.participations.update(status=Participation.Status.CANCELLED)
    client.force_login(judge.user)
    assert "/j/" not in client.get("/me/").content.decode()


def test_portal_requires_sign_in(client, db):
    assert client.get("/me/").status_code == 302


def test_profile_confirms_names_and_audits_the_change(client, judge):
    client.force_login(judge.user)
    data = {
        "family_name": judge.family_name,
        "given_name": judge.given_name,
        "patronymic": judge.patronymic,
        "latin_family_name": "Ivanoff",
        "latin_given_name": judge.latin_given_name,
        "chinese_name": "伊万诺夫",
        "russian_name": "",
        "preferred_language": "ru",
        "home_timezone": "Asia/Almaty",
        "confirm_names": "on",
    }
    assert client.post("/me/profile/", data).status_code == 302
    judge.refresh_from_db()
    assert judge.latin_family_name == "Ivanoff" and judge.names_confirmed_at is not None
    event = AuditEvent.objects.get(object_type="people.person", action="update")
    assert event.actor == judge.user and event.after["latin_family_name"] == "Ivanoff"


def test_profile_rejects_an_unknown_zone_in_the_user_language(client, judge):
    client.force_login(judge.user)
    response = client.post(
        "/me/profile/",
        {"family_name": "X", "preferred_language": "ru", "home_timezone": "Asia/Atlantis"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert ('class="errorlist"' in text and "«Asia/Atlantis»" in text) or "“Asia/Atlantis”" in text
    judge.refresh_from_db()
    assert judge.family_name != "X"


def test_account_without_a_person_has_no_profile(client, db):
    client.force_login(factories.UserFactory())
    assert client.get("/me/profile/").status_code == 404
