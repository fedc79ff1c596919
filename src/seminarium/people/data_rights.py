"""A person's data rights: export everything held on them, or erase it (see docs/data-rights.md).

Participations, session roles and nominations belong to apps above people; they
are read here through their relation names only, so people imports nothing of them.
"""

from django.db import models, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from seminarium.core.audit import record, snapshot
from seminarium.core.models import AuditEvent, OutboxMessage

from .models import Person

# Reverse relations from Person, declared by the apps above.
RELATED = ("participations", "session_roles", "nominations")

REDACTED = "[erased]"

# The apps above people hold more about a person (attendance, answers, certificates).
# Export asks them through this signal: each receiver returns {section name: JSON-safe data}
# for ``person``, limited to ``programme_id`` when it is given.
collecting_person_data = Signal()
# Erasure tells them inside its transaction; each receiver blanks what it holds on ``person``
# and keeps what counts need.
erasing_person = Signal()

# Person fields cleared on erasure (attribute names, as audit snapshots store them).
ERASED_PERSON_FIELDS = {
    "family_name": None,  # replaced by a placeholder, see _placeholder()
    "given_name": "",
    "patronymic": "",
    "latin_family_name": "",
    "latin_given_name": "",
    "chinese_name": "",
    "russian_name": "",
    "position": {},
    "organisation_id": None,
    "email": "",
    "home_timezone": "UTC",
    "names_confirmed_at": None,
    "user_id": None,
}
# Nomination fields that hold free text or contact details about the nominee.
ERASED_NOMINATION_FIELDS = ("email", "answers", "reason")
# Keys whose values are blanked in earlier audit events about the person.
REDACTED_KEYS = frozenset(ERASED_PERSON_FIELDS) | set(ERASED_NOMINATION_FIELDS)


def _placeholder(person: Person) -> str:
    # Stored data, so one neutral form for every reader rather than a translation.
    return f"Erased person {person.pk}"


def _related(person: Person, name: str) -> models.Manager:
    return getattr(person, name)


def _events_about(person: Person, programme_id: int | None = None) -> models.QuerySet:
    """Audit events about the person and about their rows in the apps above.

    Rows deleted since are still found through the ``person_id`` their snapshots hold.
    """
    about = Q(object_type=Person._meta.label_lower, object_id=str(person.pk))
    related = Q(before__person_id=person.pk) | Q(after__person_id=person.pk)
    for name in RELATED:
        manager = _related(person, name)
        ids = [str(pk) for pk in manager.values_list("pk", flat=True)]
        related |= Q(object_type=manager.model._meta.label_lower, object_id__in=ids)
    if programme_id is not None:
        related &= Q(programme_id=programme_id)
    return AuditEvent.objects.filter(about | related)


def _event_data(event: AuditEvent) -> dict:
    return {
        "at": event.at.isoformat(),
        "actor": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object": event.object_label,
        "programme_id": event.programme_id,
        "before": event.before,
        "after": event.after,
    }


def _account_data(person: Person) -> dict | None:
    user = person.user
    if user is None:
        return None
    return {
        "username": user.get_username(),
        "email": user.email,
        "is_active": user.is_active,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }


@transaction.atomic
def export_person(actor, person: Person, *, programme_id: int | None = None) -> dict:
    """Everything held on ``person``, as JSON-safe data; the export itself is audited.

    With ``programme_id``, only what that programme holds besides the person's own
    record: an organiser sees no other programme's business.
    """
    participations = person.participations.select_related("programme")
    session_roles = person.session_roles.select_related("session")
    nominations = person.nominations.select_related("call")
    if programme_id is not None:
        participations = participations.filter(programme_id=programme_id)
        session_roles = session_roles.filter(session__programme_id=programme_id)
        nominations = nominations.filter(call__programme_id=programme_id)
    data = {
        "exported_at": timezone.now().isoformat(),
        "programme_id": programme_id,
        "person": {
            **snapshot(person),
            "organisation": str(person.organisation) if person.organisation else None,
        },
        "account": _account_data(person),
        "participations": [
            {
                **snapshot(
                    p,
                    [
                        "id",
                        "programme_id",
                        "country_id",
                        "kind",
                        "status",
                        "press_consent",
                        "recording_consent",
                        "confirmed_at",
                    ],
                ),
                "programme": snapshot(p.programme, ["title"])["title"],
            }
            for p in participations
        ],
        "session_roles": [
            {
                **snapshot(r, ["id", "session_id", "role", "mode", "location", "protocol_order"]),
                **snapshot(r.session, ["programme_id", "title", "start", "end"]),
            }
            for r in session_roles
        ],
        "nominations": [
            {
                **snapshot(
                    n,
                    [
                        "id",
                        "country_id",
                        "email",
                        "status",
                        "reason",
                        "answers",
                        "created_at",
                        "decided_at",
                    ],
                ),
                "programme_id": n.call.programme_id,
            }
            for n in nominations
        ],
        "audit_events": [_event_data(e) for e in _events_about(person, programme_id)],
    }
    for _receiver, sections in collecting_person_data.send(
        sender=Person, person=person, programme_id=programme_id
    ):
        data.update(sections)
    record(actor, "export", person, programme_id=programme_id)
    return data


def _redact(values: dict | None) -> dict | None:
    if not isinstance(values, dict):
        return values
    return {
        key: REDACTED if key in REDACTED_KEYS and value not in ("", None, {}) else value
        for key, value in values.items()
    }


def _redact_earlier_events(person: Person, user) -> int:
    """Blank the erased values in earlier events; who did what, and when, stays.

    This is the one deliberate exception to the log being append-only: judges'
    names in an old event would undo the erasure (docs/data-rights.md).
    """
    labels = {(Person._meta.label_lower, str(person.pk)): str(person)}
    for name in RELATED:
        for row in _related(person, name).all():
            labels[(row._meta.label_lower, str(row.pk))] = str(row)
    redacted = 0
    for event in _events_about(person):
        # The log's own update() refuses on purpose; this bypass is the documented exception.
        models.QuerySet.update(
            AuditEvent.objects.filter(pk=event.pk),
            object_label=labels.get((event.object_type, event.object_id), REDACTED)[:300],
            before=_redact(event.before),
            after=_redact(event.after),
        )
        redacted += 1
    if user is not None:
        models.QuerySet.update(
            AuditEvent.objects.filter(actor=user), actor_label=user.get_username()
        )
    return redacted


def _close_account(user) -> None:
    user.username = f"erased-{user.pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()  # also voids every sign-in link and session
    user.save()
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def _withdraw_mail(person: Person, addresses: set[str]) -> None:
    """Messages to the person hold their name and sign-in link: empty them, send none."""
    messages = OutboxMessage.objects.filter(to__in=addresses)
    messages.filter(status=OutboxMessage.Status.QUEUED).update(
        status=OutboxMessage.Status.FAILED, last_error="The recipient was erased."
    )
    messages.update(
        to=f"erased-person-{person.pk}@example.invalid",
        text_body="",
        html_body="",
        preview=REDACTED,
    )


@transaction.atomic
def erase_person(actor, person: Person, reason: str) -> Person:
    """Anonymise ``person``, keeping their rows so that counts per country stay right.

    Names, contact details, position and organisation go; the account is unlinked
    and closed; nominations lose their address, answers and reason; earlier audit
    events lose the erased values. The erasure is recorded by field name only.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    user = person.user
    addresses = {a for a in (person.email, user.email if user else "") if a}
    for field, value in ERASED_PERSON_FIELDS.items():
        setattr(person, field, value)
    person.family_name = _placeholder(person)
    person.save()
    for nomination in person.nominations.all():
        addresses.add(nomination.email)
        nomination.email = f"erased-{nomination.pk}@example.invalid"
        nomination.answers = {}
        nomination.reason = ""
        nomination.save(update_fields=list(ERASED_NOMINATION_FIELDS))
    if user is not None:
        _close_account(user)
    erasing_person.send(sender=Person, person=person)
    _withdraw_mail(person, {a.lower() for a in addresses} | addresses)
    redacted = _redact_earlier_events(person, user)
    summary = {
        "erased_fields": sorted(ERASED_PERSON_FIELDS),
        "nomination_fields": list(ERASED_NOMINATION_FIELDS),
        "account_closed": user is not None,
        "redacted_events": redacted,
        "grounds": reason,
    }
    # Organisers of each programme the person took part in see the erasure in their log.
    scopes = {(p.programme_id, p.country_id) for p in person.participations.all()}
    for programme_id, country_code in sorted(scopes) or [(None, "")]:
        record(
            actor,
            "erase",
            person,
            after=summary,
            programme_id=programme_id,
            country_code=country_code,
        )
    return person
