"""Demonstration attendance for the demo seminar: invented, deterministic, idempotent.

Most judges attend nearly every session; every fifth drops out for part of some
sessions, one misses a whole day, one absence is excused, and one phone caller the
provider could not match waits in the organisers' review list.
"""

import random
from datetime import timedelta

from django.db import transaction

from seminarium.programmes.models import Participation, Programme

from . import services
from .models import ExcusedAbsence
from .services import IncomingEvent

SOURCE = "jitsi"
SYSTEM = None
EXCUSE_REASON = "Presiding over a scheduled court hearing (letter from the court president)."


def _visits(rng: random.Random, start, end, *, drops_out: bool) -> list[tuple]:
    """(join, leave) pairs of one judge in one session."""
    join = start - timedelta(minutes=rng.randint(0, 6))
    leave = end + timedelta(minutes=rng.randint(-2, 4))
    if not drops_out:
        return [(join, leave)]
    length = end - start
    away_from = start + length * rng.uniform(0.2, 0.6)
    away_for = timedelta(minutes=rng.randint(15, 40))
    return [(join, away_from), (away_from + away_for, leave)]


@transaction.atomic
def load_demo(programme: Programme) -> None:
    """Record the demo's attendance events; running it again changes nothing."""
    sessions = services.counted_sessions(programme)
    judges = list(
        programme.participations.filter(
            kind=Participation.Kind.PARTICIPANT, status__in=services.ACTIVE_STATUSES
        ).order_by("country_id", "person__latin_family_name", "pk")
    )
    if not sessions or not judges:
        return
    excused = (min(7, len(judges) - 1), len(sessions) // 2)
    events = []
    for number, judge in enumerate(judges):
        # Seeded by position, so every load of the demo tells the same story.
        rng = random.Random(number)  # noqa: S311 - invented data, not secrets
        for index, session in enumerate(sessions):
            if number == 4 and session.start.date() == sessions[-1].start.date():
                continue  # misses the last day
            if (number, index) == excused:
                continue
            drops_out = number % 5 == 2 and index % 2 == 1
            for visit, (joined, left) in enumerate(
                _visits(rng, session.start, session.end, drops_out=drops_out)
            ):
                for kind, moment in (("join", joined), ("leave", left)):
                    events.append(
                        IncomingEvent(
                            session_id=session.pk,
                            source=SOURCE,
                            kind=kind,
                            at=moment,
                            participation_id=judge.pk,
                            device=f"demo-{number}",
                            provider_event_id=f"demo-{session.pk}-{judge.pk}-{visit}-{kind}",
                        )
                    )
    first = sessions[0]
    for kind, minutes in (("join", 10), ("leave", 55)):
        events.append(
            IncomingEvent(
                session_id=first.pk,
                source=SOURCE,
                kind=kind,
                at=first.start + timedelta(minutes=minutes),
                participation_id=None,
                device="demo-phone",
                provider_event_id=f"demo-{first.pk}-phone-{kind}",
                participant_label="+7 701 *** ** 12",
            )
        )
    services.record_events(events)
    for session in sessions:
        services.record_room_end(session.pk, SOURCE, session.end + timedelta(minutes=5))
    judge, session = judges[excused[0]], sessions[excused[1]]
    if not ExcusedAbsence.objects.filter(participation=judge, session=session).exists():
        services.excuse_absence(SYSTEM, judge, session, EXCUSE_REASON)
