"""Bulk import of nominees from CSV or XLSX: every row, or none, with a report per row."""

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from seminarium.core.models import AuditEvent
from seminarium.nominations import imports, services
from seminarium.nominations.models import ExtraField, Nomination, Quota
from seminarium.people.models import Person
from seminarium.programmes.models import ProgrammeRole
from tests import factories
from tests.conftest import client_for

HEADER = (
    "family_name,given_name,latin_family_name,latin_given_name,organisation,position,"
    "language,email,time_zone"
)


def row(n: int, **changes) -> str:
    values = {
        "family_name": f"Ахметов{n}",
        "given_name": "Нурлан",
        "latin_family_name": f"AKHMETOV{n}",
        "latin_given_name": "NURLAN",
        "organisation": "",
        "position": "Судья",
        "language": "ru",
        "email": f"judge{n}@example.kz",
        "time_zone": "Asia/Almaty",
        **changes,
    }
    return ",".join(values[column] for column in HEADER.split(","))


def csv_file(*lines: str, encoding: str = "utf-8", name: str = "nominees.csv"):
    return SimpleUploadedFile(name, "\r\n".join(lines).encode(encoding), "text/csv")


@pytest.fixture
def call(db):
    programme = factories.ProgrammeFactory(slug="a")
    factories.OrganisationFactory(
        name={"en": "Supreme Court of Kazakhstan", "ru": "Верховный суд Республики Казахстан"},
        short_name="ВС РК",
        country=factories.CountryFactory(code="KZ"),
    )
    return services.open_call(
        None, programme, deadline=datetime.now(UTC) + timedelta(days=7), quotas={"KZ": 3}
    )


def problems(call, upload, country="KZ") -> list[tuple]:
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_nominations(None, call, country, upload)
    assert not Nomination.objects.exists(), "nothing may be half-written"
    assert not Person.objects.filter(email__endswith="example.kz").exists()
    assert Quota.objects.get(call=call, country="KZ").taken == 0
    return [(p.row, p.column, p.message) for p in rejected.value.problems]


def test_a_good_csv_nominates_every_row(call):
    upload = csv_file(HEADER, row(1, organisation="вс рк"), row(2), encoding="utf-8-sig")
    nominations = imports.import_nominations(None, call, "KZ", upload)
    assert [n.email for n in nominations] == ["judge1@example.kz", "judge2@example.kz"]
    first = nominations[0].person
    assert first.organisation.short_name == "ВС РК"
    assert first.home_timezone == "Asia/Almaty"
    assert first.position.localize("zh-hans") == "Судья"
    assert AuditEvent.objects.filter(action="nominate").count() == 2


def test_semicolons_and_a_different_column_order_are_read(call):
    upload = csv_file(
        "Email;Family name;Language;Time zone;Organisation",
        "judge1@example.kz;Ахметов;RU;Asia/Almaty;Supreme Court of Kazakhstan",
    )
    (nomination,) = imports.import_nominations(None, call, "KZ", upload)
    assert nomination.person.family_name == "Ахметов"
    assert nomination.person.preferred_language == "ru"


def test_a_good_xlsx_nominates_every_row(call):
    question = ExtraField.objects.create(
        call=call, label={"en": "Years"}, purpose={"en": "Grouping"}, required=True
    )
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([*HEADER.split(","), "question_1"])
    sheet.append([*row(1).split(","), 12])
    sheet.append([*row(2).split(","), 3.0])
    sheet.append([None] * 10)  # spreadsheets often end in empty rows
    data = io.BytesIO()
    workbook.save(data)
    upload = SimpleUploadedFile("nominees.xlsx", data.getvalue())
    nominations = imports.import_nominations(None, call, "KZ", upload)
    assert [n.answers for n in nominations] == [{str(question.pk): "12"}, {str(question.pk): "3"}]


def test_a_file_not_in_utf8_is_refused_with_advice(call):
    upload = csv_file(HEADER, row(1), encoding="cp1251")
    ((number, _column, message),) = problems(call, upload)
    assert number is None
    assert "not in UTF-8" in message and "CSV UTF-8" in message


def test_utf16_is_refused_too(call):
    assert "not in UTF-8" in problems(call, csv_file(HEADER, row(1), encoding="utf-16"))[0][2]


def test_missing_and_unknown_columns_are_reported_against_the_header(call):
    upload = csv_file("family_name,e_mail,time_zone,language", "Ахметов,a@example.kz,UTC,ru")
    assert problems(call, upload) == [
        (1, "e_mail", "Unknown column; see the template."),
        (1, "email", "This column is missing."),
    ]


def test_a_required_extra_question_needs_its_column(call):
    ExtraField.objects.create(call=call, label={"en": "Years"}, purpose={"en": "x"}, required=True)
    assert problems(call, csv_file(HEADER, row(1))) == [
        (1, "question_1", "This column is missing.")
    ]


def test_bad_email_unknown_zone_unknown_organisation_and_language_are_reported_by_row(call):
    services.set_places(None, call, "KZ", 10)
    upload = csv_file(
        HEADER,
        row(1),
        row(2, email="not-an-address"),
        row(3, time_zone="Asia/Atlantis"),
        row(4, organisation="Court of Nowhere"),
        row(5, language="fr", family_name=""),
    )
    found = problems(call, upload)
    # Row 1 is the header, so the n-th judge is on row n + 1.
    assert found[0] == (3, "email", "Enter a valid email address.")
    assert found[1] == (
        4,
        "time_zone",
        "“Asia/Atlantis” is not a time zone name such as Asia/Almaty.",
    )
    assert found[2][:2] == (5, "organisation")
    assert "No organisation called “Court of Nowhere” in Kazakhstan" in found[2][2]
    assert found[3:] == [
        (6, "family_name", "This cell must not be empty."),
        (6, "language", "“fr” is not an interface language."),
    ]


def test_duplicates_within_the_file_and_against_existing_nominations(call):
    # Another country's nominee in the same call.
    services.set_places(None, call, "RU", 1)
    services.nominate(
        None,
        call,
        "RU",
        factories.PersonFactory.build(email="taken@example.org", organisation=None),
    )
    upload = csv_file(
        HEADER, row(1), row(2, email="JUDGE1@example.kz"), row(3, email="taken@example.org")
    )
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_nominations(None, call, "KZ", upload)
    found = [(p.row, p.column, p.message) for p in rejected.value.problems]
    assert found == [
        (3, "email", "The same e-mail as row 2."),
        (4, "email", "Already nominated for this programme."),
    ]
    assert Nomination.objects.filter(country="KZ").count() == 0


def test_rows_over_the_quota_are_reported(call):
    services.nominate(
        None, call, "KZ", factories.PersonFactory.build(email="a@example.org", organisation=None)
    )
    upload = csv_file(HEADER, row(1), row(2), row(3))
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_nominations(None, call, "KZ", upload)
    assert [(p.row, p.message) for p in rejected.value.problems] == [
        (4, "Over your quota: 2 of 3 places are left.")
    ]
    assert Nomination.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"  \r\n", "The file is empty."),
        (HEADER.encode(), "The file has no nominees"),
        (b"\xd0\xcf\x11\xe0rest-of-an-xls", "old-style Excel file (.xls)"),
        (b"PK\x03\x04not really a zip", "could not be read as an Excel workbook"),
    ],
)
def test_empty_header_only_and_unreadable_files(call, content, message):
    ((number, _column, text),) = problems(call, SimpleUploadedFile("f.csv", content))
    assert number is None and message in text


def test_oversized_files_are_refused(call):
    too_many_rows = csv_file(HEADER, *(row(n) for n in range(imports.MAX_ROWS + 1)))
    assert "more than 500 rows" in problems(call, too_many_rows)[0][2]
    too_big = SimpleUploadedFile("f.csv", b"a" * (imports.MAX_BYTES + 1))
    assert "larger than 2 MB" in problems(call, too_big)[0][2]


def test_after_the_deadline_nothing_is_imported(call):
    call.deadline = datetime.now(UTC) - timedelta(seconds=1)
    call.save()
    assert problems(call, csv_file(HEADER, row(1))) == [
        (None, "", "The deadline for nominations has passed.")
    ]


def test_a_refusal_while_nominating_rolls_back_the_rows_already_written(call, monkeypatch):
    nominate = services.nominate

    def refuse_the_second(actor, call, country, person, answers):
        if person.email == "judge2@example.kz":
            raise services.NominationRefused("Refused for the test.", code="test")
        return nominate(actor, call, country, person, answers)

    monkeypatch.setattr(services, "nominate", refuse_the_second)
    assert problems(call, csv_file(HEADER, row(1), row(2), row(3))) == [
        (3, "", "Refused for the test.")
    ]
    assert not AuditEvent.objects.filter(action="nominate").exists()


def _coordinator_client(call):
    user = factories.ProgrammeRoleFactory(
        programme=call.programme,
        role=ProgrammeRole.Role.COORDINATOR,
        country=factories.CountryFactory(code="KZ"),
    ).user
    return client_for(user)


def test_the_upload_page_reports_problems_and_then_imports(call):
    client = _coordinator_client(call)
    url = reverse("nominations:import", args=["a"])
    bad = csv_file(HEADER, row(1, email="nope"))
    response = client.post(url, {"file": bad})
    text = response.content.decode()
    assert response.status_code == 200
    assert "1 problem; nobody was nominated" in text
    assert "Enter a valid email address." in text
    good = csv_file(HEADER, row(1), row(2))
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert Nomination.objects.filter(country="KZ").count() == 2


def test_the_template_has_the_header_row_and_a_bom_for_excel(call):
    ExtraField.objects.create(call=call, label={"en": "Years"}, purpose={"en": "x"})
    response = _coordinator_client(call).get(reverse("nominations:import_template", args=["a"]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").strip().split(",") == [*imports.COLUMNS, "question_1"]


def test_a_nul_character_in_a_cell_is_reported_against_its_cell(call):
    found = problems(call, csv_file(HEADER, row(1, position="Су\x00дья")))
    assert found == [
        (
            2,
            "position",
            "This cell contains a NUL character (U+0000). "
            "Save the file again as “CSV UTF-8” or .xlsx.",
        )
    ]
