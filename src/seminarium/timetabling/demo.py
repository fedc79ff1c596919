"""Timetabling inputs for the demonstration seminar: the ceremonies open and close it, and the
booth pair may interpret at most four hours a day. Idempotent."""

from django.db import transaction

from seminarium.programmes.models import Programme, Session, SessionRole

from . import services
from .models import InterpreterLimit, OrderingRule

SYSTEM = None


@transaction.atomic
def load_demo(programme: Programme) -> None:
    ceremonies = list(
        Session.objects.filter(programme=programme, kind=Session.Kind.CEREMONY).order_by("start")
    )
    if len(ceremonies) >= 2 and not OrderingRule.objects.filter(programme=programme).exists():
        opening, closing = ceremonies[0], ceremonies[-1]
        services.save_input(
            SYSTEM, OrderingRule(programme=programme, kind="first", session=opening)
        )
        services.save_input(SYSTEM, OrderingRule(programme=programme, kind="last", session=closing))
    interpreters = (
        SessionRole.objects.filter(session__programme=programme, role=SessionRole.Role.INTERPRETER)
        .values_list("person_id", flat=True)
        .distinct()
    )
    for person_id in interpreters:
        if not InterpreterLimit.objects.filter(programme=programme, person_id=person_id).exists():
            services.save_input(
                SYSTEM,
                InterpreterLimit(programme=programme, person_id=person_id, max_daily_minutes=240),
            )
