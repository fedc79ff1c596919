"""The audit log pages: organisers see their programme, coordinators their country in it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from seminarium.core.audit import record
from seminarium.core.models import AuditEvent
from seminarium.programmes.models import ProgrammeRole
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def coordinator(programme, code: str):
    return factories.ProgrammeRoleFactory(
        programme=programme,
        role=ProgrammeRole.Role.COORDINATOR,
        country=factories.CountryFactory(code=code),
    ).user


@pytest.fixture
def logged():
    programme = factories.ProgrammeFactory()
    other = factories.ProgrammeFactory()
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    kz = factories.ParticipationFactory(programme=programme, person__latin_family_name="Kazakhova")
    ru = factories.ParticipationFactory(
        programme=programme,
        person__latin_family_name="Russkova",
        country=factories.CountryFactory(code="RU"),
    )
    elsewhere = factories.ParticipationFactory(
        programme=other, person__latin_family_name="Otherova"
    )
    for participation in (kz, ru, elsewhere):
        record(
            organiser,
            "update",
            participation,
            before={"status": "invited"},
            after={"status": "confirmed"},
            programme_id=participation.programme_id,
            country_code=participation.country_id,
        )
    record(organiser, "status", programme, after={"status": "published"}, programme_id=programme.pk)
    return {
        "programme": programme,
        "other": other,
        "organiser": organiser,
        "admin": admin,
        "kz": coordinator(programme, "KZ"),
        "ru": coordinator(programme, "RU"),
        "other_organiser": factories.ProgrammeRoleFactory(programme=other).user,
    }


def page(user, programme, **query) -> tuple[int, str]:
    response = client_for(user).get(reverse("console:audit_log", args=[programme.pk]), query)
    return response.status_code, response.content.decode()


def test_organisers_and_admins_see_the_whole_programme_and_nothing_else(logged):
    for user in (logged["organiser"], logged["admin"]):
        status, html = page(user, logged["programme"])
        assert status == 200
        assert "Kazakhova" in html and "Russkova" in html and "Otherova" not in html


def test_coordinators_see_only_their_countrys_events(logged):
    status, html = page(logged["ru"], logged["programme"])
    assert status == 200
    assert "Russkova" in html and "Kazakhova" not in html
    # Events of no country (the programme's own) are the organisers' business.
    assert "Status changed" not in html
    status, html = page(logged["kz"], logged["programme"])
    assert "Kazakhova" in html and "Russkova" not in html


def test_everyone_else_gets_404(logged):
    assert page(logged["other_organiser"], logged["programme"])[0] == 404
    assert page(logged["kz"], logged["other"])[0] == 404
    assert page(factories.UserFactory(), logged["programme"])[0] == 404
    assert page(None, logged["programme"])[0] == 302


def test_changes_are_readable_in_the_viewers_zone_and_filterable(logged):
    status, html = page(logged["organiser"], logged["programme"], tz="Asia/Almaty")
    assert status == 200
    # Field names are labelled, the zone is named.
    assert "<del>invited</del> → <ins>confirmed</ins>" in html
    assert "Times are shown in Almaty" in html
    status, html = page(logged["organiser"], logged["programme"], action="status")
    assert "Kazakhova" not in html and "Status changed" in html
    status, html = page(
        logged["organiser"], logged["programme"], object_type="programmes.participation"
    )
    assert "Kazakhova" in html and "Status changed" not in html.split("<tbody>")[1]


def test_the_log_is_paged(logged):
    programme = logged["programme"]
    start = datetime(2021, 4, 1, tzinfo=UTC)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            at=start + timedelta(minutes=n),
            actor_label="bulk",
            action="update",
            object_type="programmes.programme",
            object_id=str(programme.pk),
            object_label=f"Event {n:03}",
            programme_id=programme.pk,
        )
        for n in range(120)
    )
    _status, first = page(logged["organiser"], programme)
    assert "Event 119" in first and "Event 000" not in first
    _status, last = page(logged["organiser"], programme, page=3)
    assert "Event 000" in last
