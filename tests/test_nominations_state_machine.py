"""Random sequences of nominating, withdrawing, deciding, substituting and moving places
(hypothesis), with the promises of the nomination rules checked after every step:

- each quota has 0 <= taken <= places, and taken is the number of that country's
  nominations holding a place (pending or approved);
- no two live nominations in a call share a person or an e-mail address;
- a participation is active exactly when its nomination is approved.

Each example runs inside a savepoint that is rolled back afterwards.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from seminarium.nominations import services
from seminarium.nominations.models import Nomination, Quota
from seminarium.programmes.models import Participation
from tests import factories

COUNTRIES = {"KZ": 2, "RU": 1, "UZ": 1}
# Four judges and three addresses: judge 3 shares judge 0's address (a court's common
# inbox), written in other letter case. Few judges, so that they are nominated again.
EMAILS = ["a0@example.org", "a1@example.org", "a2@example.org", "A0@Example.ORG"]
LIVE = (Nomination.Status.PENDING, Nomination.Status.APPROVED, Nomination.Status.WAITLISTED)

countries = st.sampled_from(sorted(COUNTRIES))
judges = st.integers(min_value=0, max_value=len(EMAILS) - 1)


class Nominations(RuleBasedStateMachine):
    nominations = Bundle("nominations")

    def __init__(self):
        super().__init__()
        self.example = transaction.atomic()
        self.example.__enter__()
        self.organiser = factories.UserFactory()
        programme = factories.ProgrammeFactory()
        self.call = services.open_call(
            self.organiser,
            programme,
            deadline=datetime.now(UTC) + timedelta(days=7),
            quotas=COUNTRIES,
        )
        self.judges = [factories.PersonFactory(email=email) for email in EMAILS]

    def teardown(self):
        transaction.set_rollback(True)
        self.example.__exit__(None, None, None)

    # What the rules should refuse, worked out independently of the services.

    def _live(self):
        return Nomination.objects.filter(call=self.call, status__in=LIVE)

    def _is_duplicate(self, person, email: str, other_than: int | None = None) -> bool:
        """Whether the person or address has a live nomination (other than ``other_than``)."""
        live = self._live().exclude(pk=other_than)
        return live.filter(person=person).exists() or live.filter(email=email.lower()).exists()

    def _is_full(self, country: str) -> bool:
        quota = Quota.objects.get(call=self.call, country=country)
        return quota.taken >= quota.places

    # Steps

    @rule(target=nominations, country=countries, judge=judges)
    def nominate(self, country, judge):
        expected = (
            "duplicate"
            if self._is_duplicate(self.judges[judge], EMAILS[judge])
            else "quota_full"
            if self._is_full(country)
            else None
        )
        try:
            nomination = services.nominate(self.organiser, self.call, country, self.judges[judge])
        except services.NominationRefused as refusal:
            assert refusal.code == expected
            return multiple()
        assert expected is None
        return nomination.pk

    @rule(nomination=nominations)
    def withdraw(self, nomination):
        services.withdraw(self.organiser, Nomination(pk=nomination), "changed plans")
        assert Nomination.objects.get(pk=nomination).status == Nomination.Status.WITHDRAWN

    @rule(
        nomination=nominations,
        decision=st.sampled_from(
            [Nomination.Status.APPROVED, Nomination.Status.WAITLISTED, Nomination.Status.REJECTED]
        ),
    )
    def decide(self, nomination, decision):
        current = Nomination.objects.get(pk=nomination)
        expected = None
        if current.status == Nomination.Status.WITHDRAWN:
            expected = "withdrawn"
        elif (
            decision == Nomination.Status.APPROVED
            and not current.holds_place
            and self._is_full(current.country_id)
        ):
            expected = "quota_full"
        elif (
            current.status not in LIVE
            and decision in LIVE
            and self._is_duplicate(current.person, current.email, other_than=current.pk)
        ):
            expected = "duplicate"  # rejected, then nominated again
        try:
            services.decide(self.organiser, current, decision, "decided")
        except services.NominationRefused as refusal:
            assert refusal.code == expected
            assert Nomination.objects.get(pk=nomination).status == current.status
            return
        assert expected is None
        assert Nomination.objects.get(pk=nomination).status == decision

    @rule(target=nominations, nomination=nominations, judge=judges)
    def substitute(self, nomination, judge):
        current = Nomination.objects.get(pk=nomination)
        if current.status != Nomination.Status.PENDING:
            expected = "not_pending"
        elif self._is_duplicate(self.judges[judge], EMAILS[judge], other_than=current.pk):
            expected = "duplicate"
        else:
            expected = None
        try:
            replacement = services.substitute(self.organiser, current, self.judges[judge])
        except services.NominationRefused as refusal:
            assert refusal.code == expected
            assert Nomination.objects.get(pk=nomination).status == current.status
            return multiple()
        assert expected is None
        assert replacement.country_id == current.country_id
        return replacement.pk

    @rule(source=countries, target_country=countries, count=st.integers(1, 2))
    def move_places(self, source, target_country, count):
        quota = Quota.objects.get(call=self.call, country=source)
        enough = quota.places - quota.taken >= count
        try:
            services.move_places(self.organiser, self.call, source, target_country, count)
        except services.NominationRefused as refusal:
            assert refusal.code == "not_enough_places"
            assert not enough
            return
        assert enough

    # Invariants

    @invariant()
    def places_are_counted_exactly(self):
        for quota in Quota.objects.filter(call=self.call):
            assert 0 <= quota.taken <= quota.places
            holding = Nomination.objects.filter(
                call=self.call, country=quota.country, status__in=Nomination.HOLDS_PLACE
            ).count()
            assert quota.taken == holding, (quota, holding)

    @invariant()
    def places_are_never_created_nor_lost_by_moving(self):
        total = sum(q.places for q in Quota.objects.filter(call=self.call))
        assert total == sum(COUNTRIES.values())

    @invariant()
    def nobody_is_nominated_twice(self):
        live = list(self._live().values_list("person_id", "email"))
        assert len({person for person, _email in live}) == len(live)
        assert len({email for _person, email in live}) == len(live)

    @invariant()
    def exactly_the_approved_take_part(self):
        active = Participation.objects.filter(programme=self.call.programme).exclude(
            status=Participation.Status.CANCELLED
        )
        approved = Nomination.objects.filter(call=self.call, status=Nomination.Status.APPROVED)
        assert set(active.values_list("pk", flat=True)) == set(
            approved.values_list("participation_id", flat=True)
        )
        assert all(pk is not None for pk in approved.values_list("participation_id", flat=True))


@pytest.mark.django_db
def test_nomination_rules_hold_over_random_sequences():
    run_state_machine_as_test(
        Nominations,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
        ),
    )
