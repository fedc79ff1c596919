"""Spreadsheet exports: formula injection neutralised, Cyrillic and Chinese readable."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from seminarium.core.exports import csv_response, safe_cell, xlsx_response

PAYLOADS = [
    '=HYPERLINK("http://example.com/x","Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_that_starts_a_formula_gets_a_leading_apostrophe(payload):
    assert safe_cell(payload) == "'" + payload


def test_ordinary_values_are_left_alone():
    assert safe_cell("Лю Сяохун") == "Лю Сяохун"
    assert safe_cell("O'Brien") == "O'Brien"
    assert safe_cell("a=b") == "a=b"
    assert safe_cell(-5) == -5
    assert safe_cell(None) == ""


def test_csv_is_utf8_with_a_bom_and_neutralised():
    response = csv_response(
        "names.csv", ["Name", "Имя"], [["刘晓红", "Лю Сяохун"], [PAYLOADS[0], 3]]
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="names.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["Name", "Имя"], ["刘晓红", "Лю Сяохун"], ["'" + PAYLOADS[0], "3"]]


def test_a_non_ascii_file_name_is_offered_too():
    response = csv_response("участники.csv", ["a"], [])
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_xlsx_stores_user_text_as_strings_never_formulas():
    response = xlsx_response(
        "names.xlsx",
        ["Name", "Day", "Count"],
        [[payload, date(2021, 4, 15), 2] for payload in PAYLOADS] + [["刘晓红", None, 0]],
        sheet_title="Names: [check]",
    )
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Names check"
    cells = [row for row in sheet.iter_rows(min_row=2)]
    for (name, day, count), payload in zip(cells, PAYLOADS, strict=False):
        assert name.data_type == "s"
        # openpyxl keeps a carriage return when it writes with lxml; its own writer
        # leaves it bare, and XML reads that back as a line feed.
        assert name.value in {"'" + payload, ("'" + payload).replace("\r", "\n")}
        assert day.value.date() == date(2021, 4, 15)
        assert count.value == 2
    assert cells[-1][0].value == "刘晓红"
    assert sheet["A1"].font.bold
