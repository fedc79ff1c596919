"""Domain operations on people and organisations: atomic and audited."""

from django.db import transaction
from django.utils import timezone

from seminarium.core.audit import audited_save

from .models import Organisation, Person


@transaction.atomic
def save_person(actor, person: Person) -> Person:
    return audited_save(actor, person)


@transaction.atomic
def save_organisation(actor, organisation: Organisation) -> Organisation:
    return audited_save(actor, organisation)


@transaction.atomic
def update_own_profile(actor, person: Person, *, confirm_names: bool) -> Person:
    """A person corrects their own names and preferences; confirming stamps the time."""
    if confirm_names:
        person.names_confirmed_at = timezone.now()
    return audited_save(actor, person)
