"""Demonstration certificates for the demo seminar: deterministic and idempotent.

Needs the attendance demo first. The (fictional) judges confirm their names on the
seminar's last day; everyone at or above the attendance threshold gets a
certificate, and the others' are withheld with a reason, as an organiser would.
"""

from datetime import datetime, time

from django.db import transaction

from seminarium.people.services import save_person

from . import services

SYSTEM = None
WITHHELD_REASON = "Attendance below the threshold (missed sessions without an excuse)."


@transaction.atomic
def load_demo(programme) -> None:
    """Issue or withhold each demo judge's certificate once; running it again changes nothing."""
    confirmed_at = datetime.combine(programme.end_date, time(12), tzinfo=programme.zone)
    for candidate in services.candidates(programme):
        if candidate.certificate is not None or candidate.attendance is None:
            continue
        person = candidate.participation.person
        if person.names_confirmed_at is None and person.is_fictional:
            person.names_confirmed_at = confirmed_at
            save_person(SYSTEM, person)
        if candidate.eligible and person.names_confirmed_at:
            services.issue(SYSTEM, candidate.participation)
        elif not candidate.eligible:
            services.withhold(SYSTEM, candidate.participation, WITHHELD_REASON)
