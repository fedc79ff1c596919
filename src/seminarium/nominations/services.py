"""Nomination operations: each one atomic and audited, called by pages, API and import.

Places are counted in `Quota.taken` and changed only by conditional UPDATEs
(`taken < places`), so a place is never given twice:

- on PostgreSQL the UPDATE locks the quota row, and a concurrent one re-reads the
  committed count before deciding;
- on SQLite every transaction starts with BEGIN IMMEDIATE (settings), so writers
  queue one after the other.

A check constraint (0 <= taken <= places) backs this up in the database.
"""

import secrets
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seminarium.core import mail
from seminarium.core.audit import audited_delete, audited_save, record, snapshot
from seminarium.core.models import Country, country_for_code
from seminarium.core.signin import sign_in_url
from seminarium.people.models import Person
from seminarium.people.services import save_person
from seminarium.programmes.models import Participation, Programme, ProgrammeRole
from seminarium.programmes.services import save_participation

from .models import Call, ExtraField, Nomination, Quota


class NominationRefused(ValidationError):
    """A nomination or decision the rules do not allow; ``code`` says which rule."""


def _refuse(message, code: str, **params) -> NominationRefused:
    return NominationRefused(message, code=code, params=params or None)


def _take_place(quota: Quota) -> bool:
    return (
        Quota.objects.filter(pk=quota.pk, taken__lt=F("places")).update(taken=F("taken") + 1) == 1
    )


def _free_place(quota: Quota) -> None:
    Quota.objects.filter(pk=quota.pk, taken__gt=0).update(taken=F("taken") - 1)


def _quota(call: Call, country: Country | str) -> Quota:
    code = country.pk if isinstance(country, Country) else country
    quota = Quota.objects.filter(call=call, country_id=code).first()
    if quota is None:
        raise _refuse(_("This call has no places for %(country)s."), "no_quota", country=code)
    return quota


def _audit(actor, action: str, nomination: Nomination, before: dict | None) -> None:
    record(
        actor,
        action,
        nomination,
        before=before,
        after=snapshot(nomination),
        programme_id=nomination.call.programme_id,
        country_code=nomination.country_id,
    )


def _ensure_open(call: Call, now: datetime | None = None) -> None:
    if call.status != Call.Status.OPEN:
        raise _refuse(_("This call for nominations is not open."), "closed")
    if (now or timezone.now()) >= call.deadline:
        raise _refuse(_("The deadline for nominations has passed."), "deadline")


# The call -----------------------------------------------------------------


@transaction.atomic
def open_call(
    actor,
    programme: Programme,
    *,
    deadline: datetime,
    quotas: dict[str, int],
    message: dict | None = None,
) -> Call:
    """Open (or edit) the programme's call with per-country places; when it opens,
    tell its country coordinators by e-mail."""
    call = Call.objects.filter(programme=programme).first() or Call(programme=programme)
    # Coordinators hear of a call when it opens, not at every later edit.
    announce = call.status != Call.Status.OPEN
    call.deadline = deadline
    call.message = message or {}
    call.status = Call.Status.OPEN
    call.opened_at = call.opened_at or timezone.now()
    audited_save(actor, call, programme_id=programme.pk)
    for code, places in quotas.items():
        set_places(actor, call, code, places)
    if not announce:
        return call
    for role in ProgrammeRole.objects.filter(
        programme=programme, role=ProgrammeRole.Role.COORDINATOR
    ).select_related("user", "user__person"):
        if not role.user.email:
            continue
        person = getattr(role.user, "person", None)
        mail.queue(
            to=role.user.email,
            template="nominations/email/call",
            context={"call": call, "programme": programme, "country": role.country_id},
            language=person.preferred_language if person else programme.working_languages[0],
            purpose="call",
            programme_id=programme.pk,
            country_code=role.country_id,
            personal_link=sign_in_url(role.user, f"/nominations/{programme.slug}/"),
        )
    return call


@transaction.atomic
def save_extra_fields(
    actor, call: Call, questions: list[ExtraField], removed: list[ExtraField]
) -> None:
    """Save the call's extra questions in the order given; delete the removed ones."""
    for question in removed:
        audited_delete(actor, question, programme_id=call.programme_id)
    for position, question in enumerate(questions):
        question.call = call
        question.position = position
        audited_save(actor, question, programme_id=call.programme_id)


@transaction.atomic
def close_call(actor, call: Call) -> Call:
    before = snapshot(call, ["status"])
    call.status = Call.Status.CLOSED
    call.save(update_fields=["status"])
    record(
        actor,
        "close",
        call,
        before=before,
        after=snapshot(call, ["status"]),
        programme_id=call.programme_id,
    )
    return call


@transaction.atomic
def set_places(actor, call: Call, country: str, places: int) -> Quota:
    """Set a country's places; never below the places already taken."""
    country_row = country_for_code(country)
    quota, _created = Quota.objects.get_or_create(
        call=call, country=country_row, defaults={"places": 0}
    )
    before = snapshot(quota, ["places", "taken"])
    updated = Quota.objects.filter(pk=quota.pk, taken__lte=places).update(places=places)
    if not updated:
        raise _refuse(
            _("%(country)s already has %(taken)s places taken."),
            "below_taken",
            country=quota.country_id,
            taken=quota.taken,
        )
    quota.refresh_from_db()
    record(
        actor,
        "set_places",
        quota,
        before=before,
        after=snapshot(quota, ["places", "taken"]),
        programme_id=call.programme_id,
        country_code=quota.country_id,
    )
    _promote_waiting(actor, call, quota.country_id)
    return quota


@transaction.atomic
def move_places(actor, call: Call, from_country: str, to_country: str, count: int) -> None:
    """Move unused places from one country to another."""
    if count <= 0:
        raise _refuse(_("Move at least one place."), "invalid")
    source = _quota(call, from_country)
    moved = Quota.objects.filter(pk=source.pk, places__gte=F("taken") + count).update(
        places=F("places") - count
    )
    if not moved:
        raise _refuse(
            _("%(country)s has fewer than %(count)s unused places."),
            "not_enough_places",
            country=source.country_id,
            count=count,
        )
    target_country = country_for_code(to_country)
    target, _created = Quota.objects.get_or_create(
        call=call, country=target_country, defaults={"places": 0}
    )
    Quota.objects.filter(pk=target.pk).update(places=F("places") + count)
    record(
        actor,
        "move_places",
        call,
        after={"from": source.country_id, "to": target.country_id, "count": count},
        programme_id=call.programme_id,
    )
    _promote_waiting(actor, call, target.country_id)


# Nominating ----------------------------------------------------------------


@transaction.atomic
def nominate(
    actor, call: Call, country: str, person: Person, answers: dict | None = None
) -> Nomination:
    """Nominate ``person`` (unsaved, or saved) for one of ``country``'s places."""
    _ensure_open(call)
    quota = _quota(call, country)
    email = (person.email or "").strip().lower()
    if not email:
        raise _refuse(_("Give the nominee’s e-mail address."), "invalid")
    live = Nomination.objects.filter(
        call=call, status__in=[*Nomination.HOLDS_PLACE, Nomination.Status.WAITLISTED]
    )
    if live.filter(email=email).exists() or (person.pk and live.filter(person=person).exists()):
        raise _refuse(
            _("%(email)s is already nominated for this programme."), "duplicate", email=email
        )
    if not _take_place(quota):
        raise _refuse(
            _("The quota for %(country)s is full: no place is left."),
            "quota_full",
            country=quota.country_id,
        )
    person.email = email
    save_person(actor, person)
    nomination = Nomination(
        call=call,
        country_id=quota.country_id,
        person=person,
        email=email,
        answers=answers or {},
        nominated_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError as error:
        # Two requests for the same judge raced past the check above.
        raise _refuse(
            _("%(email)s is already nominated for this programme."), "duplicate", email=email
        ) from error
    _audit(actor, "nominate", nomination, None)
    return nomination


@transaction.atomic
def withdraw(actor, nomination: Nomination, reason: str = "") -> Nomination:
    """The coordinator withdraws a nominee; a held place goes to the waiting list."""
    nomination = Nomination.objects.select_related("call").get(pk=nomination.pk)
    if nomination.status == Nomination.Status.WITHDRAWN:
        return nomination
    before = snapshot(nomination)
    held = nomination.holds_place
    nomination.status = Nomination.Status.WITHDRAWN
    nomination.reason = reason
    nomination.save()
    _cancel_participation(actor, nomination)
    _audit(actor, "withdraw", nomination, before)
    if held:
        _free_place(_quota(nomination.call, nomination.country_id))
        _promote_waiting(actor, nomination.call, nomination.country_id)
    return nomination


@transaction.atomic
def substitute(actor, nomination: Nomination, person: Person, reason: str = "") -> Nomination:
    """Replace a nominee with another before the deadline, keeping the place."""
    nomination = Nomination.objects.select_related("call").get(pk=nomination.pk)
    _ensure_open(nomination.call)
    if nomination.status != Nomination.Status.PENDING:
        raise _refuse(_("Only a nominee awaiting decision can be substituted."), "not_pending")
    before = snapshot(nomination)
    nomination.status = Nomination.Status.WITHDRAWN
    nomination.reason = reason or str(_("Substituted"))
    nomination.save()
    _audit(actor, "substitute", nomination, before)
    # The place stays taken: hand it straight to the substitute.
    _free_place(_quota(nomination.call, nomination.country_id))
    return nominate(actor, nomination.call, nomination.country_id, person, nomination.answers)


# Deciding -------------------------------------------------------------------


@transaction.atomic
def decide(actor, nomination: Nomination, decision: str, reason: str = "") -> Nomination:
    """The organiser approves, wait-lists or rejects a nomination, with a reason."""
    nomination = Nomination.objects.select_related("call__programme", "person").get(
        pk=nomination.pk
    )
    Status = Nomination.Status
    if decision not in (Status.APPROVED, Status.WAITLISTED, Status.REJECTED):
        raise _refuse(_("Unknown decision."), "invalid")
    if nomination.status == Status.WITHDRAWN:
        raise _refuse(_("This nomination was withdrawn."), "withdrawn")
    if nomination.status == decision:
        return nomination
    before = snapshot(nomination)
    quota = _quota(nomination.call, nomination.country_id)
    held = nomination.holds_place
    if decision == Status.APPROVED and not held and not _take_place(quota):
        raise _refuse(
            _("The quota for %(country)s is full: no place is left."),
            "quota_full",
            country=quota.country_id,
        )
    nomination.status = decision
    nomination.reason = reason
    nomination.decided_at = timezone.now()
    if decision == Status.WAITLISTED:
        nomination.waitlisted_at = nomination.decided_at
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError as error:
        # A rejected judge taken back after being nominated again meanwhile.
        raise _refuse(
            _("%(email)s is already nominated for this programme."),
            "duplicate",
            email=nomination.email,
        ) from error
    _audit(actor, decision, nomination, before)
    if decision == Status.APPROVED:
        _admit(actor, nomination)
    else:
        _cancel_participation(actor, nomination)
        if held:
            _free_place(quota)
            if decision == Status.REJECTED:
                _promote_waiting(actor, nomination.call, nomination.country_id)
    return nomination


def _promote_waiting(actor, call: Call, country: str) -> None:
    """Give free places to the country's wait-listed nominees, first come first served."""
    quota = Quota.objects.get(call=call, country_id=country)
    waiting = Nomination.objects.filter(
        call=call, country_id=country, status=Nomination.Status.WAITLISTED
    ).order_by("waitlisted_at", "id")
    for nomination in waiting:
        if not _take_place(quota):
            return
        before = snapshot(nomination)
        nomination.status = Nomination.Status.APPROVED
        nomination.decided_at = timezone.now()
        nomination.save()
        _audit(actor, "promote", nomination, before)
        _admit(actor, nomination, promoted=True)


def _admit(actor, nomination: Nomination, promoted: bool = False) -> None:
    """An approved nominee takes part: a participation, an account and an invitation."""
    programme, person = nomination.call.programme, nomination.person
    # A judge nominated again after a withdrawal or rejection gets the earlier
    # participation back (one per programme); it now belongs to this nomination.
    participation = (
        nomination.participation
        or Participation.objects.filter(programme=programme, person=person).first()
    )
    if participation is None:
        participation = Participation(programme=programme, person=person)
    else:
        Nomination.objects.filter(participation=participation).exclude(pk=nomination.pk).update(
            participation=None
        )
    participation.country_id = nomination.country_id
    participation.status = Participation.Status.INVITED
    save_participation(actor, participation)
    nomination.participation = participation
    nomination.save(update_fields=["participation"])
    if person.user_id is None:
        person.user = _account_for(person)
        person.save(update_fields=["user"])
    mail.queue(
        to=person.email,
        template="nominations/email/invitation",
        context={"programme": programme, "person": person, "promoted": promoted},
        language=person.preferred_language,
        purpose="invitation",
        programme_id=programme.pk,
        country_code=nomination.country_id,
        personal_link=sign_in_url(person.user, f"/me/confirm/{participation.pk}/"),
    )


def _account_for(person: Person):
    User = get_user_model()
    user = User(username=f"{person.email}#{secrets.token_hex(4)}"[:150], email=person.email)
    user.set_unusable_password()
    user.save()
    return user


def _cancel_participation(actor, nomination: Nomination) -> None:
    participation = nomination.participation
    if participation and participation.status != Participation.Status.CANCELLED:
        participation.status = Participation.Status.CANCELLED
        save_participation(actor, participation)


# The judge's answer -----------------------------------------------------------


@transaction.atomic
def confirm_participation(
    actor,
    participation: Participation,
    *,
    attending: bool,
    press_consent: bool,
    recording_consent: bool,
    home_timezone: str,
) -> Participation:
    """The invited judge confirms or declines, chooses a zone, and gives or refuses
    each consent separately."""
    person = participation.person
    person.home_timezone = home_timezone
    save_person(actor, person)
    participation.status = (
        Participation.Status.CONFIRMED if attending else Participation.Status.DECLINED
    )
    participation.press_consent = press_consent
    participation.recording_consent = recording_consent
    participation.confirmed_at = timezone.now()
    save_participation(actor, participation)
    if not attending and hasattr(participation, "nomination"):
        nomination = participation.nomination
        before = snapshot(nomination)
        nomination.status = Nomination.Status.WITHDRAWN
        nomination.reason = str(_("Declined by the nominee"))
        nomination.save()
        _audit(actor, "decline", nomination, before)
        _free_place(_quota(nomination.call, nomination.country_id))
        _promote_waiting(actor, nomination.call, nomination.country_id)
    return participation
