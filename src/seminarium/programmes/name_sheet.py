"""The name-check sheet: every participant's name forms side by side, for organisers
to check before certificates and ceremonies. As a page, PDF, CSV and XLSX.

Permission follows the console: signed in with console access (else 403), and an
organiser of this programme or a site admin (else 404).
"""

from dataclasses import dataclass
from datetime import datetime

import weasyprint
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from seminarium.core import locales
from seminarium.core.console import console_view
from seminarium.core.exports import csv_response, xlsx_response

from .console import managed_programme
from .models import Participation, Programme

PAGE = "programmes/console/name_sheet.html"
PDF_PAGE = "programmes/console/name_sheet_pdf.html"


@dataclass(frozen=True)
class NameRow:
    delegation: str
    native: str
    latin: str
    chinese: str
    russian: str
    names_confirmed_at: datetime | None
    status: str


def name_rows(programme: Programme, language: str) -> list[NameRow]:
    """Everyone invited or confirmed, by delegation then family name."""
    participations = (
        programme.participations.filter(
            status__in=[Participation.Status.INVITED, Participation.Status.CONFIRMED]
        )
        .select_related("person")
        .order_by("country_id", "person__family_name", "person__given_name", "id")
    )
    return [
        NameRow(
            delegation=locales.country_name(p.country_id, language),
            native=p.person.native_name,
            latin=p.person.latin_name,
            chinese=p.person.chinese_name,
            russian=p.person.russian_name,
            names_confirmed_at=p.person.names_confirmed_at,
            status=p.get_status_display(),
        )
        for p in participations
    ]


def _header() -> list[str]:
    return [
        _("Delegation"),
        _("Native script"),
        _("Latin (passport)"),
        _("Chinese"),
        _("Russian"),
        _("Names confirmed"),
        _("Status"),
    ]


def _confirmed_label(row: NameRow, programme: Programme, language: str) -> str:
    if row.names_confirmed_at is None:
        return _("Not yet")
    return locales.long_date(row.names_confirmed_at.astimezone(programme.zone).date(), language)


def _context(programme: Programme, language: str) -> dict:
    return {
        "programme": programme,
        "header": _header(),
        "rows": [
            (row, _confirmed_label(row, programme, language))
            for row in name_rows(programme, language)
        ],
    }


@console_view
def sheet(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    return render(request, PAGE, _context(programme, get_language()))


@console_view
def download(request: HttpRequest, programme_id: int, file_format: str) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    if file_format not in ("pdf", "csv", "xlsx"):
        raise Http404
    context = _context(programme, get_language())
    filename = f"names-{programme.slug}.{file_format}"
    if file_format == "pdf":
        # WeasyPrint embeds the subset of each font it uses (Noto CJK, DejaVu).
        pdf = weasyprint.HTML(string=render_to_string(PDF_PAGE, context)).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    table = [
        [row.delegation, row.native, row.latin, row.chinese, row.russian, confirmed, row.status]
        for row, confirmed in context["rows"]
    ]
    if file_format == "csv":
        return csv_response(filename, context["header"], table)
    return xlsx_response(filename, context["header"], table, sheet_title=_("Names"))
