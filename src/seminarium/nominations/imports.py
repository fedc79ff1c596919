"""Nominating many judges at once from a CSV or XLSX file: every row, or none.

The file has one header row naming its columns (see ``COLUMNS`` and
docs/nominations.md; the call's extra questions are ``question_1``,
``question_2``, … in the order the nomination page shows them), then one row per
judge. Every row is checked first and every problem reported with its row
number; only a file without problems is nominated, all inside one transaction,
so a refusal on any row leaves nothing written.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from seminarium.core import locales
from seminarium.core.preferences import supported_language
from seminarium.people.models import Organisation, Person

from . import services
from .models import Call, ExtraField, Nomination, Quota

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
MAX_ANSWER_LENGTH = 1000

# Column name -> the Person field it fills ("organisation" is looked up by name).
COLUMNS = {
    "family_name": "family_name",
    "given_name": "given_name",
    "patronymic": "patronymic",
    "latin_family_name": "latin_family_name",
    "latin_given_name": "latin_given_name",
    "chinese_name": "chinese_name",
    "russian_name": "russian_name",
    "organisation": "organisation",
    "position": "position",
    "language": "preferred_language",
    "email": "email",
    "time_zone": "home_timezone",
}
REQUIRED_COLUMNS = ("family_name", "email", "language", "time_zone")
_COLUMN_OF_FIELD = {person_field: column for column, person_field in COLUMNS.items()}

_ZIP_MAGIC = b"PK\x03\x04"  # XLSX is a zip archive
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file; ``row`` is None for the file as a whole."""

    row: int | None
    column: str
    message: str


class ImportRejected(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = sorted(problems, key=lambda p: (p.row or 0, p.column))


@dataclass
class _Row:
    number: int
    person: Person
    answers: dict[str, str] = field(default_factory=dict)


def _question_column(position: int) -> str:
    return f"question_{position}"


def header(call: Call) -> list[str]:
    """The columns a file for this call may have, in the template's order."""
    questions = call.extra_fields.all()
    return [*COLUMNS, *(_question_column(n) for n, _q in enumerate(questions, start=1))]


def template_csv(call: Call) -> bytes:
    """The header row as UTF-8 with a byte-order mark, which Excel needs to read UTF-8."""
    text = io.StringIO()
    csv.writer(text).writerow(header(call))
    return text.getvalue().encode("utf-8-sig")


def import_nominations(actor, call: Call, country: str, upload: UploadedFile) -> list[Nomination]:
    """Nominate everyone in the file for ``country``, or nobody; raises ImportRejected."""
    table = _read_table(upload)
    rows = _check_rows(call, country, table)
    with transaction.atomic():
        nominations = []
        for row in rows:
            try:
                nominations.append(services.nominate(actor, call, country, row.person, row.answers))
            except services.NominationRefused as refused:
                # Leaving the block by an exception rolls back the rows already nominated.
                raise ImportRejected(
                    [Problem(row.number, "", message) for message in refused.messages]
                ) from refused
        return nominations


# Reading -------------------------------------------------------------------------


def _reject(message: str) -> ImportRejected:
    return ImportRejected([Problem(None, "", message)])


def _read_table(upload: UploadedFile) -> list[list[str]]:
    """The file's rows as lists of stripped strings, header first."""
    if upload.size > MAX_BYTES:
        raise _reject(
            _("The file is larger than %(mb)s MB. Split it into smaller files.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    data = upload.read()
    if not data.strip():
        raise _reject(_("The file is empty."))
    if data.startswith(_OLE_MAGIC):
        raise _reject(
            _("This is an old-style Excel file (.xls). Save it as .xlsx or as “CSV UTF-8”.")
        )
    table = _xlsx_table(data) if data.startswith(_ZIP_MAGIC) else _csv_table(data)
    table = [row for row in table if any(row)] if table else []
    if len(table) - 1 > MAX_ROWS:
        raise _reject(
            _("The file has more than %(rows)s rows. Split it into smaller files.")
            % {"rows": MAX_ROWS}
        )
    return table


def _csv_table(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _reject(
            _(
                "The file is not in UTF-8. In Excel choose “Save as: CSV UTF-8”; in "
                "LibreOffice choose the character set “Unicode (UTF-8)”."
            )
        ) from None
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in Russian and other locales save CSV with semicolons.
    delimiter = max(",;\t", key=first_line.count)
    try:
        # Rows beyond the limit are not worth parsing: one extra shows it is exceeded.
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        table = []
        for row in reader:
            table.append([cell.strip() for cell in row])
            if len(table) > MAX_ROWS + 1 and any(row):
                break
    except csv.Error as error:
        raise _reject(
            _("Line %(line)s could not be read as CSV: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    return table


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_table(data: bytes) -> list[list[str]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            table = []
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                table.append([_cell_text(value) for value in row])
                if len(table) > MAX_ROWS + 1 and any(table[-1]):
                    break
        finally:
            workbook.close()
    # A damaged or foreign zip makes openpyxl raise errors of many kinds.
    except Exception:
        raise _reject(_("The file could not be read as an Excel workbook (.xlsx).")) from None
    return table


# Checking ------------------------------------------------------------------------


def _normalise_column(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _organisation_finder(country: str):
    """Find the country's organisation by short name or by its name in any language."""
    by_name: dict[str, list[Organisation]] = {}
    for organisation in Organisation.objects.filter(country_id=country):
        names = {organisation.short_name}
        data = organisation.name.data
        names |= set(data.values()) if isinstance(data, dict) else {str(data)}
        for name in names:
            if name:
                by_name.setdefault(name.casefold(), []).append(organisation)

    def find(name: str) -> tuple[Organisation | None, str]:
        found = by_name.get(name.casefold(), [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _("Several organisations are called “%(name)s”; use the short name.") % {
                "name": name
            }
        return None, _(
            "No organisation called “%(name)s” in %(country)s. Leave the cell empty, or "
            "ask the organisers to add it."
        ) % {"name": name, "country": locales.country_name(country, get_language())}

    return find


def _check_header(call: Call, names: list[str]) -> tuple[list[str], list[ExtraField]]:
    columns = [_normalise_column(name) for name in names]
    while columns and not columns[-1]:
        columns.pop()
    questions = list(call.extra_fields.all())
    known = header(call)
    problems = []
    for index, column in enumerate(columns):
        if column not in known:
            problems.append(
                Problem(1, column or f"#{index + 1}", _("Unknown column; see the template."))
            )
        elif column in columns[:index]:
            problems.append(Problem(1, column, _("This column appears twice.")))
    required = [*REQUIRED_COLUMNS] + [
        _question_column(n) for n, q in enumerate(questions, start=1) if q.required
    ]
    for column in required:
        if column not in columns:
            problems.append(Problem(1, column, _("This column is missing.")))
    if problems:
        raise ImportRejected(problems)
    return columns, questions


def _check_rows(call: Call, country: str, table: list[list[str]]) -> list[_Row]:
    if len(table) < 2:
        raise _reject(_("The file has no nominees: only a header row, or nothing at all."))
    if not call.is_accepting:
        raise _reject(
            _("The deadline for nominations has passed.")
            if call.status == Call.Status.OPEN
            else _("This call for nominations is not open.")
        )
    quota = Quota.objects.filter(call=call, country_id=country).first()
    if quota is None:
        raise _reject(_("This call has no places for your country."))
    columns, questions = _check_header(call, table[0])
    find_organisation = _organisation_finder(country)
    nominated = set(
        Nomination.objects.filter(
            call=call, status__in=[*Nomination.HOLDS_PLACE, Nomination.Status.WAITLISTED]
        ).values_list("email", flat=True)
    )
    problems: list[Problem] = []
    rows: list[_Row] = []
    first_row_of_email: dict[str, int] = {}
    for number, cells in enumerate(table[1:], start=2):
        values = dict(zip(columns, cells, strict=False))
        if len(cells) > len(columns) and any(cells[len(columns) :]):
            problems.append(Problem(number, "", _("This row has more cells than the header.")))
        row_problems, row = _check_row(number, values, questions, find_organisation)
        email = row.person.email
        if email and email in nominated:
            row_problems.append(
                Problem(number, "email", _("Already nominated for this programme."))
            )
        elif email in first_row_of_email:
            row_problems.append(
                Problem(
                    number,
                    "email",
                    _("The same e-mail as row %(row)s.") % {"row": first_row_of_email[email]},
                )
            )
        elif email:
            first_row_of_email[email] = number
        problems += row_problems
        rows.append(row)
    for row in rows[quota.left :]:
        problems.append(
            Problem(
                row.number,
                "",
                _("Over your quota: %(left)s of %(places)s places are left.")
                % {"left": quota.left, "places": quota.places},
            )
        )
    if problems:
        raise ImportRejected(problems)
    return rows


def _check_row(
    number: int, values: dict[str, str], questions: list[ExtraField], find_organisation
) -> tuple[list[Problem], _Row]:
    problems: dict[str, Problem] = {}

    def report(column: str, message: str) -> None:
        problems.setdefault(column, Problem(number, column, message))

    for column, value in values.items():
        if "\x00" in value:
            report(
                column,
                _(
                    "This cell contains a NUL character (U+0000). Save the file again as "
                    "“CSV UTF-8” or .xlsx."
                ),
            )
    for column in REQUIRED_COLUMNS:
        if not values.get(column):
            report(column, _("This cell must not be empty."))
    organisation = None
    if values.get("organisation"):
        organisation, message = find_organisation(values["organisation"])
        if message:
            report("organisation", message)
    language = values.get("language", "")
    person = Person(
        **{
            person_field: values.get(column, "")
            for column, person_field in COLUMNS.items()
            if person_field not in ("organisation", "preferred_language", "email")
        },
        organisation=organisation,
        preferred_language=supported_language(language) or language,
        email=values.get("email", "").lower(),
    )
    try:
        person.full_clean(exclude=["user", "organisation"])
    except ValidationError as error:
        for person_field, messages in error.message_dict.items():
            report(_COLUMN_OF_FIELD.get(person_field, person_field), messages[0])
    answers = {}
    for n, question in enumerate(questions, start=1):
        column, answer = _question_column(n), values.get(_question_column(n), "")
        if question.required and not answer:
            report(column, _("This question must be answered."))
        elif len(answer) > MAX_ANSWER_LENGTH:
            report(
                column,
                _("Keep the answer under %(count)s characters.") % {"count": MAX_ANSWER_LENGTH},
            )
        elif answer:
            answers[str(question.pk)] = answer
    return list(problems.values()), _Row(number, person, answers)
