"""A coordinator uploads a file of nominees, reads the report, fixes the file and succeeds."""

from datetime import UTC, datetime, timedelta

from seminarium.core.signin import sign_in_url
from seminarium.nominations import services
from seminarium.programmes.models import ProgrammeRole
from tests import factories

HEADER = "family_name,given_name,latin_family_name,email,language,time_zone"


def _file(*rows: str) -> dict:
    content = "\n".join([HEADER, *rows]).encode("utf-8")
    return {"name": "nominees.csv", "mimeType": "text/csv", "buffer": content}


def test_coordinator_fixes_a_file_and_sees_the_nominees(page, live_server, transactional_db):
    programme = factories.ProgrammeFactory(slug="sco-judges")
    services.open_call(
        None, programme, deadline=datetime.now(UTC) + timedelta(days=7), quotas={"KZ": 5}
    )
    coordinator = factories.ProgrammeRoleFactory(
        programme=programme,
        role=ProgrammeRole.Role.COORDINATOR,
        country=factories.CountryFactory(code="KZ"),
    ).user

    page.goto(sign_in_url(coordinator, "/nominations/sco-judges/", base_url=live_server.url))
    assert "5 places left of 5" in page.locator(".places-left").inner_text()
    page.get_by_role("link", name="Upload a file").first.click()

    page.get_by_label("File of nominees").set_input_files(
        _file(
            "Ахметов,Нурлан,AKHMETOV,akhmetov@example.kz,ru,Asia/Almaty",
            "Сапарова,Айгуль,SAPAROVA,not-an-address,ru,Asia/Almaty",
            "Омаров,Ерлан,OMAROV,omarov@example.kz,ru,Asia/Atlantis",
        )
    )
    page.get_by_role("button", name="Check and nominate").click()

    report = page.locator(".import-report")
    assert "2 problems; nobody was nominated" in report.locator("h2").inner_text()
    rows = report.locator("tbody tr")
    assert rows.nth(0).inner_text().split("\t")[:2] == ["3", "email"]
    assert rows.nth(1).inner_text().split("\t")[:2] == ["4", "time_zone"]

    page.get_by_label("File of nominees").set_input_files(
        _file(
            "Ахметов,Нурлан,AKHMETOV,akhmetov@example.kz,ru,Asia/Almaty",
            "Сапарова,Айгуль,SAPAROVA,saparova@example.kz,ru,Asia/Almaty",
            "Омаров,Ерлан,OMAROV,omarov@example.kz,ru,Asia/Almaty",
        )
    )
    page.get_by_role("button", name="Check and nominate").click()

    assert page.url == f"{live_server.url}/nominations/sco-judges/"
    assert "3 judges are nominated." in page.locator(".messages").inner_text()
    listed = page.locator("table tbody").inner_text()
    for email in ("akhmetov@example.kz", "saparova@example.kz", "omarov@example.kz"):
        assert email in listed
    assert "2 places left of 5" in page.locator(".places-left").inner_text()
