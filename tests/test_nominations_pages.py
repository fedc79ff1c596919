"""Nomination pages: who may see and do what, scoped by programme and country."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from seminarium.core.models import AuditEvent
from seminarium.nominations import services
from seminarium.nominations.models import Call, ExtraField, Nomination, Quota
from seminarium.programmes.models import ProgrammeRole
from tests import factories
from tests.conftest import client_for

ACTORS = [
    "anonymous",
    "participant",
    "kz_coordinator",
    "ru_coordinator",
    "organiser",
    "other_organiser",
    "admin",
]


def _coordinator(programme, code):
    return factories.ProgrammeRoleFactory(
        programme=programme,
        role=ProgrammeRole.Role.COORDINATOR,
        country=factories.CountryFactory(code=code),
    ).user


def _nominee(n: int, **fields):
    return factories.PersonFactory.build(email=f"judge{n}@example.org", organisation=None, **fields)


class World:
    """Programme A with an open call and one nominee from each of KZ and RU; programme B
    with its own call and nominee; and a user in every role."""

    def __init__(self):
        self.a = factories.ProgrammeFactory(slug="a")
        self.b = factories.ProgrammeFactory(slug="b")
        deadline = datetime.now(UTC) + timedelta(days=7)
        self.call_a = services.open_call(None, self.a, deadline=deadline, quotas={"KZ": 3, "RU": 2})
        self.call_b = services.open_call(None, self.b, deadline=deadline, quotas={"KZ": 3})
        self.kz = services.nominate(None, self.call_a, "KZ", _nominee(1, family_name="Казахов"))
        self.ru = services.nominate(None, self.call_a, "RU", _nominee(2, family_name="Русаков"))
        self.in_b = services.nominate(None, self.call_b, "KZ", _nominee(3, family_name="Бэшкин"))
        self.kz_coordinator = _coordinator(self.a, "KZ")
        self.ru_coordinator = _coordinator(self.a, "RU")
        self.organiser = factories.ProgrammeRoleFactory(programme=self.a).user
        self.other_organiser = factories.ProgrammeRoleFactory(programme=self.b).user
        self.admin = factories.UserFactory(is_superuser=True, is_staff=True)
        self.participant = factories.UserFactory()
        factories.ParticipationFactory(
            programme=self.a, person=factories.PersonFactory(user=self.participant)
        )
        self.anonymous = None

    def client(self, actor: str):
        return client_for(getattr(self, actor))


@pytest.fixture
def world(db):
    return World()


def _expect(response, expected):
    if expected == "login":
        return response.status_code == 302 and response.url.startswith(reverse("login"))
    if expected == "decisions":
        return response.status_code == 302 and "/nominations/" in response.url
    return response.status_code == expected


SIGN_IN = "login"

# page -> expected answer per actor, in ACTORS order.
COORDINATOR_PAGES = {
    "coordinate": [SIGN_IN, 403, 200, 200, "decisions", 404, "decisions"],
    "import": [SIGN_IN, 403, 200, 200, 404, 404, 404],
    "import_template": [SIGN_IN, 403, 200, 200, 404, 404, 404],
}
# A KZ nomination in A, through A's address.
KZ_NOMINATION_PAGES = {
    "withdraw": [SIGN_IN, 403, 200, 404, 404, 404, 404],
    "substitute": [SIGN_IN, 403, 200, 404, 404, 404, 404],
}
ORGANISER_PAGES = ["call", "decisions", "quotas"]
ORGANISER_EXPECTED = [SIGN_IN, 403, 403, 403, 200, 404, 200]


@pytest.mark.parametrize(("name", "expected"), list(COORDINATOR_PAGES.items()))
def test_coordinator_pages_by_role(world, name, expected):
    url = reverse(f"nominations:{name}", args=["a"])
    for actor, answer in zip(ACTORS, expected, strict=True):
        assert _expect(world.client(actor).get(url), answer), (actor, url)


@pytest.mark.parametrize(("name", "expected"), list(KZ_NOMINATION_PAGES.items()))
def test_nomination_pages_by_role_and_country(world, name, expected):
    url = reverse(f"nominations:{name}", args=["a", world.kz.pk])
    for actor, answer in zip(ACTORS, expected, strict=True):
        assert _expect(world.client(actor).get(url), answer), (actor, url)


def test_a_coordinator_cannot_reach_another_programme_or_its_nominations(world):
    client = world.client("kz_coordinator")
    assert client.get(reverse("nominations:coordinate", args=["b"])).status_code == 404
    assert client.get(reverse("nominations:import", args=["b"])).status_code == 404
    # B's nomination through A's address, and through B's.
    assert client.get(reverse("nominations:withdraw", args=["a", world.in_b.pk])).status_code == 404
    assert client.get(reverse("nominations:withdraw", args=["b", world.in_b.pk])).status_code == 404


@pytest.mark.parametrize("name", ORGANISER_PAGES)
def test_organiser_pages_by_role(world, name):
    url = reverse(f"nominations:{name}", args=[world.a.pk])
    for actor, answer in zip(ACTORS, ORGANISER_EXPECTED, strict=True):
        assert _expect(world.client(actor).get(url), answer), (actor, url)


def test_decide_page_by_role_and_programme(world):
    url = reverse("nominations:decide", args=[world.a.pk, world.kz.pk])
    for actor, answer in zip(ACTORS, ORGANISER_EXPECTED, strict=True):
        assert _expect(world.client(actor).get(url), answer), (actor, url)
    # B's nomination through A's address.
    client = world.client("organiser")
    assert (
        client.get(reverse("nominations:decide", args=[world.a.pk, world.in_b.pk])).status_code
        == 404
    )


def test_each_coordinator_sees_only_their_own_countrys_nominees(world):
    kz_page = world.client("kz_coordinator").get(reverse("nominations:coordinate", args=["a"]))
    text = kz_page.content.decode()
    assert "judge1@example.org" in text
    assert "judge2@example.org" not in text and "Русаков" not in text
    assert "judge3@example.org" not in text
    ru_page = world.client("ru_coordinator").get(reverse("nominations:coordinate", args=["a"]))
    text = ru_page.content.decode()
    assert "judge2@example.org" in text and "judge1@example.org" not in text


def test_the_coordinator_page_shows_places_left_and_the_deadline_in_the_viewers_zone(world):
    client = world.client("kz_coordinator")
    world.call_a.deadline = datetime(2099, 4, 1, 6, 0, tzinfo=UTC)
    world.call_a.save()
    response = client.get(reverse("nominations:coordinate", args=["a"]) + "?tz=Asia/Almaty")
    text = response.content.decode()
    assert "2 places left of 3" in text
    assert "11:00" in text  # 06:00 UTC in Almaty (UTC+05:00)
    assert "Almaty (UTC+05:00)" in text


def _nominee_data(email: str, **extra) -> dict:
    return {
        "family_name": "Ахметов",
        "given_name": "Нурлан",
        "patronymic": "",
        "latin_family_name": "AKHMETOV",
        "latin_given_name": "NURLAN",
        "chinese_name": "",
        "russian_name": "Ахметов Нурлан",
        "position_0": "",
        "position_1": "Судья",
        "position_2": "Judge",
        "organisation": "",
        "preferred_language": "ru",
        "home_timezone": "Asia/Almaty",
        "email": email,
        **extra,
    }


@pytest.mark.parametrize(("actor", "country"), [("kz_coordinator", "KZ"), ("ru_coordinator", "RU")])
def test_a_coordinator_nominates_for_their_own_country_only(world, actor, country):
    url = reverse("nominations:coordinate", args=["a"])
    response = world.client(actor).post(url, _nominee_data("new@example.org", country="CN"))
    assert response.status_code == 302
    nomination = Nomination.objects.get(email="new@example.org")
    assert nomination.country_id == country
    assert nomination.person.latin_family_name == "AKHMETOV"
    event = AuditEvent.objects.get(action="nominate", object_id=str(nomination.pk))
    assert event.actor == getattr(world, actor)
    assert event.country_code == country


@pytest.mark.parametrize(
    "actor", ["participant", "organiser", "other_organiser", "admin", "anonymous"]
)
def test_nobody_else_nominates_through_the_page(world, actor):
    url = reverse("nominations:coordinate", args=["a"])
    world.client(actor).post(url, _nominee_data("new@example.org"))
    assert not Nomination.objects.filter(email="new@example.org").exists()


def test_extra_questions_show_their_purpose_and_required_ones_must_be_answered(world):
    question = ExtraField.objects.create(
        call=world.call_a,
        label={"en": "Years on the bench"},
        purpose={"en": "To group judges of similar experience"},
        required=True,
    )
    client = world.client("kz_coordinator")
    url = reverse("nominations:coordinate", args=["a"])
    page = client.get(url).content.decode()
    assert "Years on the bench" in page
    assert "To group judges of similar experience" in page
    response = client.post(url, _nominee_data("new@example.org"))
    assert response.status_code == 200
    assert not Nomination.objects.filter(email="new@example.org").exists()
    response = client.post(
        url, _nominee_data("new@example.org", **{f"question_{question.pk}": "12"})
    )
    assert response.status_code == 302
    assert Nomination.objects.get(email="new@example.org").answers == {str(question.pk): "12"}


def test_service_refusals_appear_as_form_errors(world):
    client = world.client("kz_coordinator")
    url = reverse("nominations:coordinate", args=["a"])
    response = client.post(url, _nominee_data("judge1@example.org"))
    assert response.status_code == 200
    assert "judge1@example.org is already nominated for this programme." in (
        response.content.decode()
    )
    assert Nomination.objects.filter(email="judge1@example.org").count() == 1


def test_a_full_quota_is_refused_on_the_page(world):
    client = world.client("ru_coordinator")
    url = reverse("nominations:coordinate", args=["a"])
    assert client.post(url, _nominee_data("r2@example.org")).status_code == 302
    response = client.post(url, _nominee_data("r3@example.org"))
    assert response.status_code == 200
    assert "no place is left" in response.content.decode()
    assert Quota.objects.get(call=world.call_a, country="RU").taken == 2


def test_the_deadline_is_enforced_on_the_pages(world):
    world.call_a.deadline = datetime.now(UTC) - timedelta(minutes=1)
    world.call_a.save()
    client = world.client("kz_coordinator")
    url = reverse("nominations:coordinate", args=["a"])
    page = client.get(url).content.decode()
    assert "Not accepting nominations" in page
    assert 'name="email"' not in page
    response = client.post(url, _nominee_data("late@example.org"))
    assert response.status_code == 200
    assert "The deadline for nominations has passed." in response.content.decode()
    substitute = reverse("nominations:substitute", args=["a", world.kz.pk])
    response = client.post(substitute, _nominee_data("late@example.org", reason="ill"))
    assert "The deadline for nominations has passed." in response.content.decode()
    assert not Nomination.objects.filter(email="late@example.org").exists()
    world.kz.refresh_from_db()
    assert world.kz.status == Nomination.Status.PENDING


def test_substitute_and_withdraw_through_the_pages_are_audited(world):
    client = world.client("kz_coordinator")
    url = reverse("nominations:substitute", args=["a", world.kz.pk])
    response = client.post(url, _nominee_data("sub@example.org", reason="Illness"))
    assert response.status_code == 302
    world.kz.refresh_from_db()
    assert world.kz.status == Nomination.Status.WITHDRAWN
    substitute = Nomination.objects.get(email="sub@example.org")
    assert substitute.country_id == "KZ"
    assert AuditEvent.objects.filter(action="substitute", object_id=str(world.kz.pk)).exists()

    url = reverse("nominations:withdraw", args=["a", substitute.pk])
    assert client.post(url, {"reason": "Changed plans"}).status_code == 302
    substitute.refresh_from_db()
    assert substitute.status == Nomination.Status.WITHDRAWN
    assert substitute.reason == "Changed plans"
    event = AuditEvent.objects.get(action="withdraw", object_id=str(substitute.pk))
    assert event.actor == world.kz_coordinator


@pytest.mark.parametrize("actor", ["ru_coordinator", "organiser", "other_organiser", "participant"])
def test_others_cannot_withdraw_or_substitute_a_kz_nominee(world, actor):
    client = world.client(actor)
    client.post(reverse("nominations:withdraw", args=["a", world.kz.pk]), {"reason": "x"})
    client.post(
        reverse("nominations:substitute", args=["a", world.kz.pk]),
        _nominee_data("sub@example.org", reason="x"),
    )
    world.kz.refresh_from_db()
    assert world.kz.status == Nomination.Status.PENDING
    assert not Nomination.objects.filter(email="sub@example.org").exists()


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("organiser", "approved"),
        ("admin", "approved"),
        ("other_organiser", "pending"),
        ("kz_coordinator", "pending"),
        ("participant", "pending"),
        ("anonymous", "pending"),
    ],
)
def test_only_this_programmes_organisers_decide(world, actor, status):
    url = reverse("nominations:decide", args=[world.a.pk, world.kz.pk])
    prefix = f"n{world.kz.pk}"
    world.client(actor).post(url, {f"{prefix}-decision": "approved", f"{prefix}-reason": "Fits"})
    world.kz.refresh_from_db()
    assert world.kz.status == status


def test_a_decision_needs_a_reason_and_is_audited(world):
    client = world.client("organiser")
    url = reverse("nominations:decide", args=[world.a.pk, world.kz.pk])
    prefix = f"n{world.kz.pk}"
    response = client.post(url, {f"{prefix}-decision": "rejected", f"{prefix}-reason": ""})
    assert response.status_code == 200
    world.kz.refresh_from_db()
    assert world.kz.status == Nomination.Status.PENDING
    response = client.post(
        url, {f"{prefix}-decision": "waitlisted", f"{prefix}-reason": "Places are full"}
    )
    assert response.status_code == 302
    world.kz.refresh_from_db()
    assert (world.kz.status, world.kz.reason) == ("waitlisted", "Places are full")
    assert AuditEvent.objects.filter(action="waitlisted", object_id=str(world.kz.pk)).exists()


def test_with_htmx_a_decision_swaps_only_the_nominees_card(world):
    client = world.client("organiser")
    url = reverse("nominations:decide", args=[world.a.pk, world.kz.pk])
    prefix = f"n{world.kz.pk}"
    response = client.post(
        url,
        {f"{prefix}-decision": "approved", f"{prefix}-reason": "Fits"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.startswith('<article class="nomination"')
    assert "Approved" in text and "<html" not in text


def test_the_decision_list_is_grouped_by_country_with_places(world):
    page = world.client("organiser").get(reverse("nominations:decisions", args=[world.a.pk]))
    text = page.content.decode()
    assert text.index("Kazakhstan") < text.index("judge1@example.org") < text.index("Russia")
    assert "1 of 3 places taken, 2 left." in text
    assert "judge3@example.org" not in text


def test_the_programme_overview_links_to_the_nominations(world):
    page = world.client("organiser").get(reverse("console:programme", args=[world.a.pk]))
    assert reverse("nominations:decisions", args=[world.a.pk]) in page.content.decode()


def _call_data(**extra) -> dict:
    data = {
        "deadline": "2099-05-01T18:00",
        "message_0": "请提名",
        "message_1": "Просим выдвинуть",
        "message_2": "Please nominate",
        "quotas-TOTAL_FORMS": "3",
        "quotas-INITIAL_FORMS": "0",
        "quotas-0-country": "KZ",
        "quotas-0-places": "5",
        "quotas-1-country": "UZ",
        "quotas-1-places": "4",
        "quotas-2-country": "",
        "quotas-2-places": "",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-0-label_0": "",
        "questions-0-label_1": "",
        "questions-0-label_2": "Years on the bench",
        "questions-0-purpose_0": "",
        "questions-0-purpose_1": "",
        "questions-0-purpose_2": "To group judges by experience",
    }
    data.update(extra)
    return data


def test_an_organiser_opens_a_call_with_quotas_and_questions(db):
    programme = factories.ProgrammeFactory(slug="c")
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    client = client_for(organiser)
    response = client.post(reverse("nominations:call", args=[programme.pk]), _call_data())
    assert response.status_code == 302, response.content.decode()
    call = Call.objects.get(programme=programme)
    assert call.status == Call.Status.OPEN
    # 18:00 in Shanghai is 10:00 UTC.
    assert call.deadline == datetime(2099, 5, 1, 10, 0, tzinfo=UTC)
    assert {q.country_id: q.places for q in call.quotas.all()} == {"KZ": 5, "UZ": 4}
    question = call.extra_fields.get()
    assert question.purpose.localize("en") == "To group judges by experience"
    assert AuditEvent.objects.filter(object_type="nominations.extrafield", action="create").exists()


def test_an_extra_question_without_a_purpose_is_refused_and_nothing_is_saved(db):
    programme = factories.ProgrammeFactory(slug="c")
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    data = _call_data(**{"questions-0-purpose_2": ""})
    response = client_for(organiser).post(reverse("nominations:call", args=[programme.pk]), data)
    assert response.status_code == 200
    assert not Call.objects.filter(programme=programme).exists()


def test_places_cannot_go_below_those_taken_and_the_error_shows_on_the_form(world):
    data = _call_data(**{"quotas-0-country": "KZ", "quotas-0-places": "0"})
    response = world.client("organiser").post(reverse("nominations:call", args=[world.a.pk]), data)
    assert response.status_code == 200
    assert "already has 1 places taken" in response.content.decode()
    assert Quota.objects.get(call=world.call_a, country="KZ").places == 3


def test_closing_the_call(world):
    url = reverse("nominations:call_close", args=[world.a.pk])
    assert world.client("other_organiser").post(url).status_code == 404
    assert world.client("kz_coordinator").post(url).status_code == 403
    assert world.client("organiser").post(url).status_code == 302
    world.call_a.refresh_from_db()
    assert world.call_a.status == Call.Status.CLOSED


def test_moving_unused_places_between_countries(world):
    client = world.client("organiser")
    url = reverse("nominations:quotas", args=[world.a.pk])
    page = client.get(url).content.decode()
    assert "Kazakhstan" in page
    response = client.post(url, {"from_country": "KZ", "to_country": "TJ", "count": "2"})
    assert response.status_code == 302
    places = {q.country_id: q.places for q in world.call_a.quotas.all()}
    assert places == {"KZ": 1, "RU": 2, "TJ": 2}
    assert AuditEvent.objects.filter(action="move_places").exists()
    # No more than the unused places.
    response = client.post(url, {"from_country": "KZ", "to_country": "TJ", "count": "1"})
    assert response.status_code == 200
    assert world.call_a.quotas.get(country="KZ").places == 1


def test_bad_input_never_gives_a_server_error(world):
    client = world.client("organiser")
    decide = reverse("nominations:decide", args=[world.a.pk, world.kz.pk])
    assert client.post(decide, {"n1-decision": "nonsense"}).status_code == 200
    assert (
        client.post(reverse("nominations:quotas", args=[world.a.pk]), {"count": "x"}).status_code
        == 200
    )
    data = _call_data(**{"deadline": "not a date", "quotas-TOTAL_FORMS": "zz"})
    assert client.post(reverse("nominations:call", args=[world.a.pk]), data).status_code == 200
    coordinator = world.client("kz_coordinator")
    response = coordinator.post(
        reverse("nominations:coordinate", args=["a"]),
        _nominee_data("not-an-address", home_timezone="Mars/Base"),
    )
    assert response.status_code == 200
