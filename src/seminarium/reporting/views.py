"""Reports and exports: the organisers' pages, the coordinators' country exports, and
the public and personal feeds.

Permissions: the funder's report and the press drafts are for the programme's
organisers (console access, else 403; another programme answers 404). Table exports
are for organisers (whole programme) and the programme's country coordinators (their
delegation only); anyone else gets 404. Public exports need a programme the viewer may
see (published, or theirs to manage); only published programmes' exports carry
`Access-Control-Allow-Origin: *`. The personal calendar is reached by its secret
token alone and is never shared across origins.

Every export has an ETag and answers 304 to a matching If-None-Match.
"""

import json
from collections.abc import Callable

import weasyprint
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from seminarium.conferencing.services import participation_for_token, personal_link_url
from seminarium.core import charts, locales
from seminarium.core.console import console_view
from seminarium.core.exports import (
    conditional_download,
    content_etag,
    csv_response,
    xlsx_response,
)
from seminarium.programmes import calendar
from seminarium.programmes.console import managed_programme
from seminarium.programmes.models import Programme, Session
from seminarium.programmes.rules import coordinator_scopes

from . import frab, press, services

PROGRAMME_PAGE = "programmes/console/programme_page.html"
COORDINATOR_PAGE = "reporting/coordinator_page.html"
TABLES: dict[str, Callable[[Programme, str | None, str], services.Table]] = {
    "participants": services.participants_table,
    "attendance": services.attendance_table,
    "evaluation": services.evaluation_table,
}
TABLE_FORMATS = ("csv", "xlsx")
JSON_TYPE = "application/json"
XML_TYPE = "application/xml; charset=utf-8"
PDF_TYPE = "application/pdf"


def _download(
    body: bytes, content_type: str, filename: str, *, inline: bool = True
) -> Callable[[], HttpResponse]:
    def build() -> HttpResponse:
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(not inline, filename)
        return response

    return build


# Scope ---------------------------------------------------------------------------------


def _export_scope(request: HttpRequest, programme_id: int) -> tuple[Programme, str | None]:
    """The programme and the country the user's exports cover (None: all countries).
    Signed-in users with no role in it get 404."""
    programme = get_object_or_404(Programme.objects.select_related("host"), pk=programme_id)
    if request.user.has_perm("programmes.change_programme", programme):
        return programme, None
    country = coordinator_scopes(request.user).get(programme.pk)
    if country is None:
        raise Http404
    return programme, country


def _visible_programme(request: HttpRequest, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not request.user.has_perm("programmes.view_programme", programme):
        raise Http404
    return programme


# The exports page ----------------------------------------------------------------------


@login_required
def exports(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme, country = _export_scope(request, programme_id)
    organiser = country is None
    sessions = list(programme.sessions.order_by("start", "id"))
    return render(
        request,
        "reporting/exports.html",
        {
            "programme": programme,
            "country": country,
            "organiser": organiser,
            "base_template": PROGRAMME_PAGE if organiser else COORDINATOR_PAGE,
            "tables": [
                ("participants", _("Participants")),
                ("attendance", _("Attendance")),
                ("evaluation", _("Evaluation results")),
            ],
            "formats": TABLE_FORMATS,
            "sessions": sessions,
            "zone": request.viewer.zone_or(programme.zone),
        },
    )


@login_required
def table_export(
    request: HttpRequest, programme_id: int, table: str, file_format: str
) -> HttpResponse:
    programme, country = _export_scope(request, programme_id)
    if table not in TABLES or file_format not in TABLE_FORMATS:
        raise Http404
    language = get_language()
    header, rows = TABLES[table](programme, country, language)
    filename = f"{table}-{programme.slug}{'-' + country.lower() if country else ''}.{file_format}"
    # The tag covers the data, not the file's bytes: XLSX files carry their creation time.
    etag = content_etag(json.dumps([file_format, header, rows], default=str).encode())

    def build() -> HttpResponse:
        if file_format == "csv":
            return csv_response(filename, header, rows)
        return xlsx_response(filename, header, rows, sheet_title=table)

    return conditional_download(request, etag, build, public=False)


# Public and personal feeds ---------------------------------------------------------------


def frab_xml(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _visible_programme(request, slug)
    body = frab.to_xml(frab.schedule(programme, get_language()))
    return conditional_download(
        request,
        content_etag(body),
        _download(body, XML_TYPE, f"{programme.slug}-schedule.xml"),
        public=programme.is_published,
    )


def frab_json(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _visible_programme(request, slug)
    body = json.dumps(frab.schedule(programme, get_language()), ensure_ascii=False).encode()
    return conditional_download(
        request,
        content_etag(body),
        _download(body, JSON_TYPE, f"{programme.slug}-schedule.json"),
        public=programme.is_published,
    )


def session_calendar(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    programme = _visible_programme(request, slug)
    session = get_object_or_404(Session, pk=session_id, programme=programme)
    return calendar.ical_response(
        request,
        programme,
        [session],
        get_language(),
        filename=f"{programme.slug}-session-{session.pk}",
    )


def personal_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The programme's sessions for one participant, each linking to their own join
    page (never to a video provider). The token is the personal join link's."""
    participation = participation_for_token(token)
    if participation is None:
        raise Http404
    programme = participation.programme
    join_page = settings.SITE_URL + personal_link_url(participation)
    response = calendar.ical_response(
        request,
        programme,
        list(programme.sessions.order_by("start", "id")),
        participation.person.preferred_language,
        public=False,
        event_url=lambda _session: join_page,
        filename=f"{programme.slug}-personal",
    )
    # The address is a secret: no shared cache may keep the feed.
    response["Cache-Control"] = "private, no-cache"
    return response


# The press-release drafts ------------------------------------------------------------------


@console_view
def press_release(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    language = get_language()
    drafts = [
        (release, locales.language_name(release.language, language))
        for release in press.draft_releases(programme)
    ]
    return render(
        request,
        "reporting/press_release.html",
        {"programme": programme, "drafts": drafts},
    )


@console_view
def press_release_text(request: HttpRequest, programme_id: int, language: str) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    if language not in press.RELEASE_LANGUAGES:
        raise Http404
    body = press.draft_release(programme, language).text.encode()
    return conditional_download(
        request,
        content_etag(body),
        _download(
            body,
            "text/plain; charset=utf-8",
            f"press-release-{programme.slug}-{language}.txt",
            inline=False,
        ),
        public=False,
    )


# The funder's report ---------------------------------------------------------------------


def _chart(bars: list[tuple[str, float]], label: str, **options) -> str:
    """A bar chart, or nothing when there is nothing to chart."""
    return charts.bar_chart(bars, label=label, **options) if bars else ""


def _report_context(report: services.FunderReport) -> dict:
    language = report.language

    def percent(value: float | None) -> str:
        return services.percent(value, language)

    def rating(value: float | None) -> str:
        return services.rating(value, language)

    attendance_by_session = [
        (line.title, line.attendance_rate)
        for line in report.sessions
        if line.attendance_rate is not None
    ]
    attendance_by_country = [
        (line.name, line.attendance_rate)
        for line in report.countries
        if line.attendance_rate is not None
    ]
    rating_by_session = [
        (line.title, line.rating) for line in report.sessions if line.rating is not None
    ]
    return {
        "programme": report.programme,
        "report": report,
        "countries": [
            (line, percent(line.attendance_rate), rating(line.rating)) for line in report.countries
        ],
        "sessions": [
            (line, percent(line.attendance_rate), rating(line.rating)) for line in report.sessions
        ],
        "overall_attendance": percent(report.overall_attendance),
        "overall_rating": rating(report.evaluation.overall),
        "quiz_average": percent(
            None if report.evaluation.quiz_average is None else report.evaluation.quiz_average / 100
        ),
        "participants_chart": _chart(
            [(line.name, line.participants) for line in report.countries],
            _("Participants by country"),
        ),
        "session_attendance_chart": _chart(
            attendance_by_session,
            _("Attendance by session"),
            maximum=1.0,
            value_labels=[percent(value) for _title, value in attendance_by_session],
        ),
        "country_attendance_chart": _chart(
            attendance_by_country,
            _("Attendance by country"),
            maximum=1.0,
            value_labels=[percent(value) for _name, value in attendance_by_country],
        ),
        "rating_chart": _chart(
            rating_by_session,
            _("Average rating by session (1–5)"),
            maximum=5.0,
            value_labels=[rating(value) for _title, value in rating_by_session],
        ),
    }


@console_view
def funder_report(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    report = services.funder_report(programme, get_language())
    return render(request, "reporting/funder_report.html", _report_context(report))


@console_view
def funder_report_download(
    request: HttpRequest, programme_id: int, file_format: str
) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    if file_format not in ("pdf", "xlsx"):
        raise Http404
    report = services.funder_report(programme, get_language())
    header, rows = services.report_table(report)
    filename = f"funder-report-{programme.slug}.{file_format}"

    def build() -> HttpResponse:
        if file_format == "xlsx":
            return xlsx_response(filename, header, rows, sheet_title=_("Funder’s report"))
        html = render_to_string("reporting/funder_report_pdf.html", _report_context(report))
        # WeasyPrint embeds the subset of each font it uses (Noto CJK, DejaVu).
        pdf = weasyprint.HTML(string=html).write_pdf()
        return _download(pdf, PDF_TYPE, filename, inline=False)()

    # Tagged by the figures, since PDF and XLSX files carry their creation time.
    etag = content_etag(json.dumps([file_format, header, rows], default=str).encode())
    return conditional_download(request, etag, build, public=False)
