"""The nominations API: who may do what, refusals as 409/422 with their code, and the schema."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from seminarium.core.models import AuditEvent
from seminarium.nominations import services
from seminarium.nominations.models import Call, Nomination, Quota
from seminarium.programmes.models import Participation, Programme
from tests import factories, test_api
from tests.test_api import API

IN_A_WEEK = datetime.now(UTC) + timedelta(days=7)


class Caller(test_api.Caller):
    def put(self, path, data):
        return self._send("put", path, data)


class World:
    """Programme "a" with an open call (KZ 2 places, RU 1), its organiser and coordinators,
    and the organiser of another programme."""

    def __init__(self):
        self.programme = factories.ProgrammeFactory(slug="a")
        self.other_programme = factories.ProgrammeFactory(slug="b", status=Programme.Status.DRAFT)
        self.court = factories.OrganisationFactory()
        self.organiser = self._role("organiser", self.programme, "organiser")
        self.coordinator_kz = self._role("coordinator_kz", self.programme, "coordinator", "KZ")
        self.coordinator_ru = self._role("coordinator_ru", self.programme, "coordinator", "RU")
        self.organiser_b = self._role("organiser_b", self.other_programme, "organiser")
        self.call = services.open_call(
            self.organiser, self.programme, deadline=IN_A_WEEK, quotas={"KZ": 2, "RU": 1}
        )

    @staticmethod
    def _role(username, programme, role, country=None):
        user = factories.UserFactory(username=username)
        factories.ProgrammeRoleFactory(
            user=user,
            programme=programme,
            role=role,
            country=factories.CountryFactory(code=country) if country else None,
        )
        return user

    def caller(self, name):
        return Caller(None if name == "anonymous" else getattr(self, name))

    def nominee(self, n: int, **fields) -> dict:
        return {
            "family_name": f"Нурланов{n}",
            "given_name": "Ерлан",
            "latin_family_name": f"Nurlanov{n}",
            "latin_given_name": "Yerlan",
            "organisation_id": self.court.pk,
            "position": {"ru": "Судья", "en": "Judge"},
            "preferred_language": "ru",
            "home_timezone": "Asia/Almaty",
            "email": f"judge{n}@example.org",
            **fields,
        }


@pytest.fixture
def world(db):
    return World()


def quota(country: str) -> Quota:
    return Quota.objects.get(call__programme__slug="a", country=country)


# The call and its quotas


def test_an_organiser_opens_a_call_with_places_per_country(world):
    response = world.caller("organiser").put(
        "/programmes/b/call", {"deadline": "2030-01-01T12:00:00+08:00", "quotas": {}}
    )
    assert response.status_code == 404  # programme b is a draft of someone else

    response = world.caller("organiser_b").put(
        "/programmes/b/call",
        {
            "deadline": "2030-01-01T12:00:00+08:00",
            "quotas": {"kz": 5, "UZ": 3},
            "message": {"ru": "Просим выдвинуть судей."},
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "open" and body["is_accepting"]
    assert body["deadline"] == "2030-01-01T04:00:00Z"
    assert body["message"] == {"ru": "Просим выдвинуть судей."}
    assert {q["country"]: (q["places"], q["left"]) for q in body["quotas"]} == {
        "KZ": (5, 5),
        "UZ": (3, 3),
    }


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("coordinator_kz", 403), ("organiser_b", 403), ("organiser", 200)],
)
def test_only_the_programmes_organisers_change_the_call(world, name, status):
    caller = Caller() if name == "anonymous" else world.caller(name)
    response = caller.put(
        "/programmes/a/call", {"deadline": "2030-01-01T00:00:00Z", "quotas": {"KZ": 4}}
    )
    assert response.status_code == status
    assert quota("KZ").places == (4 if status == 200 else 2)


def test_places_cannot_be_set_below_those_taken_nor_for_a_made_up_country(world):
    world.caller("coordinator_ru").post("/programmes/a/nominations", world.nominee(1))
    organiser = world.caller("organiser")
    body = {"deadline": "2030-01-01T00:00:00Z", "quotas": {"RU": 0}}
    response = organiser.put("/programmes/a/call", body)
    assert response.status_code == 422
    assert response.json()["code"] == "below_taken"
    response = organiser.put("/programmes/a/call", {**body, "quotas": {"XX": 1}})
    assert response.status_code == 422
    assert quota("RU").places == 1


@pytest.mark.parametrize(
    ("name", "countries"),
    [("organiser", {"KZ", "RU"}), ("coordinator_kz", {"KZ"}), ("coordinator_ru", {"RU"})],
)
def test_coordinators_see_only_their_own_countrys_places(world, name, countries):
    world.caller("coordinator_kz").post("/programmes/a/nominations", world.nominee(1))
    caller = world.caller(name)
    call = caller.get("/programmes/a/call")
    assert call.status_code == 200
    assert {q["country"] for q in call.json()["quotas"]} == countries
    quotas = caller.get("/programmes/a/call/quotas").json()
    assert {q["country"] for q in quotas} == countries
    if "KZ" in countries:
        kz = next(q for q in quotas if q["country"] == "KZ")
        assert (kz["places"], kz["taken"], kz["left"]) == (2, 1, 1)


@pytest.mark.parametrize("name", ["anonymous", "organiser_b"])
def test_outsiders_do_not_see_the_call(world, name):
    assert world.caller(name).get("/programmes/a/call").status_code == 404
    assert world.caller(name).get("/programmes/a/call/quotas").status_code == 404
    assert world.caller(name).get("/programmes/a/nominations").status_code == 404


def test_a_programme_without_a_call_answers_404(world):
    assert world.caller("organiser_b").get("/programmes/b/call").status_code == 404


def test_organisers_move_unused_places(world):
    world.caller("coordinator_kz").post("/programmes/a/nominations", world.nominee(1))
    move = {"from_country": "kz", "to_country": "UZ", "count": 1}
    refused = world.caller("coordinator_kz").post("/programmes/a/call/quotas/move", move)
    assert refused.status_code == 403
    response = world.caller("organiser").post("/programmes/a/call/quotas/move", move)
    assert response.status_code == 200
    assert {q["country"]: q["places"] for q in response.json()} == {"KZ": 1, "RU": 1, "UZ": 1}
    response = world.caller("organiser").post("/programmes/a/call/quotas/move", move)
    assert response.status_code == 422
    assert response.json()["code"] == "not_enough_places"
    zero = world.caller("organiser").post("/programmes/a/call/quotas/move", {**move, "count": 0})
    assert zero.status_code == 422 and zero.json()["code"] == "invalid"


# Nominating


def test_a_coordinator_nominates_for_their_own_country(world):
    response = world.caller("coordinator_kz").post(
        "/programmes/a/nominations", world.nominee(1, email="Judge1@Example.ORG")
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["country"] == "KZ" and body["status"] == "pending"
    assert body["email"] == "judge1@example.org"
    assert body["person"]["latin_family_name"] == "Nurlanov1"
    assert body["person"]["organisation_id"] == world.court.pk
    nomination = Nomination.objects.get(pk=body["id"])
    assert nomination.nominated_by == world.coordinator_kz
    assert AuditEvent.objects.filter(action="nominate", object_id=str(nomination.pk)).exists()
    assert quota("KZ").taken == 1


def test_a_coordinator_cannot_nominate_for_another_country(world):
    response = world.caller("coordinator_kz").post(
        "/programmes/a/nominations", world.nominee(1, country="RU")
    )
    assert response.status_code == 403
    assert quota("RU").taken == 0 and not Nomination.objects.exists()


def test_an_organiser_nominates_for_a_country_they_name(world):
    organiser = world.caller("organiser")
    response = organiser.post("/programmes/a/nominations", world.nominee(1))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    response = organiser.post("/programmes/a/nominations", world.nominee(1, country="ru"))
    assert response.status_code == 201
    assert response.json()["country"] == "RU"


def test_a_full_quota_answers_409_with_its_code(world):
    coordinator = world.caller("coordinator_ru")
    assert coordinator.post("/programmes/a/nominations", world.nominee(1)).status_code == 201
    response = coordinator.post("/programmes/a/nominations", world.nominee(2))
    assert response.status_code == 409
    assert response.json() == {
        "detail": "The quota for RU is full: no place is left.",
        "code": "quota_full",
    }
    assert quota("RU").taken == 1
    assert Nomination.objects.count() == 1


def test_the_same_judge_twice_answers_409_duplicate(world):
    world.caller("coordinator_kz").post("/programmes/a/nominations", world.nominee(1))
    response = world.caller("coordinator_ru").post(
        "/programmes/a/nominations", world.nominee(2, email="JUDGE1@example.org")
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert "judge1@example.org" in response.json()["detail"]
    assert quota("RU").taken == 0


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"deadline": datetime.now(UTC) - timedelta(minutes=1)}, "deadline"),
        ({"status": Call.Status.CLOSED}, "closed"),
    ],
)
def test_a_closed_call_or_a_past_deadline_answers_409(world, change, code):
    Call.objects.filter(pk=world.call.pk).update(**change)
    response = world.caller("coordinator_kz").post("/programmes/a/nominations", world.nominee(1))
    assert response.status_code == 409
    assert response.json()["code"] == code


def test_no_places_for_a_country_answers_422(world):
    response = world.caller("organiser").post(
        "/programmes/a/nominations", world.nominee(1, country="UZ")
    )
    assert response.status_code == 422
    assert response.json()["code"] == "no_quota"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "not an address"}, "email"),
        ({"home_timezone": "Mars/Olympus"}, "home_timezone"),
        ({"preferred_language": "xx"}, "preferred_language"),
        ({"organisation_id": 999_999}, "organisation"),
        ({"position": {"xx": "Judge"}}, "position"),
        ({"family_name": None}, "family_name"),
    ],
)
def test_invalid_nominee_data_answers_422_and_takes_no_place(world, fields, field):
    response = world.caller("coordinator_kz").post(
        "/programmes/a/nominations", world.nominee(1, **fields)
    )
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert quota("KZ").taken == 0
    assert not Nomination.objects.exists()


def test_writes_need_a_token_and_malformed_bodies_never_fail_the_server(world):
    assert Caller().post("/programmes/a/nominations", world.nominee(1)).status_code == 401
    response = world.caller("coordinator_kz").post("/programmes/a/nominations", "{not json")
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


# Reading nominations


def test_listing_is_scoped_by_country_and_filters_by_status_and_country(world):
    kz, ru = world.caller("coordinator_kz"), world.caller("coordinator_ru")
    first = kz.post("/programmes/a/nominations", world.nominee(1)).json()
    kz.post("/programmes/a/nominations", world.nominee(2))
    ru.post("/programmes/a/nominations", world.nominee(3))
    kz.post(f"/programmes/a/nominations/{first['id']}/withdraw", {"reason": "ill"})

    def emails(caller, query=""):
        response = caller.get(f"/programmes/a/nominations{query}")
        assert response.status_code == 200
        return {n["email"] for n in response.json()["items"]}

    organiser = world.caller("organiser")
    assert emails(organiser) == {"judge1@example.org", "judge2@example.org", "judge3@example.org"}
    assert emails(organiser, "?country=kz") == {"judge1@example.org", "judge2@example.org"}
    assert emails(organiser, "?status=pending") == {"judge2@example.org", "judge3@example.org"}
    assert emails(kz) == {"judge1@example.org", "judge2@example.org"}
    assert emails(ru) == {"judge3@example.org"}
    assert emails(ru, "?country=KZ") == set()
    assert organiser.get("/programmes/a/nominations?status=lost").status_code == 422


def test_a_coordinator_cannot_read_or_act_on_another_countrys_nominee(world):
    nominee = world.caller("coordinator_kz").post("/programmes/a/nominations", world.nominee(1))
    path = f"/programmes/a/nominations/{nominee.json()['id']}"
    ru = world.caller("coordinator_ru")
    assert ru.get(path).status_code == 404
    assert ru.post(f"{path}/withdraw", {}).status_code == 404
    assert ru.post(f"{path}/substitute", world.nominee(2)).status_code == 404
    assert world.caller("organiser_b").get(path).status_code == 404
    assert world.caller("organiser").get(path).status_code == 200
    assert world.caller("coordinator_kz").get(path).json()["email"] == "judge1@example.org"
    assert world.caller("organiser").get("/programmes/a/nominations/999999").status_code == 404


# Withdrawing and substituting


def test_withdrawing_frees_the_place(world):
    kz = world.caller("coordinator_kz")
    nominee = kz.post("/programmes/a/nominations", world.nominee(1)).json()
    response = kz.post(f"/programmes/a/nominations/{nominee['id']}/withdraw", {"reason": "ill"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reason"]) == ("withdrawn", "ill")
    assert quota("KZ").taken == 0
    organiser = world.caller("organiser")
    assert organiser.post(f"/programmes/a/nominations/{nominee['id']}/withdraw").status_code == 403


def test_substituting_keeps_the_place_for_the_new_nominee(world):
    kz = world.caller("coordinator_kz")
    first = kz.post("/programmes/a/nominations", world.nominee(1)).json()
    kz.post("/programmes/a/nominations", world.nominee(2))
    response = kz.post(
        f"/programmes/a/nominations/{first['id']}/substitute",
        {**world.nominee(3), "reason": "Transferred to another court"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["email"] == "judge3@example.org"
    assert Nomination.objects.get(pk=first["id"]).status == Nomination.Status.WITHDRAWN
    assert quota("KZ").taken == 2
    again = kz.post(f"/programmes/a/nominations/{first['id']}/substitute", world.nominee(4))
    assert again.status_code == 422
    assert again.json()["code"] == "not_pending"


def test_a_failed_substitution_leaves_the_nominee_in_place(world):
    kz = world.caller("coordinator_kz")
    first = kz.post("/programmes/a/nominations", world.nominee(1)).json()
    kz.post("/programmes/a/nominations", world.nominee(2))
    response = kz.post(f"/programmes/a/nominations/{first['id']}/substitute", world.nominee(2))
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert Nomination.objects.get(pk=first["id"]).status == Nomination.Status.PENDING
    assert quota("KZ").taken == 2


# Deciding


def test_organisers_decide_and_an_approved_nominee_is_invited(world):
    nominee = world.caller("coordinator_kz").post("/programmes/a/nominations", world.nominee(1))
    path = f"/programmes/a/nominations/{nominee.json()['id']}/decision"
    decision = {"decision": "approved", "reason": "Meets the criteria"}
    assert world.caller("coordinator_kz").post(path, decision).status_code == 403
    response = world.caller("organiser").post(path, decision)
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["reason"]) == ("approved", "Meets the criteria")
    participation = Participation.objects.get(pk=body["participation_id"])
    assert participation.status == Participation.Status.INVITED
    assert world.caller("organiser").post(path, {"decision": "maybe"}).status_code == 422


def test_approving_from_the_waiting_list_needs_a_free_place(world):
    ru, organiser = world.caller("coordinator_ru"), world.caller("organiser")
    waiting = ru.post("/programmes/a/nominations", world.nominee(1)).json()
    organiser.post(
        f"/programmes/a/nominations/{waiting['id']}/decision",
        {"decision": "waitlisted", "reason": "later"},
    )
    ru.post("/programmes/a/nominations", world.nominee(2))
    response = organiser.post(
        f"/programmes/a/nominations/{waiting['id']}/decision", {"decision": "approved"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "quota_full"


def test_a_withdrawn_nomination_cannot_be_decided(world):
    kz = world.caller("coordinator_kz")
    nominee = kz.post("/programmes/a/nominations", world.nominee(1)).json()
    kz.post(f"/programmes/a/nominations/{nominee['id']}/withdraw")
    response = world.caller("organiser").post(
        f"/programmes/a/nominations/{nominee['id']}/decision", {"decision": "approved"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "withdrawn"


# The schema


def test_openapi_documents_the_nominations_api_with_its_errors(db):
    schema = Client().get(f"{API}/openapi.json").json()
    paths = schema["paths"]
    nominate = paths[f"{API}/programmes/{{slug}}/nominations"]["post"]
    assert set(nominate["responses"]) == {"201", "401", "403", "404", "409", "422"}
    refusal = schema["components"]["schemas"]["Refusal"]
    assert {"quota_full", "duplicate", "deadline", "closed"} <= set(
        refusal["properties"]["code"]["enum"]
    )
    assert set(paths[f"{API}/programmes/{{slug}}/call"]) == {"get", "put"}
    for path in ["withdraw", "substitute", "decision"]:
        assert (
            "409"
            in paths[f"{API}/programmes/{{slug}}/nominations/{{nomination_id}}/{path}"]["post"][
                "responses"
            ]
        )
    for name in ["CallOut", "CallIn", "QuotaOut", "MoveIn", "NominationOut", "NominationIn"]:
        assert name in schema["components"]["schemas"]
