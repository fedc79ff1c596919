"""The organisers' name-check sheet: who may see it, what it holds, and safe exports."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from seminarium.programmes.models import Participation, ProgrammeRole
from tests import factories
from tests.conftest import client_for
from tests.pdf import pdf_text

INJECTION = '=HYPERLINK("http://example.com/x","Click")'


@pytest.fixture
def sheet(db):
    programme = factories.ProgrammeFactory()
    factories.ParticipationFactory(
        programme=programme,
        country=factories.CountryFactory(code="CN"),
        person=factories.PersonFactory(
            family_name="刘",
            given_name="晓红",
            patronymic="",
            latin_family_name="Liu",
            latin_given_name="Xiaohong",
            chinese_name="刘晓红",
            russian_name="Лю Сяохун",
        ),
    )
    factories.ParticipationFactory(
        programme=programme,
        country=factories.CountryFactory(code="KZ"),
        person=factories.PersonFactory(
            family_name="Ахмезакиров",
            given_name="Наиль",
            patronymic="Рафисович",
            latin_family_name="Akhmezakirov",
            latin_given_name="Naili",
            names_confirmed_at=timezone.now(),
        ),
    )
    factories.ParticipationFactory(
        programme=programme,
        country=factories.CountryFactory(code="UZ"),
        status=Participation.Status.INVITED,
        person=factories.PersonFactory(
            family_name=INJECTION,
            given_name="",
            patronymic="",
            latin_family_name="-1+1",
            latin_given_name="",
        ),
    )
    factories.ParticipationFactory(
        programme=programme,
        status=Participation.Status.DECLINED,
        person=factories.PersonFactory(family_name="Отказавшийся"),
    )
    return programme


def _urls(programme) -> list[str]:
    return [
        reverse("console:name_sheet", args=[programme.pk]),
        *(
            reverse("console:name_sheet_download", args=[programme.pk, fmt])
            for fmt in ("pdf", "csv", "xlsx")
        ),
    ]


def test_organisers_and_site_admins_only(sheet):
    other = factories.ProgrammeFactory()
    organiser = factories.ProgrammeRoleFactory(programme=sheet).user
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    other_organiser = factories.ProgrammeRoleFactory(programme=other).user
    coordinator = factories.ProgrammeRoleFactory(
        programme=sheet, role=ProgrammeRole.Role.COORDINATOR, country=factories.CountryFactory()
    ).user
    for url in _urls(sheet)[:2]:  # the page and one download; the PDF is slow
        assert client_for(organiser).get(url).status_code == 200
        assert client_for(admin).get(url).status_code == 200
        assert client_for(other_organiser).get(url).status_code == 404
        assert client_for(coordinator).get(url).status_code == 403
        assert client_for(factories.UserFactory()).get(url).status_code == 403
        assert client_for(None).get(url).status_code == 302
    unknown = reverse("console:name_sheet_download", args=[sheet.pk, "exe"])
    assert client_for(organiser).get(unknown).status_code == 404


def test_the_page_shows_every_form_side_by_side(sheet):
    admin = factories.UserFactory(is_superuser=True)
    page = client_for(admin).get(_urls(sheet)[0]).content.decode()
    for text in ["刘晓红", "Liu Xiaohong", "Лю Сяохун", "Ахмезакиров Наиль Рафисович", "Naili"]:
        assert text in page
    assert "Отказавшийся" not in page  # declined: no certificate, no ceremony
    assert 'lang="zh-Hans">刘晓红<' in page


def test_csv_has_every_form_and_neutralises_formulas(sheet):
    admin = factories.UserFactory(is_superuser=True)
    response = client_for(admin).get(_urls(sheet)[2])
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 4
    by_native = {row[1]: row for row in rows[1:]}
    assert by_native["刘" + "晓红"][2:5] == ["Liu Xiaohong", "刘晓红", "Лю Сяохун"]
    assert "'" + INJECTION in by_native
    assert INJECTION not in by_native
    assert by_native["'" + INJECTION][2] == "'-1+1"
    assert by_native["Ахмезакиров Наиль Рафисович"][5] != by_native["刘晓红"][5]


def test_xlsx_stores_names_as_text(sheet):
    admin = factories.UserFactory(is_superuser=True)
    response = client_for(admin).get(_urls(sheet)[3])
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for row in workbook.active.iter_rows(min_row=2) for cell in row]
    assert {cell.data_type for cell in cells if cell.value is not None} == {"s"}
    assert not any(str(cell.value or "").startswith("=") for cell in cells)
    assert "'" + INJECTION in [cell.value for cell in cells]
    assert "Лю Сяохун" in [cell.value for cell in cells]


def test_pdf_has_chinese_cyrillic_and_latin_text(sheet):
    admin = factories.UserFactory(is_superuser=True)
    response = client_for(admin).get(_urls(sheet)[1])
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = pdf_text(response.content)
    for name in ["刘晓红", "Лю Сяохун", "Akhmezakirov Naili", "Ахмезакиров"]:
        assert name in text
    fonts = {
        font["/BaseFont"] for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }
    # Embedded subsets carry a six-letter tag: ABCDEF+NotoSansCJK…
    assert any("CJK" in str(font) for font in fonts)
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        descendant = font.get_object().get("/DescendantFonts")
        descriptor = (
            descendant[0].get_object()["/FontDescriptor"]
            if descendant
            else font.get_object()["/FontDescriptor"]
        )
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
