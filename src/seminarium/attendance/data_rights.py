"""A person's attendance in their data-rights export, and what erasure does to it."""

from django.dispatch import receiver

from seminarium.core.audit import snapshot
from seminarium.people.data_rights import collecting_person_data, erasing_person
from seminarium.people.models import Person

from . import services
from .models import AttendanceEvent, AttendedTime, ExcusedAbsence


@receiver(collecting_person_data)
def collect(sender, person: Person, programme_id: int | None = None, **kwargs) -> dict:
    participations = person.participations.all()
    if programme_id is not None:
        participations = participations.filter(programme_id=programme_id)
    ids = list(participations.values_list("pk", flat=True))
    services.refresh_for(ids)
    return {
        "attendance_events": [
            snapshot(e, ["session_id", "source", "kind", "at", "device", "final", "payload"])
            for e in AttendanceEvent.objects.filter(participation_id__in=ids).order_by("at", "pk")
        ],
        "attended_time": [
            {**snapshot(t, ["session_id", "intervals"]), "minutes": t.minutes}
            for t in AttendedTime.objects.filter(participation_id__in=ids).order_by("session_id")
        ],
        "excused_absences": [
            snapshot(x, ["session_id", "reason", "recorded_at"])
            for x in ExcusedAbsence.objects.filter(participation_id__in=ids)
        ],
    }


@receiver(erasing_person)
def erase(sender, person: Person, **kwargs) -> None:
    """Raw payloads and provider labels go; the times, and so the attendance, stay."""
    services.blank_personal_payloads(None, person.participations.values_list("pk", flat=True))
