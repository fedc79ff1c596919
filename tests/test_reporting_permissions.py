"""Who may open the funder's report, the press drafts and the exports page: the matrix
of roles, programmes and countries."""

from datetime import UTC, datetime

import pytest

from seminarium.nominations.models import Call
from seminarium.programmes.models import Programme, ProgrammeRole
from tests import factories
from tests.conftest import client_for


@pytest.fixture
def world(db):
    programme = factories.ProgrammeFactory()
    other = factories.ProgrammeFactory()
    kz = factories.CountryFactory(code="KZ")
    users = {
        "anonymous": None,
        "admin": factories.UserFactory(is_superuser=True),
        "organiser": factories.ProgrammeRoleFactory(programme=programme).user,
        "other organiser": factories.ProgrammeRoleFactory(programme=other).user,
        "coordinator": factories.ProgrammeRoleFactory(
            programme=programme, role=ProgrammeRole.Role.COORDINATOR, country=kz
        ).user,
        "other coordinator": factories.ProgrammeRoleFactory(
            programme=other, role=ProgrammeRole.Role.COORDINATOR, country=kz
        ).user,
        "participant": factories.ParticipationFactory(
            programme=programme, person__user=factories.UserFactory()
        ).person.user,
    }
    return Programme.objects.get(pk=programme.pk), users


ORGANISER_PAGES = ["funder/", "funder/report.pdf", "funder/report.xlsx", "press/", "press/ru.txt"]

# Expected status per user for the organisers' pages: console users outside the
# programme get 404; signed-in users without a console get 403; anonymous users sign in.
ORGANISER_STATUS = {
    "anonymous": 302,
    "admin": 200,
    "organiser": 200,
    "other organiser": 404,
    "coordinator": 403,
    "other coordinator": 403,
    "participant": 403,
}
EXPORTS_STATUS = {
    "anonymous": 302,
    "admin": 200,
    "organiser": 200,
    "other organiser": 404,
    "coordinator": 200,
    "other coordinator": 404,
    "participant": 404,
}


@pytest.mark.parametrize("page", ORGANISER_PAGES)
@pytest.mark.parametrize("who", list(ORGANISER_STATUS))
def test_reports_and_drafts_are_for_the_programmes_organisers(world, page, who):
    programme, users = world
    response = client_for(users[who]).get(f"/console/programmes/{programme.pk}/reports/{page}")
    assert response.status_code == ORGANISER_STATUS[who]


@pytest.mark.parametrize("who", list(EXPORTS_STATUS))
def test_the_exports_page_and_tables(world, who):
    programme, users = world
    client = client_for(users[who])
    base = f"/console/programmes/{programme.pk}/reports/"
    assert client.get(base).status_code == EXPORTS_STATUS[who]
    assert client.get(base + "participants.csv").status_code == EXPORTS_STATUS[who]


def test_a_missing_programme_is_404(world):
    _programme, users = world
    assert (
        client_for(users["admin"]).get("/console/programmes/999999/reports/press/").status_code
        == 404
    )


def test_press_page_shows_three_drafts_and_downloads_text(world):
    programme, users = world
    client = client_for(users["organiser"])
    page = client.get(f"/console/programmes/{programme.pk}/reports/press/").content.decode()
    assert page.count("<textarea") == 3
    assert 'lang="zh-hans"' in page and 'lang="ru"' in page
    response = client.get(f"/console/programmes/{programme.pk}/reports/press/zh-hans.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "法官研修班" in response.content.decode()
    assert client.get(f"/console/programmes/{programme.pk}/reports/press/de.txt").status_code == 404


def test_the_programme_console_links_to_reports(world):
    programme, users = world
    page = (
        client_for(users["organiser"]).get(f"/console/programmes/{programme.pk}/").content.decode()
    )
    assert f"/console/programmes/{programme.pk}/reports/" in page


def test_coordinators_find_their_exports_from_their_nominations_page(world):
    programme, users = world
    Call.objects.create(programme=programme, deadline=datetime(2031, 1, 1, tzinfo=UTC))
    page = client_for(users["coordinator"]).get(f"/nominations/{programme.slug}/")
    assert page.status_code == 200
    assert f"/console/programmes/{programme.pk}/reports/" in page.content.decode()
