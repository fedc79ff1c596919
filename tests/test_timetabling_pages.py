"""The timetable pages: organisers of the programme only, and the workflow through them."""

from datetime import UTC, date, datetime, time

import pytest
from django.urls import reverse

from seminarium.core.models import AuditEvent
from seminarium.programmes.models import ProgrammeRole, Session
from seminarium.timetabling import services
from seminarium.timetabling.models import (
    OrderingRule,
    SessionPin,
    TimetableProposal,
    TimetableSettings,
)
from tests import factories
from tests.conftest import client_for

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class World:
    """Programme A (two days, two lectures at 09:00 Shanghai, one Russian judge in Moscow)
    with a finished proposal; programme B with its own; a user in every role."""

    def __init__(self):
        self.a = factories.ProgrammeFactory(end_date=date(2021, 4, 16))
        self.b = factories.ProgrammeFactory()
        services.save_input(
            None, TimetableSettings(programme=self.a, day_start=time(8), day_end=time(20))
        )
        factories.ParticipationFactory(
            programme=self.a,
            country=factories.CountryFactory(code="RU"),
            person=factories.PersonFactory(home_timezone="Europe/Moscow"),
        )
        self.sessions = [
            factories.SessionFactory(
                programme=self.a, start=datetime(2021, 4, day, 1, 0, tzinfo=UTC)
            )
            for day in (15, 16)
        ]
        self.other_session = factories.SessionFactory(programme=self.b)
        self.proposal = services.run_proposal(
            TimetableProposal.objects.create(programme=self.a, time_limit_s=5)
        )
        self.other_proposal = TimetableProposal.objects.create(programme=self.b, time_limit_s=5)
        self.organiser = factories.ProgrammeRoleFactory(programme=self.a).user
        self.other_organiser = factories.ProgrammeRoleFactory(programme=self.b).user
        self.coordinator = factories.ProgrammeRoleFactory(
            programme=self.a,
            role=ProgrammeRole.Role.COORDINATOR,
            country=factories.CountryFactory(code="KZ"),
        ).user
        judge = factories.ParticipationFactory(programme=self.a)
        judge.person.user = factories.UserFactory()
        judge.person.save()
        self.participant = judge.person.user
        self.admin = factories.UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def world(db, settings):
    settings.TASKS = IMMEDIATE
    return World()


def _pages(w):
    a, p = w.a.pk, w.proposal.pk
    return [
        ("get", reverse("timetabling:timetable", args=[a]), {}),
        ("get", reverse("timetabling:status", args=[a, p]), {}),
        ("get", reverse("timetabling:inputs", args=[a]), {}),
        ("get", reverse("timetabling:settings", args=[a]), {}),
        ("get", reverse("timetabling:input_add", args=[a, "rules"]), {}),
        ("post", reverse("timetabling:propose", args=[a]), {"time_limit": "3"}),
        (
            "post",
            reverse("timetabling:decide", args=[a, p]),
            {"action": "accept_all"},
        ),
        ("post", reverse("timetabling:unpin", args=[a, w.sessions[0].pk]), {}),
    ]


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", {302}),
        ("participant", {403}),
        ("coordinator", {403}),
        ("other_organiser", {404}),
        ("organiser", {200, 302}),
        ("admin", {200, 302}),
    ],
)
def test_permission_matrix(world, actor, expected):
    client = client_for(getattr(world, actor, None))
    before = list(Session.objects.order_by("pk").values_list("start", flat=True))
    for method, url, data in _pages(world):
        if actor not in ("organiser", "admin") and method == "post":
            proposals = TimetableProposal.objects.count()
        response = getattr(client, method)(url, data)
        assert response.status_code in expected, (url, response.status_code)
        if actor not in ("organiser", "admin") and method == "post":
            assert TimetableProposal.objects.count() == proposals
    if actor not in ("organiser", "admin"):
        assert list(Session.objects.order_by("pk").values_list("start", flat=True)) == before


def test_organiser_cannot_reach_another_programmes_proposal(world):
    client = client_for(world.organiser)
    a, other = world.a.pk, world.other_proposal.pk
    assert client.get(reverse("timetabling:status", args=[a, other])).status_code == 404
    response = client.post(reverse("timetabling:decide", args=[a, other]), {"action": "accept_all"})
    assert response.status_code == 404
    response = client.post(reverse("timetabling:unpin", args=[a, world.other_session.pk]))
    assert response.status_code == 404
    assert (
        client.get(f"{reverse('timetabling:timetable', args=[a])}?proposal={other}").status_code
        == 404
    )


def test_organiser_cannot_choose_another_programmes_sessions(world):
    client = client_for(world.organiser)
    url = reverse("timetabling:decide", args=[world.a.pk, world.proposal.pk])
    start = world.other_session.start
    client.post(url, {"action": "accept_selected", "sessions": [world.other_session.pk]})
    world.other_session.refresh_from_db()
    assert world.other_session.start == start
    response = client.post(
        reverse("timetabling:input_add", args=[world.a.pk, "rules"]),
        {"session": world.other_session.pk, "kind": "first", "min_gap_minutes": 0},
    )
    assert response.status_code == 200
    assert not OrderingRule.objects.exists()


def test_timetable_page_shows_warnings_diff_and_figures(world):
    client = client_for(world.organiser)
    response = client.get(reverse("timetabling:timetable", args=[world.a.pk]))
    body = response.content.decode()
    assert world.proposal.status == TimetableProposal.Status.DONE
    # 09:00 Shanghai is 04:00 in Moscow.
    assert "outside the acceptable hours" in body
    assert "The proposal beside the current timetable" in body
    assert 'name="sessions"' in body
    assert "Russia (Moscow)" in body
    assert "Minutes outside comfortable hours" in body


def test_accept_some_through_the_page(world):
    client = client_for(world.organiser)
    first, second = world.sessions
    url = reverse("timetabling:decide", args=[world.a.pk, world.proposal.pk])
    response = client.post(url, {"action": "accept_selected", "sessions": [first.pk]})
    assert response.status_code == 302
    first.refresh_from_db()
    second_start = second.start
    second.refresh_from_db()
    assert first.start.isoformat() == world.proposal.result["starts"][str(first.pk)]
    assert second.start == second_start
    assert AuditEvent.objects.filter(action="accept", actor=world.organiser).exists()


def test_pin_and_resolve_through_the_page(world, django_capture_on_commit_callbacks):
    client = client_for(world.organiser)
    first = world.sessions[0]
    url = reverse("timetabling:decide", args=[world.a.pk, world.proposal.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "pin_resolve", "sessions": [first.pk]})
    assert response.status_code == 302
    newest = TimetableProposal.objects.filter(programme=world.a).first()
    assert newest != world.proposal
    assert newest.status == TimetableProposal.Status.DONE
    assert (
        SessionPin.objects.get(session=first).start.isoformat()
        == (world.proposal.result["starts"][str(first.pk)])
    )
    assert newest.result["starts"][str(first.pk)] == world.proposal.result["starts"][str(first.pk)]
    page = client.get(reverse("timetabling:timetable", args=[world.a.pk])).content.decode()
    assert "Recent proposals" in page
    assert f"?proposal={world.proposal.pk}" in page
    assert "Unpin" in page


def test_running_proposal_is_polled_and_redirects_when_done(world):
    client = client_for(world.organiser)
    running = TimetableProposal.objects.create(
        programme=world.a,
        time_limit_s=5,
        status="running",
        progress=0.5,
        phrase="level 2 of 4: total discomfort",
    )
    url = reverse("timetabling:status", args=[world.a.pk, running.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert "Step 2 of 4: total discomfort" in body
    assert "HX-Redirect" not in response
    running.status = "done"
    running.save()
    response = client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Redirect"].endswith(f"?proposal={running.pk}")


def test_infeasible_proposal_shows_its_explanation(world):
    client = client_for(world.organiser)
    infeasible = TimetableProposal.objects.create(
        programme=world.a,
        time_limit_s=5,
        status="infeasible",
        result={"kind": "conflict"},
        explanation=[
            {
                "text": "Unknown ordering rule “x”.",
                "code": "unknown_ordering",
                "params": {"rule": "x"},
            }
        ],
    )
    response = client.get(
        f"{reverse('timetabling:timetable', args=[world.a.pk])}?proposal={infeasible.pk}"
    )
    body = response.content.decode()
    assert "No timetable satisfies all of these constraints together." in body
    assert "Unknown ordering rule “x”." in body


def test_bad_time_limit_is_refused_with_a_message(world):
    client = client_for(world.organiser)
    response = client.post(
        reverse("timetabling:propose", args=[world.a.pk]), {"time_limit": "0"}, follow=True
    )
    assert TimetableProposal.objects.filter(programme=world.a).count() == 1
    assert "greater than or equal to 1" in response.content.decode()


def test_inputs_pages(world):
    client = client_for(world.organiser)
    first, second = world.sessions
    response = client.post(
        reverse("timetabling:input_add", args=[world.a.pk, "rules"]),
        {"session": second.pk, "kind": "after", "other": first.pk, "min_gap_minutes": 15},
    )
    assert response.status_code == 302
    rule = OrderingRule.objects.get()
    assert (rule.session, rule.other, rule.kind) == (second, first, "after")
    response = client.post(
        reverse("timetabling:input_add", args=[world.a.pk, "audiences"]),
        {"session": first.pk, "countries": ["RU"]},
    )
    assert response.status_code == 302
    assert first.timetable_audience.countries == ["RU"]
    # Only delegations taking part can be chosen.
    response = client.post(
        reverse("timetabling:input_add", args=[world.a.pk, "audiences"]),
        {"session": second.pk, "countries": ["CN"]},
    )
    assert response.status_code == 200 and not hasattr(second, "timetable_audience")
    response = client.post(
        reverse("timetabling:input_add", args=[world.a.pk, "zones"]),
        {"country": "RU", "timezone": "Asia/Vladivostok"},
    )
    assert response.status_code == 302
    groups = [g.id for g in services.audience_groups(world.a)]
    assert "RU@Asia/Vladivostok" in groups
    assert "RU@Europe/Moscow" not in groups
    response = client.post(
        reverse("timetabling:settings", args=[world.a.pk]),
        {
            "day_start": "10:00",
            "day_end": "19:00",
            "acceptable_start": "07:00",
            "acceptable_end": "22:00",
            "comfortable_start": "09:00",
            "comfortable_end": "18:00",
            "slot_minutes": "30",
        },
    )
    assert response.status_code == 302
    assert services.timetable_settings(world.a).slot_minutes == 30
    response = client.post(
        reverse("timetabling:input_add", args=[world.a.pk, "breaks"]),
        {"start": "15:00", "end": "14:00"},
    )
    assert response.status_code == 200  # the end before the start is refused on the form
    response = client.post(
        reverse("timetabling:input_add", args=[world.a.pk, "breaks"]),
        {"start": "12:00", "end": "13:00"},
    )
    assert response.status_code == 302
    assert services.build_problem(world.a).days[0].breaks == ((time(12), time(13)),)
    page = client.get(reverse("timetabling:inputs", args=[world.a.pk])).content.decode()
    assert "Asia/Vladivostok" in page
    response = client.post(reverse("timetabling:input_delete", args=[world.a.pk, "rules", rule.pk]))
    assert response.status_code == 302
    assert not OrderingRule.objects.exists()
    assert AuditEvent.objects.filter(
        action="delete", object_type="timetabling.orderingrule"
    ).exists()


def test_console_session_and_overview_pages_show_the_warnings(world):
    first = world.sessions[0]
    client = client_for(world.organiser)
    page = client.get(reverse("console:session_roles", args=[world.a.pk, first.pk]))
    html = page.content.decode()
    assert "outside the acceptable hours" in html
    # Both delegations (in Moscow) are outside their hours; the other session is left out.
    mine = [w for w in services.check_timetable(world.a) if first.pk in w.session_ids]
    assert html.count("<li>") >= len(mine) == 2
    overview = client.get(reverse("console:programme", args=[world.a.pk])).content.decode()
    assert "The timetable breaks these constraints" in overview
    other = client_for(world.other_organiser).get(
        reverse("console:session_roles", args=[world.b.pk, world.other_session.pk])
    )
    assert "The timetable breaks these constraints" not in other.content.decode()
