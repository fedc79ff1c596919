"""The organiser console: who may see each page, and what the forms write."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from seminarium.core.models import AuditEvent
from seminarium.people.models import Organisation, Person
from seminarium.programmes.models import (
    Participation,
    Programme,
    ProgrammeRole,
    Session,
    SessionRole,
)
from tests import factories
from tests.conftest import client_for

# Multilingual inputs are numbered in settings.LANGUAGES order: zh-hans, ru, en.
ZH, RU, EN = 0, 1, 2


class World:
    """Two programmes with one object of each kind, and a user in every role."""

    def __init__(self):
        self.a = factories.ProgrammeFactory(slug="a")
        self.b = factories.ProgrammeFactory(slug="b")
        self.objects = {}
        for programme in (self.a, self.b):
            session = factories.SessionFactory(programme=programme)
            participation = factories.ParticipationFactory(programme=programme)
            role = factories.SessionRoleFactory(session=session, person=participation.person)
            self.objects[programme.slug] = {
                "programme": programme,
                "session": session,
                "participation": participation,
                "role": role,
                "person": participation.person,
            }
        self.organiser = factories.ProgrammeRoleFactory(programme=self.a).user
        self.coordinator = factories.ProgrammeRoleFactory(
            programme=self.a,
            role=ProgrammeRole.Role.COORDINATOR,
            country=factories.CountryFactory(code="KZ"),
        ).user
        self.participant = factories.UserFactory()
        person = self.objects["a"]["person"]
        person.user = self.participant
        person.save()
        self.admin = factories.UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def world(db):
    return World()


def _programme_pages(o: dict) -> list[str]:
    p, s, r, pa = o["programme"].pk, o["session"].pk, o["role"].pk, o["participation"].pk
    return [
        reverse("console:programme", args=[p]),
        reverse("console:programme_edit", args=[p]),
        reverse("console:session_create", args=[p]),
        reverse("console:session_roles", args=[p, s]),
        reverse("console:session_edit", args=[p, s]),
        reverse("console:session_delete", args=[p, s]),
        reverse("console:session_role_create", args=[p, s]),
        reverse("console:session_role_edit", args=[p, s, r]),
        reverse("console:session_role_delete", args=[p, s, r]),
        reverse("console:participations", args=[p]),
        reverse("console:participation_create", args=[p]),
        reverse("console:participation_edit", args=[p, pa]),
        reverse("console:participation_delete", args=[p, pa]),
        reverse("console:programme_roles", args=[p]),
        reverse("console:person_edit", args=[o["person"].pk]),
    ]


GENERAL_PAGES = [
    "console:home",
    "console:programme_create",
    "console:people",
    "console:person_create",
    "console:organisations",
    "console:organisation_create",
]


def test_anonymous_visitors_are_sent_to_sign_in(world):
    client = client_for(None)
    urls = _programme_pages(world.objects["a"]) + [reverse(name) for name in GENERAL_PAGES]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("who", ["participant", "coordinator"])
def test_people_without_console_access_get_403(world, who):
    client = client_for(getattr(world, who))
    urls = _programme_pages(world.objects["a"]) + [reverse(name) for name in GENERAL_PAGES]
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_an_organiser_cannot_reach_another_programmes_objects(world):
    client = client_for(world.organiser)
    for url in _programme_pages(world.objects["b"]):
        assert client.get(url).status_code == 404, url
    # Nor objects of B reached through A's address.
    a, b = world.a.pk, world.objects["b"]
    assert client.get(reverse("console:session_edit", args=[a, b["session"].pk])).status_code == 404
    url = reverse("console:participation_edit", args=[a, b["participation"].pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["organiser", "admin"])
def test_organisers_and_site_admins_see_every_page(world, who):
    client = client_for(getattr(world, who))
    urls = _programme_pages(world.objects["a"]) + [reverse(name) for name in GENERAL_PAGES]
    for url in urls:
        assert client.get(url).status_code == 200, url
    organisation = world.objects["a"]["person"].organisation
    url = reverse("console:organisation_edit", args=[organisation.pk])
    assert client.get(url).status_code == 200


def test_console_home_lists_only_the_organisers_programmes(world):
    world.b.title = {"en": "Other seminar"}
    world.b.save()
    text = client_for(world.organiser).get(reverse("console:home")).content.decode()
    assert reverse("console:programme", args=[world.a.pk]) in text
    assert reverse("console:programme", args=[world.b.pk]) not in text
    text = client_for(world.admin).get(reverse("console:home")).content.decode()
    assert reverse("console:programme", args=[world.b.pk]) in text


def test_people_list_is_scoped_to_the_organisers_programmes(world):
    response = client_for(world.organiser).get(reverse("console:people"))
    people = list(response.context["people"])
    assert world.objects["a"]["person"] in people
    assert world.objects["b"]["person"] not in people


def _programme_data(host: Organisation, **overrides) -> dict:
    data = {
        "slug": "sco-judges-2021",
        f"title_{ZH}": "上合组织国家法官研修班",
        f"title_{RU}": "Семинар судей ШОС",
        f"title_{EN}": "SCO Judges Seminar",
        "host": host.pk,
        "funding_reference": "MOFCOM-2021-17",
        "start_date": "2021-04-15",
        "end_date": "2021-04-21",
        "timezone": "Asia/Shanghai",
        "working_languages": ["zh-hans", "ru"],
        "delivery_mode": "online",
    }
    return {**data, **overrides}


def test_creating_a_programme_audits_it_and_makes_the_creator_its_organiser(world):
    host = world.a.host
    response = client_for(world.organiser).post(
        reverse("console:programme_create"), _programme_data(host)
    )
    programme = Programme.objects.get(slug="sco-judges-2021")
    assert response.status_code == 302
    assert response.url == reverse("console:programme", args=[programme.pk])
    assert programme.status == Programme.Status.DRAFT
    assert programme.title.localize("ru") == "Семинар судей ШОС"
    assert programme.working_languages == ["zh-hans", "ru"]
    assert ProgrammeRole.objects.filter(
        user=world.organiser, programme=programme, role=ProgrammeRole.Role.ORGANISER
    ).exists()
    event = AuditEvent.objects.get(object_type="programmes.programme", object_id=programme.pk)
    assert (event.action, event.actor) == ("create", world.organiser)


def test_a_programme_title_is_needed_in_every_working_language(world):
    data = _programme_data(world.a.host, **{f"title_{RU}": ""})
    response = client_for(world.organiser).post(reverse("console:programme_create"), data)
    assert response.status_code == 200
    assert "Give the title in every working language; missing: Russian." in (
        response.content.decode()
    )
    assert not Programme.objects.filter(slug="sco-judges-2021").exists()


def test_an_unknown_programme_time_zone_is_refused(world):
    data = _programme_data(world.a.host, timezone="Asia/Atlantis")
    response = client_for(world.organiser).post(reverse("console:programme_create"), data)
    assert response.status_code == 200
    assert "Asia/Atlantis" in response.content.decode()
    assert "is not a time zone name" in response.content.decode()
    assert not Programme.objects.filter(slug="sco-judges-2021").exists()


def test_editing_a_programme_keeps_titles_in_languages_the_form_does_not_show(world):
    programme = world.a
    programme.working_languages = ["ru", "en"]
    programme.save()
    data = _programme_data(
        programme.host, slug=programme.slug, working_languages=["ru", "en"], **{f"title_{ZH}": ""}
    )
    del data[f"title_{ZH}"]
    data[f"title_{EN}"] = "Judges Seminar, revised"
    response = client_for(world.organiser).post(
        reverse("console:programme_edit", args=[programme.pk]), data
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.title.data["en"] == "Judges Seminar, revised"
    assert programme.title.data["zh-hans"] == "法官研修班"
    assert AuditEvent.objects.filter(
        object_type="programmes.programme", object_id=programme.pk, action="update"
    ).exists()


def _session_data(**overrides) -> dict:
    data = {
        f"title_{ZH}": "开班仪式",
        f"title_{RU}": "Церемония открытия",
        f"title_{EN}": "Opening ceremony",
        "kind": "ceremony",
        "start": "2021-04-15T14:00",
        "end": "2021-04-15T15:30",
        "floor_language": "zh-hans",
        "interpretation_languages": ["ru", "en"],
        "is_online": "on",
    }
    return {**data, **overrides}


def test_session_times_are_entered_in_the_programme_zone_and_stored_in_utc(world):
    url = reverse("console:session_create", args=[world.a.pk])
    response = client_for(world.organiser).post(url, _session_data())
    session = Session.objects.get(programme=world.a, kind="ceremony")
    assert response.status_code == 302
    assert session.start == datetime(2021, 4, 15, 6, 0, tzinfo=UTC)
    assert session.end == datetime(2021, 4, 15, 7, 30, tzinfo=UTC)
    assert session.interpretation_languages == ["ru", "en"]
    event = AuditEvent.objects.get(object_type="programmes.session", object_id=session.pk)
    assert event.action == "create"
    assert event.programme_id == world.a.pk
    # Shown again in the programme's zone, with the zone named.
    edit = client_for(world.organiser).get(
        reverse("console:session_edit", args=[world.a.pk, session.pk])
    )
    text = edit.content.decode()
    assert 'value="2021-04-15T14:00"' in text
    assert "Asia/Shanghai" in text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end": "2021-04-15T13:00"}, "The end must come after the start."),
        (
            {"start": "2021-04-14T14:00", "end": "2021-04-14T15:00"},
            "The session starts before the programme’s first day.",
        ),
        (
            {"start": "2021-04-21T23:00", "end": "2021-04-22T01:00"},
            "The session ends after the programme’s last day.",
        ),
        ({"floor_language": "kk"}, "Select a valid choice."),
        ({"start": "not a time"}, "Enter a valid date/time."),
        ({f"title_{RU}": ""}, "Fill this in in every language shown."),
    ],
)
def test_invalid_sessions_are_shown_again_with_the_reason(world, overrides, message):
    url = reverse("console:session_create", args=[world.a.pk])
    before = Session.objects.count()
    response = client_for(world.organiser).post(url, _session_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Session.objects.count() == before


def test_floor_language_must_be_a_working_language(world):
    world.a.working_languages = ["zh-hans", "ru"]
    world.a.save()
    url = reverse("console:session_create", args=[world.a.pk])
    data = _session_data(floor_language="en", interpretation_languages=["ru"])
    response = client_for(world.organiser).post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Session.objects.filter(kind="ceremony").exists()


def test_validation_messages_follow_the_users_language(world):
    url = reverse("console:session_create", args=[world.a.pk]) + "?lang=ru"
    response = client_for(world.organiser).post(url, _session_data(end="2021-04-15T13:00"))
    assert response.status_code == 200
    assert "Церемония открытия" in response.content.decode()  # the input kept its value
    assert response["Content-Language"] == "ru"


def test_editing_and_deleting_a_session_is_audited(world):
    session = world.objects["a"]["session"]
    client = client_for(world.organiser)
    edit_url = reverse("console:session_edit", args=[world.a.pk, session.pk])
    response = client.post(
        edit_url, _session_data(kind="lecture", start="2021-04-16T09:00", end="2021-04-16T10:00")
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.start == datetime(2021, 4, 16, 1, 0, tzinfo=UTC)
    assert AuditEvent.objects.filter(object_id=session.pk, action="update").exists()
    response = client.post(reverse("console:session_delete", args=[world.a.pk, session.pk]))
    assert response.status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="programmes.session", object_id=session.pk, action="delete"
    ).exists()


def test_session_roles_are_listed_in_protocol_order_and_added_through_the_form(world):
    session = world.objects["a"]["session"]
    guest = factories.ParticipationFactory(programme=world.a).person
    client = client_for(world.organiser)
    url = reverse("console:session_role_create", args=[world.a.pk, session.pk])
    response = client.post(
        url,
        {
            "person": guest.pk,
            "role": "guest",
            "mode": "online",
            f"location_{RU}": "Пекин",
            f"location_{EN}": "Beijing",
            "protocol_order": 1,
        },
    )
    assert response.status_code == 302
    role = SessionRole.objects.get(session=session, person=guest)
    assert role.location.localize("en") == "Beijing"
    assert AuditEvent.objects.filter(object_type="programmes.sessionrole", action="create").exists()
    listed = client.get(reverse("console:session_roles", args=[world.a.pk, session.pk]))
    assert listed.context["roles"][0] == role


def test_interpreters_are_given_their_channel_on_the_session_page(world):
    session = world.objects["a"]["session"]
    session.interpretation_languages = ["ru", "en"]
    session.save()
    interpreter = factories.ParticipationFactory(programme=world.a).person
    client = client_for(world.organiser)
    url = reverse("console:session_role_create", args=[world.a.pk, session.pk])
    form = {"person": interpreter.pk, "mode": "online", "protocol_order": 9}
    refused = client.post(url, {**form, "role": "interpreter"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["channel"] == [
        "Choose the language this interpreter interprets into."
    ]
    not_offered = client.post(url, {**form, "role": "interpreter", "channel": "kk"})
    assert "channel" in not_offered.context["form"].errors
    speaker = client.post(url, {**form, "role": "speaker", "channel": "ru"})
    assert speaker.context["form"].errors["channel"] == [
        "Only interpreters interpret into a channel."
    ]
    assert not SessionRole.objects.filter(person=interpreter).exists()
    assert client.post(url, {**form, "role": "interpreter", "channel": "ru"}).status_code == 302
    role = SessionRole.objects.get(person=interpreter)
    assert role.channel == "ru"
    # The session drops Russian: editing the role shows the channel as no longer offered
    # and keeps it unless it is changed.
    session.interpretation_languages = ["en"]
    session.save()
    edit = reverse("console:session_role_edit", args=[world.a.pk, session.pk, role.pk])
    choices = dict(client.get(edit).context["form"].fields["channel"].choices)
    assert choices["ru"].endswith("(no longer offered)")
    kept = client.post(edit, {**form, "role": "interpreter", "channel": "ru", "protocol_order": 3})
    assert kept.status_code == 302
    role.refresh_from_db()
    assert (role.channel, role.protocol_order) == ("ru", 3)


def test_session_roles_offer_only_people_taking_part(world):
    session = world.objects["a"]["session"]
    outsider = world.objects["b"]["person"]
    url = reverse("console:session_role_create", args=[world.a.pk, session.pk])
    response = client_for(world.organiser).post(
        url, {"person": outsider.pk, "role": "speaker", "mode": "onsite", "protocol_order": 5}
    )
    assert response.status_code == 200
    assert not SessionRole.objects.filter(person=outsider, session=session).exists()


def test_a_duplicate_session_role_is_refused_on_the_form(world):
    existing = world.objects["a"]["role"]
    url = reverse("console:session_role_create", args=[world.a.pk, existing.session_id])
    response = client_for(world.organiser).post(
        url,
        {
            "person": existing.person_id,
            "role": existing.role,
            "mode": "onsite",
            "protocol_order": 5,
        },
    )
    assert response.status_code == 200
    assert SessionRole.objects.filter(session=existing.session).count() == 1


def test_participations_are_added_filtered_and_audited(world):
    newcomer = factories.PersonFactory()
    factories.ParticipationFactory(programme=world.a, country=factories.CountryFactory(code="UZ"))
    client = client_for(world.organiser)
    response = client.post(
        reverse("console:participation_create", args=[world.a.pk]),
        {"person": newcomer.pk, "kind": "participant", "country": "TJ", "status": "invited"},
    )
    assert response.status_code == 302
    participation = Participation.objects.get(programme=world.a, person=newcomer)
    assert participation.country_id == "TJ"
    event = AuditEvent.objects.get(object_type="programmes.participation", action="create")
    assert event.country_code == "TJ"
    url = reverse("console:participations", args=[world.a.pk])
    listed = client.get(url, {"country": "UZ"}).context["participations"]
    assert {p.country_id for p in listed} == {"UZ"}
    # HTMX asks for the table alone.
    partial = client.get(url, {"country": "TJ"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert [p.person for p in partial.context["participations"]] == [newcomer]


def test_creating_a_person_for_a_programme_leads_on_to_adding_them(world):
    client = client_for(world.organiser)
    response = client.post(
        reverse("console:person_create") + f"?programme={world.a.pk}",
        {
            "family_name": "Ахмезакиров",
            "given_name": "Наиль",
            "patronymic": "Рафисович",
            "latin_family_name": "Akhmezakirov",
            "latin_given_name": "Naili",
            f"position_{RU}": "Судья",
            "preferred_language": "ru",
            "home_timezone": "Asia/Almaty",
        },
    )
    person = Person.objects.get(latin_given_name="Naili")
    assert response.status_code == 302
    assert response.url == (
        reverse("console:participation_create", args=[world.a.pk]) + f"?person={person.pk}"
    )
    assert AuditEvent.objects.filter(object_type="people.person", action="create").exists()


def test_a_persons_unknown_home_time_zone_is_refused(world):
    person = world.objects["a"]["person"]
    response = client_for(world.organiser).post(
        reverse("console:person_edit", args=[person.pk]),
        {
            "family_name": person.family_name,
            "preferred_language": "ru",
            "home_timezone": "Europe/Atlantis",
        },
    )
    assert response.status_code == 200
    assert "is not a time zone name" in response.content.decode()
    person.refresh_from_db()
    assert person.home_timezone == "Europe/Moscow"


def test_organisations_are_created_with_a_country_and_audited(world):
    response = client_for(world.organiser).post(
        reverse("console:organisation_create"),
        {
            f"name_{EN}": "Supreme Court of Tajikistan",
            "short_name": "SC TJ",
            "country": "TJ",
            "kind": "court",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(short_name="SC TJ")
    assert organisation.country_id == "TJ"
    assert AuditEvent.objects.filter(object_type="people.organisation", action="create").exists()


def test_granting_roles_by_user_name_or_email(world):
    colleague = factories.UserFactory(username="liu", email="liu@example.org")
    client = client_for(world.organiser)
    url = reverse("console:programme_roles", args=[world.a.pk])
    assert client.post(url, {"user": "LIU@example.org", "role": "organiser"}).status_code == 302
    assert ProgrammeRole.objects.filter(user=colleague, programme=world.a, role="organiser")
    # A coordinator needs a country.
    response = client.post(url, {"user": "liu", "role": "coordinator"})
    assert response.status_code == 200
    assert "Choose the country" in response.content.decode()
    assert (
        client.post(url, {"user": "liu", "role": "coordinator", "country": "KZ"}).status_code == 302
    )
    assert AuditEvent.objects.filter(object_type="programmes.programmerole").count() == 2
    response = client.post(url, {"user": "nobody", "role": "organiser"})
    assert "No single user" in response.content.decode()


def test_publishing_decides_what_anonymous_visitors_see(world):
    programme = world.a
    client, visitor = client_for(world.organiser), client_for(None)
    status_url = reverse("console:programme_status", args=[programme.pk])
    assert client.post(status_url, {"status": "draft"}).status_code == 302
    assert visitor.get(f"/p/{programme.slug}/").status_code == 404
    assert client.post(status_url, {"status": "published"}).status_code == 302
    assert visitor.get(f"/p/{programme.slug}/").status_code == 200
    assert (
        AuditEvent.objects.filter(object_type="programmes.programme", action="status").count() == 2
    )
    assert client.get(status_url).status_code == 405
    assert (
        client_for(world.organiser)
        .post(reverse("console:programme_status", args=[world.b.pk]), {"status": "draft"})
        .status_code
        == 404
    )
