"""Participants, attendance and evaluation as CSV and XLSX: scope by role and country,
names exactly as supplied, formula injection neutralised, ETag and no CORS."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest

from seminarium.attendance.services import IncomingEvent, record_events
from seminarium.programmes.models import ProgrammeRole
from tests import factories
from tests.conftest import client_for


@pytest.fixture
def setup(db):
    programme = factories.ProgrammeFactory()
    session = factories.SessionFactory(programme=programme)
    kz = factories.ParticipationFactory(
        programme=programme,
        person__family_name='=HYPERLINK("http://evil","x")',
        person__given_name="Айгерим",
        person__chinese_name="艾格琳",
    )
    ru = factories.ParticipationFactory(
        programme=programme,
        country=factories.CountryFactory(code="RU"),
        person__family_name="Соколов",
    )
    record_events(
        [
            IncomingEvent(session.pk, "jitsi", "join", session.start, kz.pk, provider_event_id="1"),
            IncomingEvent(
                session.pk,
                "jitsi",
                "leave",
                session.start + timedelta(minutes=45),
                kz.pk,
                provider_event_id="2",
            ),
        ]
    )
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    coordinator = factories.ProgrammeRoleFactory(
        programme=programme,
        role=ProgrammeRole.Role.COORDINATOR,
        country=factories.CountryFactory(code="KZ"),
    ).user
    return programme, kz, ru, organiser, coordinator


def _url(programme, table: str, file_format: str) -> str:
    return f"/console/programmes/{programme.pk}/reports/{table}.{file_format}"


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_organisers_get_every_participant_with_names_as_supplied(setup):
    programme, _kz, _ru, organiser, _coordinator = setup
    response = client_for(organiser).get(_url(programme, "participants", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "Access-Control-Allow-Origin" not in response
    _header, *rows = _csv_rows(response)
    assert len(rows) == 2
    kz_row = next(r for r in rows if "Айгерим" in r)
    # The formula is neutralised, the rest kept exactly.
    assert kz_row[1] == '\'=HYPERLINK("http://evil","x")'
    assert "艾格琳" in kz_row and "Ivanov" in kz_row[4]
    assert any("Соколов" in r for r in rows)


def test_coordinators_get_only_their_delegation(setup):
    programme, _kz, _ru, _organiser, coordinator = setup
    for table in ("participants", "attendance", "evaluation"):
        for file_format in ("csv", "xlsx"):
            assert (
                client_for(coordinator).get(_url(programme, table, file_format)).status_code == 200
            )
    rows = _csv_rows(client_for(coordinator).get(_url(programme, "participants", "csv")))[1:]
    assert len(rows) == 1 and "Айгерим" in rows[0]
    attendance = _csv_rows(client_for(coordinator).get(_url(programme, "attendance", "csv")))[1:]
    assert len(attendance) == 1


def test_xlsx_keeps_formulas_as_text(setup):
    programme, _kz, _ru, organiser, _coordinator = setup
    response = client_for(organiser).get(_url(programme, "participants", "xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://evil","x")' in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_attendance_comes_from_the_ledger(setup):
    programme, _kz, _ru, organiser, _coordinator = setup
    rows = _csv_rows(client_for(organiser).get(_url(programme, "attendance", "csv")))[1:]
    by_minutes = sorted(rows, key=lambda r: -int(r[3]))
    assert by_minutes[0][3:6] == ["45", "90", "0"]
    assert by_minutes[0][6] == "50.0"
    assert by_minutes[1][3] == "0"


def test_exports_have_etags_and_answer_304(setup):
    programme, _kz, _ru, organiser, _coordinator = setup
    client = client_for(organiser)
    for file_format in ("csv", "xlsx"):
        url = _url(programme, "participants", file_format)
        etag = client.get(url)["ETag"]
        assert client.get(url)["ETag"] == etag  # stable, though XLSX bytes carry a time
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_out_of_scope_users_get_404(setup):
    programme, _kz, _ru, _organiser, _coordinator = setup
    other_organiser = factories.ProgrammeRoleFactory().user
    other_coordinator = factories.ProgrammeRoleFactory(
        role=ProgrammeRole.Role.COORDINATOR, country=factories.CountryFactory(code="KZ")
    ).user
    participant = factories.ParticipationFactory(
        programme=programme, person__user=factories.UserFactory()
    ).person.user
    for user in (other_organiser, other_coordinator, participant):
        assert client_for(user).get(_url(programme, "participants", "csv")).status_code == 404
        assert (
            client_for(user).get(f"/console/programmes/{programme.pk}/reports/").status_code == 404
        )
    response = client_for(None).get(_url(programme, "participants", "csv"))
    assert response.status_code == 302


def test_unknown_tables_and_formats_are_404(setup):
    programme, _kz, _ru, organiser, _coordinator = setup
    client = client_for(organiser)
    assert client.get(_url(programme, "secrets", "csv")).status_code == 404
    assert client.get(_url(programme, "participants", "pdf")).status_code == 404


def test_the_exports_page_lists_what_each_role_may_have(setup):
    programme, _kz, _ru, organiser, coordinator = setup
    page = client_for(organiser).get(f"/console/programmes/{programme.pk}/reports/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"/console/programmes/{programme.pk}/reports/funder/" in text
    assert f"/console/programmes/{programme.pk}/reports/press/" in text
    assert f"/p/{programme.slug}/schedule.xml" in text
    page = client_for(coordinator).get(f"/console/programmes/{programme.pk}/reports/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "/reports/funder/" not in text and "/reports/press/" not in text
    assert _url(programme, "participants", "csv") in text
