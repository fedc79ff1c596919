"""The REST API: token authentication, the permission matrix, validation and the schema."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from seminarium.core.models import ApiToken, AuditEvent
from seminarium.people.models import Organisation
from seminarium.programmes.models import Participation, Programme, ProgrammeRole, Session
from tests import factories

API = "/api/v1"


class Caller:
    """A test client that sends one user's token (or none, for an anonymous caller)."""

    def __init__(self, user=None):
        self.user = user
        self.client = Client(enforce_csrf_checks=True)
        self.headers = {}
        if user is not None:
            _token, key = ApiToken.issue(user, "tests")
            self.headers = {"Authorization": f"Bearer {key}"}

    def get(self, path, **kwargs):
        return self.client.get(API + path, headers=self.headers, **kwargs)

    def delete(self, path):
        return self.client.delete(API + path, headers=self.headers)

    def _send(self, method, path, data):
        body = data if isinstance(data, str) else json.dumps(data)
        return getattr(self.client, method)(
            API + path, body, content_type="application/json", headers=self.headers
        )

    def post(self, path, data=None):
        return self._send("post", path, {} if data is None else data)

    def patch(self, path, data):
        return self._send("patch", path, data)


class World:
    """Programme A (published) with delegations from KZ and RU, and draft programme B."""

    def __init__(self):
        self.kz = factories.CountryFactory(code="KZ")
        self.ru = factories.CountryFactory(code="RU")
        self.a = factories.ProgrammeFactory(slug="a")
        self.b = factories.ProgrammeFactory(slug="b", status=Programme.Status.DRAFT)
        self.session_a = factories.SessionFactory(programme=self.a)
        self.session_b = factories.SessionFactory(programme=self.b)

        self.participant_user = factories.UserFactory(username="participant")
        self.kz_person = factories.PersonFactory(user=self.participant_user)
        self.ru_person = factories.PersonFactory()
        self.b_person = factories.PersonFactory()
        self.kz_in_a = factories.ParticipationFactory(
            programme=self.a, person=self.kz_person, country=self.kz
        )
        self.ru_in_a = factories.ParticipationFactory(
            programme=self.a, person=self.ru_person, country=self.ru
        )
        self.kz_in_b = factories.ParticipationFactory(
            programme=self.b, person=self.b_person, country=self.kz
        )

        self.coordinator_kz = self._role("coordinator_kz", self.a, "coordinator", self.kz)
        self.coordinator_ru = self._role("coordinator_ru", self.a, "coordinator", self.ru)
        self.organiser_a = self._role("organiser_a", self.a, "organiser")
        self.organiser_b = self._role("organiser_b", self.b, "organiser")
        self.admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)

    @staticmethod
    def _role(username, programme, role, country=None):
        user = factories.UserFactory(username=username)
        factories.ProgrammeRoleFactory(user=user, programme=programme, role=role, country=country)
        return user

    def caller(self, name):
        return Caller(None if name == "anonymous" else getattr(self, name))


@pytest.fixture
def world(db):
    return World()


def audit_events(action, object_type):
    return AuditEvent.objects.filter(action=action, object_type=object_type)


# Token authentication


def test_reads_without_a_token_show_public_data(world):
    response = Caller().get("/programmes")
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["items"]] == ["a"]


def test_writes_without_a_token_are_refused(world):
    response = Caller().patch("/programmes/a", {"funding_reference": "X"})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "Bearer" in response.json()["detail"]


@pytest.mark.parametrize(
    "header", ["Bearer not-a-key", "Token abc", "Bearer", "Basic dXNlcjpwYXNz"]
)
def test_an_invalid_token_is_refused_even_for_reads(world, header):
    response = Client().get(f"{API}/programmes", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_revoked_token_is_refused(world):
    caller = Caller(world.organiser_a)
    assert caller.get("/programmes/b").status_code == 404
    ApiToken.objects.update(revoked_at="2024-01-01T00:00Z")
    assert caller.get("/programmes").status_code == 401


def test_an_inactive_users_token_is_refused(world):
    caller = Caller(world.organiser_a)
    world.organiser_a.is_active = False
    world.organiser_a.save()
    assert caller.get("/programmes").status_code == 401


def test_a_token_in_the_query_string_is_ignored(world):
    _token, key = ApiToken.issue(world.organiser_b, "tests")
    response = Client().get(f"{API}/programmes/b?token={key}&access_token={key}")
    assert response.status_code == 404


def test_authenticated_responses_are_private(world):
    response = Caller(world.organiser_a).get("/programmes/a")
    assert "no-store" in response["Cache-Control"]


def test_a_token_records_when_it_was_last_used(world):
    Caller(world.organiser_a).get("/programmes")
    assert ApiToken.objects.get(user=world.organiser_a).last_used_at is not None


# The token command


def test_token_command_creates_a_key_that_works(world):
    out = StringIO()
    call_command("token", "create", "organiser_b", "--name", "sync", stdout=out, stderr=StringIO())
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=world.organiser_b)
    assert token.name == "sync" and key.startswith(token.prefix)
    assert key not in token.key_hash
    response = Client().get(f"{API}/programmes/b", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert audit_events("create", "core.apitoken").exists()


def test_token_command_lists_and_revokes(world):
    token, key = ApiToken.issue(world.organiser_b, "sync")
    out = StringIO()
    call_command("token", "list", "organiser_b", stdout=out)
    assert token.prefix in out.getvalue() and "active" in out.getvalue()
    assert key not in out.getvalue()

    call_command("token", "revoke", token.prefix, stdout=StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert audit_events("revoke", "core.apitoken").exists()
    response = Client().get(f"{API}/programmes", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_no_token_starts_with_a_dash_that_the_command_line_would_read_as_an_option(
    world, monkeypatch
):
    keys = iter(["-starts-with-a-dash" + "x" * 24, "fine" + "x" * 39])
    monkeypatch.setattr("seminarium.core.models.secrets.token_urlsafe", lambda _n: next(keys))
    token, key = ApiToken.issue(world.organiser_b, "sync")
    assert key.startswith("fine") and token.prefix == key[:8]
    call_command("token", "revoke", token.prefix, stdout=StringIO())


def test_token_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="nobody"):
        call_command("token", "create", "nobody")


def test_token_command_refuses_an_unknown_prefix(db):
    with pytest.raises(CommandError):
        call_command("token", "revoke", "zzzzzzzz")


# Programmes


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("anonymous", ["a"]),
        ("participant_user", ["a"]),
        ("coordinator_kz", ["a"]),
        ("organiser_a", ["a"]),
        ("organiser_b", ["a", "b"]),
        ("admin", ["a", "b"]),
    ],
)
def test_programme_list_shows_what_the_caller_may_see(world, who, visible):
    response = world.caller(who).get("/programmes")
    assert sorted(p["slug"] for p in response.json()["items"]) == visible


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("participant_user", 404),
        ("coordinator_kz", 404),
        ("organiser_a", 404),
        ("organiser_b", 200),
        ("admin", 200),
    ],
)
def test_a_draft_programme_exists_only_for_those_who_may_see_it(world, who, status):
    assert world.caller(who).get("/programmes/b").status_code == status


def test_programme_detail_is_multilingual_with_utc_times(world):
    data = Caller().get("/programmes/a").json()
    assert data["title"] == {
        "en": "Judges Seminar",
        "ru": "Семинар для судей",
        "zh-hans": "法官研修班",
    }
    assert data["updated_at"].endswith("Z")
    assert data["start_date"] == "2021-04-15"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("participant_user", 403),
        ("coordinator_kz", 403),
        ("organiser_b", 403),
        ("organiser_a", 200),
        ("admin", 200),
    ],
)
def test_only_managers_change_a_programme(world, who, status):
    response = world.caller(who).patch("/programmes/a", {"funding_reference": "SCO-2021"})
    assert response.status_code == status
    changed = Programme.objects.get(slug="a").funding_reference == "SCO-2021"
    assert changed == (status == 200)
    assert audit_events("update", "programmes.programme").exists() == (status == 200)


def test_changing_another_organisers_draft_is_not_found(world):
    response = Caller(world.organiser_a).patch("/programmes/b", {"funding_reference": "X"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_organiser_creates_a_programme_and_organises_it(world):
    response = Caller(world.organiser_a).post(
        "/programmes",
        {
            "slug": "c",
            "title": {"en": "Second seminar", "ru": "Второй семинар"},
            "host_id": world.a.host_id,
            "start_date": "2022-05-01",
            "end_date": "2022-05-03",
            "working_languages": ["ru", "en"],
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "draft"
    programme = Programme.objects.get(slug="c")
    assert programme.title.data == {"en": "Second seminar", "ru": "Второй семинар"}
    assert ProgrammeRole.objects.filter(user=world.organiser_a, programme=programme).exists()
    assert audit_events("create", "programmes.programme").filter(actor=world.organiser_a).exists()


@pytest.mark.parametrize("who", ["participant_user", "coordinator_kz"])
def test_only_organisers_and_admins_create_programmes(world, who):
    # The body is read before permission is checked, so send a valid one.
    body = {
        "slug": "c",
        "title": {"en": "C"},
        "host_id": world.a.host_id,
        "start_date": "2022-05-01",
        "end_date": "2022-05-03",
        "working_languages": ["en"],
    }
    response = world.caller(who).post("/programmes", body)
    assert response.status_code == 403
    assert not Programme.objects.filter(slug="c").exists()


def test_publish_and_unpublish(world):
    organiser = Caller(world.organiser_b)
    assert organiser.post("/programmes/b/publish").json()["status"] == "published"
    assert Caller().get("/programmes/b").status_code == 200
    assert organiser.post("/programmes/b/unpublish").json()["status"] == "draft"
    assert Caller().get("/programmes/b").status_code == 404
    assert audit_events("status", "programmes.programme").count() == 2
    assert Caller(world.organiser_a).post("/programmes/b/publish").status_code == 404
    assert Caller(world.coordinator_kz).post("/programmes/a/unpublish").status_code == 403


# Sessions


SESSION = {
    "title": {"en": "Opening", "zh-hans": "开幕式"},
    "kind": "ceremony",
    "start": "2021-04-16T09:00:00+08:00",
    "end": "2021-04-16T10:00:00+08:00",
    "floor_language": "zh-hans",
    "interpretation_languages": ["ru", "en"],
}


def test_sessions_of_a_published_programme_are_public(world):
    response = Caller().get("/programmes/a/sessions")
    assert response.status_code == 200
    [session] = response.json()
    assert session["id"] == world.session_a.pk
    assert session["start"] == "2021-04-15T06:00:00Z"
    # Video rooms are reached through each participant's personal join page only.
    assert "video_url" not in session


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 404), ("organiser_a", 404), ("organiser_b", 200), ("admin", 200)],
)
def test_sessions_of_a_draft_are_hidden(world, who, status):
    caller = world.caller(who)
    assert caller.get("/programmes/b/sessions").status_code == status
    assert caller.get(f"/programmes/b/sessions/{world.session_b.pk}").status_code == status


def test_a_session_is_found_only_under_its_own_programme(world):
    response = Caller(world.admin).get(f"/programmes/a/sessions/{world.session_b.pk}")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("participant_user", 403),
        ("coordinator_kz", 403),
        ("organiser_b", 403),
        ("organiser_a", 201),
        ("admin", 201),
    ],
)
def test_only_managers_create_sessions(world, who, status):
    response = world.caller(who).post("/programmes/a/sessions", SESSION)
    assert response.status_code == status, response.json()
    if status == 201:
        data = response.json()
        assert data["start"] == "2021-04-16T01:00:00Z"
        assert data["title"] == SESSION["title"]
        assert audit_events("create", "programmes.session").filter(programme_id=world.a.pk)


def test_an_organiser_updates_and_deletes_a_session(world):
    organiser = Caller(world.organiser_a)
    path = f"/programmes/a/sessions/{world.session_a.pk}"
    response = organiser.patch(path, {"room": {"en": "Hall 1"}})
    assert response.status_code == 200
    assert response.json()["room"] == {"en": "Hall 1"}
    assert organiser.delete(path).status_code == 204
    assert not Session.objects.filter(pk=world.session_a.pk).exists()
    assert audit_events("delete", "programmes.session").exists()


def test_deleting_another_programmes_session_is_refused(world):
    path = f"/programmes/b/sessions/{world.session_b.pk}"
    assert Caller(world.organiser_a).delete(path).status_code == 404
    path = f"/programmes/a/sessions/{world.session_a.pk}"
    assert Caller(world.coordinator_kz).delete(path).status_code == 403
    assert Session.objects.filter(pk__in=[world.session_a.pk, world.session_b.pk]).count() == 2


# Participations


@pytest.mark.parametrize(
    ("who", "status", "people"),
    [
        ("anonymous", 403, None),
        ("participant_user", 403, None),
        ("organiser_b", 403, None),
        ("coordinator_kz", 200, {"kz_person"}),
        ("coordinator_ru", 200, {"ru_person"}),
        ("organiser_a", 200, {"kz_person", "ru_person"}),
        ("admin", 200, {"kz_person", "ru_person"}),
    ],
)
def test_participations_are_scoped_by_role_and_country(world, who, status, people):
    response = world.caller(who).get("/programmes/a/participations")
    assert response.status_code == status
    if people is not None:
        ids = {p["person"]["id"] for p in response.json()["items"]}
        assert ids == {getattr(world, name).pk for name in people}


def test_participations_of_an_invisible_programme_are_not_found(world):
    assert Caller(world.organiser_a).get("/programmes/b/participations").status_code == 404


def test_participation_output_includes_all_name_forms(world):
    response = Caller(world.organiser_a).get(f"/programmes/a/participations/{world.kz_in_a.pk}")
    data = response.json()
    assert data["country"] == "KZ"
    person = data["person"]
    for field in ("native_name", "latin_name", "chinese_name", "russian_name", "display_name"):
        assert field in person
    assert person["native_name"] == world.kz_person.native_name
    assert person["latin_name"] == world.kz_person.latin_name


@pytest.mark.parametrize(
    ("who", "participation", "status"),
    [
        ("coordinator_kz", "kz_in_a", 200),
        ("coordinator_kz", "ru_in_a", 404),
        ("coordinator_ru", "kz_in_a", 404),
        ("organiser_b", "kz_in_a", 404),
        ("participant_user", "kz_in_a", 404),
        ("organiser_a", "ru_in_a", 200),
    ],
)
def test_participation_detail_hides_other_countries(world, who, participation, status):
    pk = getattr(world, participation).pk
    assert world.caller(who).get(f"/programmes/a/participations/{pk}").status_code == status


def test_an_organiser_adds_changes_and_removes_a_participation(world):
    organiser = Caller(world.organiser_a)
    # Someone from another organiser's programme is not this organiser's to see.
    response = organiser.post(
        "/programmes/a/participations", {"person_id": world.b_person.pk, "country": "KZ"}
    )
    assert response.status_code == 404
    response = organiser.post(
        "/programmes/b/participations", {"person_id": world.kz_person.pk, "country": "KZ"}
    )
    assert response.status_code == 404

    # Someone from an earlier programme of the same organiser may be enrolled again.
    earlier = factories.ProgrammeFactory(slug="earlier")
    factories.ProgrammeRoleFactory(user=world.organiser_a, programme=earlier)
    veteran = factories.ParticipationFactory(programme=earlier, country=world.ru).person
    organiser = Caller(world.organiser_a)
    response = organiser.post(
        "/programmes/a/participations", {"person_id": veteran.pk, "country": "ru"}
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["country"] == "RU"
    assert audit_events("create", "programmes.participation").filter(country_code="RU")

    response = organiser.patch(f"/programmes/a/participations/{pk}", {"status": "declined"})
    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert audit_events("update", "programmes.participation").filter(object_id=str(pk))
    assert organiser.delete(f"/programmes/a/participations/{pk}").status_code == 204
    assert not Participation.objects.filter(pk=pk).exists()
    assert audit_events("delete", "programmes.participation").filter(object_id=str(pk))


def test_an_admin_enrols_anyone(world):
    response = Caller(world.admin).post(
        "/programmes/a/participations",
        {"person_id": world.b_person.pk, "country": "KZ", "kind": "observer"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "observer"
    assert audit_events("create", "programmes.participation").filter(actor=world.admin)


@pytest.mark.parametrize("who", ["coordinator_kz", "participant_user"])
def test_coordinators_and_participants_do_not_change_participations(world, who):
    caller = world.caller(who)
    path = f"/programmes/a/participations/{world.kz_in_a.pk}"
    expected = 403 if who == "coordinator_kz" else 404
    assert caller.patch(path, {"status": "declined"}).status_code == expected
    assert caller.delete(path).status_code == expected
    assert (
        caller.post("/programmes/a/participations", {"person_id": 1, "country": "KZ"}).status_code
        == 403
    )
    world.kz_in_a.refresh_from_db()
    assert world.kz_in_a.status == Participation.Status.CONFIRMED


def test_the_same_person_twice_in_a_programme_is_refused(world):
    response = Caller(world.admin).post(
        "/programmes/a/participations", {"person_id": world.kz_person.pk, "country": "KZ"}
    )
    assert response.status_code == 422
    assert response.json()["detail"]


# People and organisations


@pytest.mark.parametrize(
    ("who", "people"),
    [
        ("anonymous", set()),
        ("participant_user", {"kz_person"}),
        ("coordinator_kz", {"kz_person"}),
        ("coordinator_ru", {"ru_person"}),
        ("organiser_a", {"kz_person", "ru_person"}),
        ("organiser_b", {"b_person"}),
        ("admin", {"kz_person", "ru_person", "b_person"}),
    ],
)
def test_people_list_shows_only_people_the_caller_may_see(world, who, people):
    response = world.caller(who).get("/people")
    assert response.status_code == 200
    assert {p["id"] for p in response.json()["items"]} == {
        getattr(world, name).pk for name in people
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("participant_user", 404),
        ("coordinator_kz", 404),
        ("organiser_b", 404),
        ("coordinator_ru", 200),
        ("organiser_a", 200),
        ("admin", 200),
    ],
)
def test_a_person_is_found_only_by_those_who_may_see_them(world, who, status):
    assert world.caller(who).get(f"/people/{world.ru_person.pk}").status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("coordinator_ru", 403), ("organiser_b", 404), ("organiser_a", 200)],
)
def test_changing_a_person(world, who, status):
    response = world.caller(who).patch(
        f"/people/{world.ru_person.pk}", {"russian_name": "Петров Пётр"}
    )
    assert response.status_code == status
    if status == 200:
        assert response.json()["russian_name"] == "Петров Пётр"
        assert audit_events("update", "people.person").filter(actor=world.organiser_a)


def test_a_person_corrects_their_own_record(world):
    response = Caller(world.participant_user).patch(
        f"/people/{world.kz_person.pk}", {"chinese_name": "伊万诺夫"}
    )
    assert response.status_code == 200
    assert response.json()["chinese_name"] == "伊万诺夫"


def test_creating_people_needs_an_organiser(world):
    body = {"family_name": "Нурланов", "latin_family_name": "Nurlanov", "preferred_language": "ru"}
    assert Caller(world.coordinator_kz).post("/people", body).status_code == 403
    response = Caller(world.organiser_a).post("/people", body)
    assert response.status_code == 201
    assert response.json()["latin_name"] == "Nurlanov"
    assert audit_events("create", "people.person").exists()


def test_organisations_are_public(world):
    response = Caller().get("/organisations")
    assert response.status_code == 200
    host = next(o for o in response.json()["items"] if o["id"] == world.a.host_id)
    assert host["country"] == "CN" and set(host["name"]) == {"en", "ru", "zh-hans"}
    assert Caller().get(f"/organisations/{world.a.host_id}").status_code == 200
    assert Caller().get("/organisations/999999").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("participant_user", 403), ("organiser_a", 201), ("admin", 201)],
)
def test_creating_organisations(world, who, status):
    response = world.caller(who).post(
        "/organisations",
        {"name": {"ru": "Верховный суд Республики Казахстан"}, "country": "kz", "kind": "court"},
    )
    assert response.status_code == status
    if status == 201:
        assert response.json()["country"] == "KZ"
        assert audit_events("create", "people.organisation").exists()


def test_updating_an_organisation(world):
    path = f"/organisations/{world.a.host_id}"
    assert Caller(world.coordinator_kz).patch(path, {"short_name": "SPC"}).status_code == 403
    response = Caller(world.organiser_a).patch(path, {"short_name": "SPC"})
    assert response.status_code == 200
    assert Organisation.objects.get(pk=world.a.host_id).short_name == "SPC"


# Bad input answers 4xx JSON, never 500


PROGRAMME = {
    "slug": "c",
    "title": {"en": "C"},
    "start_date": "2022-05-01",
    "end_date": "2022-05-03",
    "working_languages": ["en"],
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start_date": "tomorrow"}, "start_date"),
        ({"working_languages": "en"}, "working_languages"),
        ({"title": "C"}, "title"),
        ({"title": {"xx": "C"}}, "title"),
        ({"title": {"en": "  "}}, "title"),
        ({"end_date": "2022-04-30"}, "end_date"),
        ({"working_languages": ["en", "klingon"]}, "working_languages"),
        ({"slug": "a"}, "slug"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"delivery_mode": "telepathy"}, "delivery_mode"),
    ],
)
def test_bad_programme_input_is_422_with_field_errors(world, change, field):
    body = {**PROGRAMME, "host_id": world.a.host_id, **change}
    response = Caller(world.admin).post("/programmes", body)
    assert response.status_code == 422, response.content
    data = response.json()
    assert data["detail"] and field in data["errors"]
    assert not Programme.objects.filter(slug="c").exists()


def test_an_unknown_host_is_422(world):
    response = Caller(world.admin).post("/programmes", {**PROGRAMME, "host_id": 999999})
    assert response.status_code == 422
    assert "host" in response.json()["errors"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end": "2021-04-16T08:00:00+08:00"}, "end"),
        ({"start": "2021-04-16T09:00:00"}, "start"),
        ({"floor_language": "de"}, "floor_language"),
        ({"start": "2021-05-16T09:00:00+08:00", "end": "2021-05-16T10:00:00+08:00"}, "end"),
    ],
)
def test_bad_session_input_is_422(world, change, field):
    response = Caller(world.organiser_a).post("/programmes/a/sessions", {**SESSION, **change})
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


def test_a_patch_that_breaks_the_dates_is_422_and_changes_nothing(world):
    response = Caller(world.organiser_a).patch("/programmes/a", {"end_date": "2021-01-01"})
    assert response.status_code == 422
    assert "end_date" in response.json()["errors"]
    assert Programme.objects.get(slug="a").end_date.isoformat() == "2021-04-21"


@pytest.mark.parametrize("body", ["{not json", "[1, 2", '{"slug": }'])
def test_malformed_json_is_400_json(world, body):
    response = Caller(world.admin).post("/programmes", body)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_an_unknown_country_code_is_422(world):
    response = Caller(world.admin).post(
        "/organisations", {"name": {"en": "Court"}, "country": "XX", "kind": "court"}
    )
    assert response.status_code == 422


def test_errors_are_answered_in_the_callers_language(world):
    response = Caller(world.admin).get("/programmes/zzz", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert response["Content-Language"] == "ru"
    with translation.override("ru"):
        assert response.json()["detail"] == translation.gettext("Not found.")


def test_a_token_users_preferred_language_applies(world):
    world.kz_person.preferred_language = "zh-hans"
    world.kz_person.save()
    response = Caller(world.participant_user).get("/programmes/a")
    assert response["Content-Language"] == "zh-hans"


# OpenAPI


def test_openapi_lists_every_resource(db):
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) == {
        f"{API}{path}"
        for path in [
            "/programmes",
            "/programmes/{slug}",
            "/programmes/{slug}/publish",
            "/programmes/{slug}/unpublish",
            "/programmes/{slug}/sessions",
            "/programmes/{slug}/sessions/{session_id}",
            "/programmes/{slug}/participations",
            "/programmes/{slug}/participations/{participation_id}",
            "/people",
            "/people/{person_id}",
            "/organisations",
            "/organisations/{organisation_id}",
            "/programmes/{slug}/call",
            "/programmes/{slug}/call/quotas",
            "/programmes/{slug}/call/quotas/move",
            "/programmes/{slug}/nominations",
            "/programmes/{slug}/nominations/{nomination_id}",
            "/programmes/{slug}/nominations/{nomination_id}/withdraw",
            "/programmes/{slug}/nominations/{nomination_id}/substitute",
            "/programmes/{slug}/nominations/{nomination_id}/decision",
            "/programmes/{slug}/evaluation/results",
        ]
    }
    components = schema["components"]["schemas"]
    for name in [
        "ProgrammeOut",
        "ProgrammeIn",
        "SessionOut",
        "SessionIn",
        "ParticipationOut",
        "ParticipationIn",
        "PersonOut",
        "PersonIn",
        "OrganisationOut",
        "OrganisationIn",
    ]:
        assert name in components
    assert "bearer" in json.dumps(schema["components"]["securitySchemes"]).lower()
    assert Client().get(f"{API}/docs").status_code == 200


def test_listing_people_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(20):
        factories.ParticipationFactory(programme=world.a, country=world.kz)
    caller = Caller(world.organiser_a)
    with django_assert_max_num_queries(8):
        response = caller.get("/people?limit=100")
    assert response.json()["count"] == 22


def test_null_for_a_required_field_is_422(world):
    for field in ("title", "host_id", "start_date", "working_languages"):
        response = Caller(world.organiser_a).patch("/programmes/a", {field: None})
        assert response.status_code == 422, (field, response.content)
        assert field.removesuffix("_id") in response.json()["errors"]


def test_a_conflict_in_the_database_is_409_json(world, monkeypatch):
    from django.db import IntegrityError

    from seminarium.programmes import services

    def clash(*args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr(services, "save_session", clash)
    response = Caller(world.organiser_a).post("/programmes/a/sessions", SESSION)
    assert response.status_code == 409
    assert response.json()["detail"]


def test_a_nul_character_in_json_text_is_a_clear_400_and_changes_nothing(world):
    caller = Caller(world.organiser_a)
    response = caller.patch("/programmes/a", {"title": {"en": "Seminar\x00"}})
    assert response.status_code == 400
    assert "U+0000" in response.json()["detail"]
    world.a.refresh_from_db()
    assert "\x00" not in str(world.a.title)
    # Still valid JSON without NUL passes the same parser.
    assert caller.patch("/programmes/a", {"title": {"en": "Seminar"}}).status_code == 200
