"""CSV and XLSX downloads for every app, safe to open in a spreadsheet.

Text from users (names, positions, answers) may begin with characters a spreadsheet
reads as a formula: a judge "named" ``=HYPERLINK("http://evil","Click")`` would become
a live link, and worse. Following OWASP's CSV-injection guidance, such text gets a
leading apostrophe, which spreadsheets treat as "this is text". In XLSX files text is
also stored with the string type, so it is never evaluated.

Only ``str`` values count as user text; numbers, dates and booleans are written as
they are. Excel has no time zones: give times as text formatted in the reader's zone.
"""

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# The characters OWASP lists as starting a formula (or, for tab and CR, hiding one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | int | float | bool | date | datetime | None


def safe_cell(value: Cell) -> Cell:
    """The value, with a leading apostrophe if it is text a spreadsheet would run."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def content_etag(content: bytes) -> str:
    """A strong ETag for a download: a digest of exactly what it holds."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def conditional_download(
    request: HttpRequest, etag: str, build: Callable[[], HttpResponse], *, public: bool
) -> HttpResponse:
    """304 when the client holds this version, else the built response; always with the
    ETag. Only ``public`` exports let any origin read them (CORS)."""
    response = get_conditional_response(request, etag=etag) or build()
    response["ETag"] = etag
    if public:
        response["Access-Control-Allow-Origin"] = "*"
    return response


def _attachment(content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> HttpResponse:
    """A CSV download, UTF-8 with a byte-order mark so that Excel reads Cyrillic and Chinese."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(str(title)) for title in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    response = _attachment(CSV_TYPE, filename)
    response.write(buffer.getvalue().encode("utf-8"))
    return response


def _xlsx_cell(sheet, value: Cell, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=safe_cell(value))
    if isinstance(value, str):
        # openpyxl would store text beginning with "=" as a formula.
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    sheet_title: str = "",
) -> HttpResponse:
    """An XLSX download with one sheet: a bold header row, then ``rows``."""
    workbook = Workbook(write_only=True)
    # Sheet titles are limited to 31 characters and may not contain []:*?/\ .
    title = "".join(c for c in str(sheet_title) if c not in "[]:*?/\\")[:31]
    sheet = workbook.create_sheet(title=title or None)
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, str(name), bold=True) for name in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _attachment(XLSX_TYPE, filename)
    response.write(buffer.getvalue())
    return response
