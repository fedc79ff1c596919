"""An organiser proposes a timetable, reviews the diff, pins one session, solves again and
accepts."""

from datetime import UTC, date, datetime, time

from seminarium.core.signin import sign_in_url
from seminarium.programmes.models import Session
from seminarium.timetabling import services
from seminarium.timetabling.models import SessionPin, TimetableProposal, TimetableSettings
from tests import factories

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_propose_review_pin_resolve_accept(page, live_server, transactional_db, settings):
    # The solver runs inside the request once it commits, so each page shows a finished run.
    settings.TASKS = IMMEDIATE
    page.set_default_timeout(60_000)
    programme = factories.ProgrammeFactory(end_date=date(2021, 4, 16))
    TimetableSettings.objects.create(programme=programme, day_start=time(8), day_end=time(20))
    factories.ParticipationFactory(
        programme=programme,
        country=factories.CountryFactory(code="RU"),
        person=factories.PersonFactory(home_timezone="Europe/Moscow"),
    )
    # 09:00 Shanghai is 04:00 in Moscow: outside acceptable hours, so every session moves.
    sessions = [
        factories.SessionFactory(
            programme=programme,
            start=datetime(2021, 4, day, hour, 0, tzinfo=UTC),
            title={"en": f"Lecture {n}", "ru": f"Лекция {n}", "zh-hans": f"讲座{n}"},
        )
        for n, (day, hour) in enumerate(((15, 1), (15, 3), (16, 1)), start=1)
    ]
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    url = f"/console/programmes/{programme.pk}/timetable/"

    page.goto(sign_in_url(organiser, url, base_url=live_server.url))
    warnings = page.locator(".timetable-warnings")
    assert "outside the acceptable hours" in warnings.inner_text()

    page.get_by_label("Time limit (seconds)").fill("5")
    page.get_by_role("button", name="Propose timetable").click()
    page.get_by_role("heading", name="The proposal beside the current timetable").wait_for()
    assert "3 sessions move." in page.locator("main").inner_text()
    assert page.locator("tr.moved").count() == 3
    first = TimetableProposal.objects.get()
    proposed = first.result["starts"][str(sessions[0].pk)]

    page.get_by_label("Choose “Lecture 1”").check()
    page.get_by_role("button", name="Pin the chosen sessions and solve again").click()
    page.get_by_text("The sessions are pinned; the solver is working again.").wait_for()
    page.get_by_role("heading", name="The proposal beside the current timetable").wait_for()
    assert page.get_by_role("button", name="Unpin Lecture 1").is_visible()
    second = TimetableProposal.objects.first()
    assert second != first
    assert second.result["starts"][str(sessions[0].pk)] == proposed

    page.get_by_role("button", name="Accept all").click()
    page.get_by_text("3 sessions moved to their proposed starts.").wait_for()
    assert not page.locator(".timetable-warnings").count()
    for session in sessions:
        session.refresh_from_db()
        assert session.start.isoformat() == second.result["starts"][str(session.pk)]
    assert SessionPin.objects.get().session == sessions[0]
    problem = services.build_problem(programme)
    assert services.check_timetable(programme) == []
    assert len(problem.sessions) == Session.objects.filter(programme=programme).count()
