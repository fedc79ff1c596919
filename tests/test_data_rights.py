"""A person's data rights: the export holds everything, the erasure leaves counts but no names."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from seminarium.core.models import AuditEvent, OutboxMessage
from seminarium.nominations import services as nominations
from seminarium.nominations.models import Nomination
from seminarium.people.data_rights import REDACTED, erase_person, export_person
from seminarium.programmes.models import Participation, ProgrammeRole
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

NAME = "Ахмезакиров"


@pytest.fixture
def judge():
    """A judge nominated to and approved for programme A, and a participant of programme B."""
    programme = factories.ProgrammeFactory(slug="a")
    call = nominations.open_call(
        None, programme, deadline=datetime.now(UTC) + timedelta(days=7), quotas={"KZ": 2}
    )
    person = factories.PersonFactory.build(
        family_name=NAME,
        chinese_name="阿赫梅扎基罗夫",
        email="Naili@Example.org",
        organisation=factories.OrganisationFactory(),
    )
    nomination = nominations.nominate(None, call, "KZ", person, {"languages": "ru, kk"})
    nominations.decide(None, nomination, Nomination.Status.APPROVED, "Speaks at the opening")
    other = factories.ParticipationFactory(person=person, programme__slug="b")
    factories.SessionRoleFactory(session__programme=programme, person=person)
    person.refresh_from_db()
    return person, programme, other.programme


def test_the_export_holds_everything_and_is_json_safe(judge):
    person, programme, other = judge
    data = json.loads(json.dumps(export_person(None, person)))
    assert data["person"]["family_name"] == NAME
    assert data["account"]["email"] == "naili@example.org"
    assert {p["programme_id"] for p in data["participations"]} == {programme.pk, other.pk}
    assert data["session_roles"][0]["programme_id"] == programme.pk
    [nomination] = data["nominations"]
    assert (nomination["status"], nomination["reason"]) == ("approved", "Speaks at the opening")
    assert nomination["answers"] == {"languages": "ru, kk"}
    assert {"nominate", "approved", "create"} <= {e["action"] for e in data["audit_events"]}
    assert AuditEvent.objects.filter(action="export", object_id=str(person.pk)).exists()


def test_an_organisers_export_holds_only_their_programme(judge):
    person, _programme, other = judge
    data = export_person(None, person, programme_id=other.pk)
    assert [p["programme_id"] for p in data["participations"]] == [other.pk]
    assert data["nominations"] == []
    assert all(e["programme_id"] in (None, other.pk) for e in data["audit_events"])


def test_erasure_keeps_the_counts_and_nothing_personal(judge):
    person, _programme, _other = judge
    user = person.user
    erase_person(None, person, "Request of 1 May")
    person.refresh_from_db()
    user.refresh_from_db()
    assert person.family_name == f"Erased person {person.pk}"
    assert (person.email, person.chinese_name, person.latin_family_name) == ("", "", "")
    assert person.user is None and person.organisation is None
    assert not user.is_active and not user.has_usable_password() and user.email == ""
    nomination = Nomination.objects.get(person=person)
    assert (nomination.answers, nomination.reason) == ({}, "")
    assert nomination.status == Nomination.Status.APPROVED  # still counted
    assert Participation.objects.filter(person=person).count() == 2
    invitation = OutboxMessage.objects.get(purpose="invitation")
    assert invitation.status == OutboxMessage.Status.FAILED  # never sent to an erased person
    assert "naili" not in invitation.to and invitation.text_body == ""
    # No earlier event still holds the name or the address.
    logged = json.dumps(
        list(AuditEvent.objects.values("object_label", "actor_label", "before", "after")),
        ensure_ascii=False,
    )
    assert NAME not in logged and "阿赫梅扎基罗夫" not in logged and "naili@" not in logged
    assert REDACTED in logged
    erasure = AuditEvent.objects.filter(action="erase").first()
    assert "family_name" in erasure.after["erased_fields"]
    assert erasure.after["grounds"] == "Request of 1 May"


def test_an_erased_person_can_be_nominated_again_as_someone_new(judge):
    person, programme, _other = judge
    erase_person(None, person, "request")
    nominations.nominate(
        None,
        programme.call,
        "KZ",
        factories.PersonFactory.build(email="naili@example.org", organisation=None),
    )


@pytest.fixture
def people(judge):
    person, programme, _other = judge
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    other_organiser = factories.ProgrammeRoleFactory(programme=factories.ProgrammeFactory()).user
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    return person, programme, organiser, other_organiser, admin


def test_pages_are_scoped_and_private(people):
    person, programme, organiser, other_organiser, admin = people
    scoped = reverse("console:programme_person_data", args=[programme.pk, person.pk])
    scoped_json = reverse("console:programme_person_data_json", args=[programme.pk, person.pk])
    everything = reverse("console:person_data", args=[person.pk])
    erase = reverse("console:person_data_erase", args=[person.pk])
    as_organiser = client_for(organiser)
    page = as_organiser.get(scoped)
    assert page.status_code == 200 and NAME in page.content.decode()
    download = as_organiser.get(scoped_json)
    assert download["Cache-Control"] == "private, no-store"
    assert "attachment" in download["Content-Disposition"]
    assert download.json()["nominations"][0]["reason"] == "Speaks at the opening"
    for url in (everything, erase):
        assert as_organiser.get(url).status_code == 404
    for url in (scoped, scoped_json):
        assert client_for(other_organiser).get(url).status_code == 404
    assert client_for(None).get(scoped).status_code == 302
    as_admin = client_for(admin)
    assert as_admin.get(everything).status_code == 200
    assert as_admin.get(erase).status_code == 200
    assert as_admin.post(erase, {"reason": ""}).status_code == 200  # grounds are required
    assert as_admin.post(erase, {"reason": "Request of 1 May"}).status_code == 302
    person.refresh_from_db()
    assert person.family_name == f"Erased person {person.pk}"


def test_a_coordinator_has_no_data_pages(people):
    person, programme, *_ = people
    coordinator = factories.ProgrammeRoleFactory(
        programme=programme,
        role=ProgrammeRole.Role.COORDINATOR,
        country=factories.CountryFactory(code="KZ"),
    ).user
    url = reverse("console:programme_person_data", args=[programme.pk, person.pk])
    assert client_for(coordinator).get(url).status_code == 403
