"""Domain operations on programmes. Each is one atomic, audited operation;
views, the API and commands all call these."""

from django.db import transaction

from seminarium.core.audit import audited_delete, audited_save, record, snapshot

from .models import Participation, Programme, ProgrammeRole, Session, SessionRole


@transaction.atomic
def save_programme(actor, programme: Programme) -> Programme:
    creating = programme.pk is None
    audited_save(actor, programme, programme_id=programme.pk)
    if creating and actor is not None and actor.is_authenticated:
        # Whoever creates a programme organises it.
        ProgrammeRole.objects.get_or_create(
            user=actor, programme=programme, role=ProgrammeRole.Role.ORGANISER
        )
    return programme


@transaction.atomic
def set_programme_status(actor, programme: Programme, status: str) -> Programme:
    before = snapshot(programme, ["status"])
    programme.status = Programme.Status(status)
    programme.save(update_fields=["status", "updated_at"])
    record(
        actor,
        "status",
        programme,
        before=before,
        after=snapshot(programme, ["status"]),
        programme_id=programme.pk,
    )
    return programme


@transaction.atomic
def save_session(actor, session: Session) -> Session:
    audited_save(actor, session, programme_id=session.programme_id)
    return session


@transaction.atomic
def delete_session(actor, session: Session) -> None:
    audited_delete(actor, session, programme_id=session.programme_id)


@transaction.atomic
def save_session_role(actor, role: SessionRole) -> SessionRole:
    audited_save(actor, role, programme_id=role.session.programme_id)
    return role


@transaction.atomic
def delete_session_role(actor, role: SessionRole) -> None:
    audited_delete(actor, role, programme_id=role.session.programme_id)


@transaction.atomic
def save_participation(actor, participation: Participation) -> Participation:
    return audited_save(
        actor,
        participation,
        programme_id=participation.programme_id,
        country_code=participation.country_id,
    )


@transaction.atomic
def delete_participation(actor, participation: Participation) -> None:
    audited_delete(
        actor,
        participation,
        programme_id=participation.programme_id,
        country_code=participation.country_id,
    )


@transaction.atomic
def grant_programme_role(actor, role: ProgrammeRole) -> ProgrammeRole:
    return audited_save(
        actor, role, programme_id=role.programme_id, country_code=role.country_id or ""
    )
