"""A person's certificates in their data-rights export, and what erasure does to them."""

from django.dispatch import receiver
from django.utils import timezone

from seminarium.core.audit import snapshot
from seminarium.people.data_rights import collecting_person_data, erasing_person
from seminarium.people.models import Person

from .models import Certificate

EXPORTED_FIELDS = [
    "participation_id",
    "status",
    "reason",
    "code",
    "names",
    "programme_title",
    "dates",
    "attended_minutes",
    "attendance_rate",
    "issued_at",
    "revoked_at",
]
# Stored data, so one neutral form for every reader rather than a translation.
ERASED_REASON = "The holder's personal data was erased."


@receiver(collecting_person_data)
def collect(sender, person: Person, programme_id: int | None = None, **kwargs) -> dict:
    certificates = Certificate.objects.filter(participation__person=person)
    if programme_id is not None:
        certificates = certificates.filter(participation__programme_id=programme_id)
    return {"certificates": [snapshot(c, EXPORTED_FIELDS) for c in certificates]}


@receiver(erasing_person)
def erase(sender, person: Person, **kwargs) -> None:
    """The printed names and the PDF go. A certificate that was handed out stays verifiable
    by its code, as revoked, so nobody can pass the paper off as valid afterwards."""
    certificates = Certificate.objects.filter(participation__person=person)
    certificates.filter(status=Certificate.Status.ISSUED).update(
        status=Certificate.Status.REVOKED, revoked_at=timezone.now(), reason=ERASED_REASON
    )
    certificates.update(names=[], pdf=b"")
