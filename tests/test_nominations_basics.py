"""The nomination services' core promises, in plain examples (see also the state machine)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail as django_mail

from seminarium.core import mail
from seminarium.core.models import OutboxMessage
from seminarium.nominations import services
from seminarium.nominations.models import Nomination, Quota
from seminarium.programmes.models import Participation, ProgrammeRole
from tests import factories


@pytest.fixture
def call(db):
    programme = factories.ProgrammeFactory()
    programme.refresh_from_db()  # multilingual fields as the database gives them
    coordinator = factories.ProgrammeRoleFactory(
        programme=programme,
        role=ProgrammeRole.Role.COORDINATOR,
        country=factories.CountryFactory(code="KZ"),
    )
    return services.open_call(
        coordinator.user,
        programme,
        deadline=datetime.now(UTC) + timedelta(days=7),
        quotas={"KZ": 2, "RU": 1},
    )


def nominee(n: int):
    return factories.PersonFactory.build(
        email=f"Judge{n}@Example.org", organisation=factories.OrganisationFactory()
    )


def test_places_are_taken_up_to_the_quota_and_no_further(call):
    services.nominate(None, call, "KZ", nominee(1))
    services.nominate(None, call, "KZ", nominee(2))
    with pytest.raises(services.NominationRefused) as refused:
        services.nominate(None, call, "KZ", nominee(3))
    assert refused.value.code == "quota_full"
    assert Quota.objects.get(call=call, country="KZ").taken == 2


def test_the_same_judge_twice_is_refused_whatever_the_case_of_the_address(call):
    services.nominate(None, call, "KZ", nominee(1))
    with pytest.raises(services.NominationRefused) as refused:
        services.nominate(
            None,
            call,
            "KZ",
            factories.PersonFactory.build(email="judge1@example.ORG", organisation=None),
        )
    assert refused.value.code == "duplicate"


def test_deadline_is_enforced(call):
    call.deadline = datetime.now(UTC) - timedelta(minutes=1)
    call.save()
    with pytest.raises(services.NominationRefused) as refused:
        services.nominate(None, call, "KZ", nominee(1))
    assert refused.value.code == "deadline"


def test_a_freed_place_goes_to_the_first_on_the_waiting_list_who_is_invited(call):
    first = services.nominate(None, call, "KZ", nominee(1))
    second = services.nominate(None, call, "KZ", nominee(2))
    services.decide(None, second, Nomination.Status.WAITLISTED, "later")
    third = services.nominate(None, call, "KZ", nominee(3))
    services.decide(None, third, Nomination.Status.WAITLISTED, "later still")
    services.nominate(None, call, "KZ", nominee(4))  # the quota is full again
    services.withdraw(None, first)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == Nomination.Status.APPROVED
    assert third.status == Nomination.Status.WAITLISTED
    assert second.participation.status == Participation.Status.INVITED
    invitation = OutboxMessage.objects.get(purpose="invitation", to="judge2@example.org")
    assert "/accounts/link/?token=" in invitation.text_body
    assert "/accounts/link/" not in invitation.preview  # organisers never see the link


def test_moving_places_only_moves_unused_ones(call):
    services.nominate(None, call, "KZ", nominee(1))
    with pytest.raises(services.NominationRefused):
        services.move_places(None, call, "KZ", "RU", 2)
    services.move_places(None, call, "KZ", "RU", 1)
    assert {q.country_id: q.places for q in call.quotas.all()} == {"KZ": 1, "RU": 2}


def test_call_is_mailed_to_coordinators_in_the_programmes_first_language(call, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mail.deliver_due() == 1
    # The coordinator has no person record, so the programme's first working language.
    assert django_mail.outbox[0].subject == "推荐通知：法官研修班"


def test_coordinators_hear_of_the_call_when_it_opens_not_at_every_edit(call):
    assert OutboxMessage.objects.filter(purpose="call").count() == 1
    services.open_call(
        None, call.programme, deadline=call.deadline + timedelta(days=1), quotas={"KZ": 3}
    )
    assert OutboxMessage.objects.filter(purpose="call").count() == 1
    services.close_call(None, call)
    services.open_call(None, call.programme, deadline=call.deadline, quotas={})
    assert OutboxMessage.objects.filter(purpose="call").count() == 2
