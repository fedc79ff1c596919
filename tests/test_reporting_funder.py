"""The funder's report: participants by country, nominations versus places, attendance,
evaluation, certificates and suggestions, as a page with SVG charts, PDF and XLSX."""

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest

from seminarium.attendance.services import IncomingEvent, record_events
from seminarium.evaluation.services import AnswerInput, save_answers
from seminarium.nominations.models import Call, Nomination, Quota
from seminarium.programmes.demo import DEMO_SLUG, load_demo
from seminarium.programmes.models import Programme, ProgrammeRole
from seminarium.reporting import services
from tests import factories
from tests.conftest import client_for
from tests.pdf import pdf_text

ANSWERED = datetime(2021, 4, 21, 12, 0, tzinfo=UTC)


@pytest.fixture
def setup(db):
    funder = factories.OrganisationFactory(
        name={"en": "Ministry of Commerce", "ru": "Министерство коммерции"}
    )
    programme = factories.ProgrammeFactory(funder=funder, funding_reference="MOFCOM-2021-042")
    session = factories.SessionFactory(programme=programme)
    kz = factories.CountryFactory(code="KZ")
    ru = factories.CountryFactory(code="RU")
    kz_judges = [factories.ParticipationFactory(programme=programme, country=kz) for _ in range(2)]
    ru_judge = factories.ParticipationFactory(programme=programme, country=ru)
    call = Call.objects.create(programme=programme, deadline=ANSWERED)
    Quota.objects.create(call=call, country=kz, places=3)
    Quota.objects.create(call=call, country=ru, places=2)
    for judge in kz_judges:
        Nomination.objects.create(
            call=call, country=kz, person=judge.person, email=judge.person.email, status="approved"
        )
    # One Kazakh judge attends the whole session; nobody else comes.
    record_events(
        [
            IncomingEvent(
                session.pk, "jitsi", "join", session.start, kz_judges[0].pk, provider_event_id="1"
            ),
            IncomingEvent(
                session.pk, "jitsi", "leave", session.end, kz_judges[0].pk, provider_event_id="2"
            ),
        ]
    )
    survey = factories.SurveyFactory(programme=programme, kind="programme_end")
    scale = factories.QuestionFactory(survey=survey, kind="scale")
    text = factories.QuestionFactory(survey=survey, kind="text", text={"en": "Suggestions?"})
    for judge, rating, suggestion in ((kz_judges[0], 4, "More case studies"), (ru_judge, 5, "")):
        save_answers(
            None,
            survey,
            judge,
            None,
            {scale.pk: AnswerInput(rating=rating), text.pk: AnswerInput(text=suggestion)},
            submit=True,
            now=ANSWERED,
        )
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    return Programme.objects.get(pk=programme.pk), organiser


def test_the_report_figures(setup):
    programme, _organiser = setup
    report = services.funder_report(programme, "en")
    assert report.funder == "Ministry of Commerce" and report.reference == "MOFCOM-2021-042"
    assert report.participants == 3
    assert report.gender_collected is False
    kz, ru = report.countries
    assert (kz.name, kz.participants, kz.places, kz.nominated, kz.approved) == (
        "Kazakhstan",
        2,
        3,
        2,
        2,
    )
    assert (ru.participants, ru.places, ru.nominated) == (1, 2, 0)
    assert kz.attendance_rate == pytest.approx(0.5)
    assert ru.attendance_rate == pytest.approx(0.0)
    assert report.sessions[0].attendance_rate == pytest.approx(1 / 3)
    assert report.overall_attendance == pytest.approx(1 / 3)
    assert report.eligible == 1
    assert (kz.rating, ru.rating) == (4, 5)
    assert report.evaluation.overall == pytest.approx(4.5)
    assert report.suggestions == ["More case studies"]
    assert report.certificates == 0


def test_the_report_page_has_charts_and_says_gender_is_not_collected(setup):
    programme, organiser = setup
    response = client_for(organiser).get(f"/console/programmes/{programme.pk}/reports/funder/")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') >= 3
    for fact in (
        "Ministry of Commerce",
        "MOFCOM-2021-042",
        "Gender: not collected",
        "More case studies",
        "Kazakhstan",
    ):
        assert fact in text


def test_the_report_in_russian_uses_russian_numbers_and_names(setup):
    programme, organiser = setup
    response = client_for(organiser).get(
        f"/console/programmes/{programme.pk}/reports/funder/", HTTP_ACCEPT_LANGUAGE="ru"
    )
    text = response.content.decode()
    assert "Казахстан" in text and "Министерство коммерции" in text
    assert "4,5" in text  # the overall rating, with a Russian decimal comma


def test_the_report_as_pdf_and_xlsx(setup):
    programme, organiser = setup
    client = client_for(organiser)
    pdf = client.get(f"/console/programmes/{programme.pk}/reports/funder/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert (
        "MOFCOM-2021-042" in text and "Ministry of Commerce" in text and "More case studies" in text
    )
    response = client.get(f"/console/programmes/{programme.pk}/reports/funder/report.xlsx")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert any(row[:3] == ("Programme", "Project reference", "MOFCOM-2021-042") for row in rows)
    assert any(
        row[:3] == ("Nominations versus places", "Kazakhstan", 2) and row[3] == 3 for row in rows
    )
    etag = response["ETag"]
    again = client.get(
        f"/console/programmes/{programme.pk}/reports/funder/report.xlsx", HTTP_IF_NONE_MATCH=etag
    )
    assert again.status_code == 304


def test_the_demo_report_in_chinese_as_pdf(db):
    load_demo()
    programme = Programme.objects.get(slug=DEMO_SLUG)
    organiser = ProgrammeRole.objects.get(programme=programme, role="organiser").user
    response = client_for(organiser).get(
        f"/console/programmes/{programme.pk}/reports/funder/report.pdf",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    text = pdf_text(response.content)
    assert "商务部国际商务官员研修学院" in text
    assert "哈萨克斯坦" in text


def test_a_report_without_any_data_says_so(db):
    programme = Programme.objects.get(pk=factories.ProgrammeFactory().pk)
    report = services.funder_report(programme, "en")
    assert report.participants == 0 and report.countries == [] and not report.has_call
    assert report.overall_attendance is None
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    text = (
        client_for(organiser)
        .get(f"/console/programmes/{programme.pk}/reports/funder/")
        .content.decode()
    )
    assert "There was no call for nominations" in text
    assert "None given." in text


def test_evaluation_export_for_a_coordinator_counts_only_their_delegation(setup):
    programme, _organiser = setup
    coordinator = factories.ProgrammeRoleFactory(
        programme=programme,
        role=ProgrammeRole.Role.COORDINATOR,
        country=factories.CountryFactory(code="RU"),
    ).user
    rows = (
        client_for(coordinator)
        .get(f"/console/programmes/{programme.pk}/reports/evaluation.csv")
        .content.decode("utf-8-sig")
    )
    assert "Russia" in rows and "Kazakhstan" not in rows
    assert "More case studies" not in rows


def test_sessions_after_the_attended_one_count_as_unattended(setup):
    programme, _organiser = setup
    first = programme.sessions.get()
    factories.SessionFactory(programme=programme, start=first.end + timedelta(minutes=15))
    report = services.funder_report(programme, "en")
    assert [line.attendance_rate for line in report.sessions] == [pytest.approx(1 / 3), 0.0]
