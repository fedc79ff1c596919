"""REST resources for a programme's call for nominations, its quotas and the nominations.

Organisers open the call, set and move places and decide; each country coordinator
sees and nominates for their own country only. A refused nomination answers
409 (no place left, already nominated, deadline passed, call not open) or 422
(anything else the rules refuse), always with the rule's ``code``.
"""

from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from seminarium.core.api import (
    I18nText,
    UtcDateTime,
    assign,
    permitted_or_403,
    token_auth,
    visible_or_404,
)
from seminarium.core.models import country_for_code
from seminarium.people.api import PersonIn, PersonOut
from seminarium.people.models import Person
from seminarium.programmes.models import Programme
from seminarium.programmes.rules import coordinator_scopes

from . import services
from .models import Call, Nomination, Quota

router = Router(tags=["nominations"])

CONFLICTS = ("quota_full", "duplicate", "deadline", "closed")
"""Refusals caused by the state of the call rather than by the request: 409."""


class Refusal(Schema):
    """A request the nomination rules refuse: a translated ``detail`` and the rule's ``code``."""

    detail: str
    code: Literal[
        "quota_full",
        "duplicate",
        "deadline",
        "closed",
        "no_quota",
        "invalid",
        "not_pending",
        "withdrawn",
        "below_taken",
        "not_enough_places",
    ]


class Invalid(Schema):
    """Input that is not valid: by field, or refused by a rule (then with its ``code``)."""

    detail: str
    code: str | None = None
    errors: dict[str, list[str]] | None = None


class Problem(Schema):
    detail: str


READ_ERRORS = {401: Problem, 404: Problem}
WRITE_ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Refusal, 422: Invalid}


def install_refusal_handler(api: NinjaAPI) -> None:
    """Refusals answer with their own message and code, not the generic 422 for bad data."""

    @api.exception_handler(services.NominationRefused)
    def refused(request: HttpRequest, refusal: services.NominationRefused):
        status = 409 if refusal.code in CONFLICTS else 422
        body = {"detail": refusal.messages[0], "code": refusal.code}
        return api.create_response(request, body, status=status)


class QuotaOut(Schema):
    country: str
    places: int
    taken: int
    left: int

    @staticmethod
    def resolve_country(quota: Quota) -> str:
        return quota.country_id


class CallOut(Schema):
    programme: str
    status: Call.Status
    deadline: UtcDateTime
    message: I18nText
    opened_at: UtcDateTime | None
    is_accepting: bool
    quotas: list[QuotaOut]

    @staticmethod
    def resolve_programme(call: Call) -> str:
        return call.programme.slug

    @staticmethod
    def resolve_quotas(call: Call, context) -> list[Quota]:
        return _quotas_seen_by(context["request"].auth, call)


class CallIn(Schema):
    deadline: UtcDateTime
    quotas: dict[str, int] = {}
    message: I18nText = {}


class MoveIn(Schema):
    from_country: str
    to_country: str
    count: int


class NominationOut(Schema):
    id: int
    country: str
    status: Nomination.Status
    reason: str
    person: PersonOut
    email: str
    answers: dict
    created_at: UtcDateTime
    decided_at: UtcDateTime | None
    participation_id: int | None

    @staticmethod
    def resolve_country(nomination: Nomination) -> str:
        return nomination.country_id


class NominationIn(PersonIn):
    """The nominee's minimal data; ``country`` may be left out by a coordinator (their own)."""

    email: str
    country: str | None = None
    answers: dict[str, str] = {}


class SubstituteIn(PersonIn):
    email: str
    reason: str = ""


class WithdrawIn(Schema):
    reason: str = ""


class DecisionIn(Schema):
    decision: Literal["approved", "waitlisted", "rejected"]
    reason: str = ""


def _programme(user, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    visible_or_404(user, "programmes.view_programme", programme)
    return programme


def _call(user, slug: str) -> Call:
    call = get_object_or_404(Call.objects.select_related("programme"), programme__slug=slug)
    visible_or_404(user, "nominations.view_call", call)
    return call


def _nomination(user, slug: str, nomination_id: int) -> Nomination:
    call = _call(user, slug)
    nomination = get_object_or_404(call.nominations.select_related("person"), pk=nomination_id)
    visible_or_404(user, "nominations.view_nomination", nomination)
    return nomination


def _quotas_seen_by(user, call: Call) -> list[Quota]:
    """Every country's places for organisers; only their own country's for a coordinator."""
    return [q for q in call.quotas.all() if user.has_perm("nominations.view_nomination", q)]


def _nominee(data: dict) -> Person:
    return assign(Person(), {name: data[name] for name in PersonIn.model_fields})


@router.get("/programmes/{slug}/call", response={200: CallOut, **READ_ERRORS})
def get_call(request, slug: str):
    return _call(request.auth, slug)


@router.put("/programmes/{slug}/call", response={200: CallOut, **WRITE_ERRORS}, auth=token_auth)
def open_call(request, slug: str, data: CallIn):
    """Open (or re-open) the call with a deadline and places per country; coordinators are told."""
    programme = _programme(request.auth, slug)
    call = Call.objects.filter(programme=programme).first() or Call(programme=programme)
    permitted_or_403(request.auth, "nominations.change_call", call)
    quotas = {country_for_code(code).code: places for code, places in data.quotas.items()}
    return services.open_call(
        request.auth, programme, deadline=data.deadline, quotas=quotas, message=data.message
    )


@router.get("/programmes/{slug}/call/quotas", response={200: list[QuotaOut], **READ_ERRORS})
def list_quotas(request, slug: str):
    """Places, places taken and places left; a coordinator sees their own country's."""
    return _quotas_seen_by(request.auth, _call(request.auth, slug))


@router.post(
    "/programmes/{slug}/call/quotas/move",
    response={200: list[QuotaOut], **WRITE_ERRORS},
    auth=token_auth,
)
def move_places(request, slug: str, data: MoveIn):
    """Move unused places from one country to another."""
    call = _call(request.auth, slug)
    permitted_or_403(request.auth, "nominations.change_call", call)
    services.move_places(
        request.auth,
        call,
        country_for_code(data.from_country).code,
        country_for_code(data.to_country).code,
        data.count,
    )
    return call.quotas.all()


@router.get("/programmes/{slug}/nominations", response={200: list[NominationOut], **READ_ERRORS})
@paginate(LimitOffsetPagination)
def list_nominations(
    request, slug: str, status: Nomination.Status | None = None, country: str | None = None
):
    """Organisers see every nomination; a coordinator sees their own country's."""
    user = request.auth
    nominations = _call(user, slug).nominations.select_related("person")
    if status:
        nominations = nominations.filter(status=status)
    if country:
        nominations = nominations.filter(country_id=country.upper())
    return [n for n in nominations if user.has_perm("nominations.view_nomination", n)]


@router.get(
    "/programmes/{slug}/nominations/{nomination_id}",
    response={200: NominationOut, **READ_ERRORS},
)
def get_nomination(request, slug: str, nomination_id: int):
    return _nomination(request.auth, slug, nomination_id)


@router.post(
    "/programmes/{slug}/nominations",
    response={201: NominationOut, **WRITE_ERRORS},
    auth=token_auth,
)
def nominate(request, slug: str, data: NominationIn):
    """Nominate a judge for one of a country's places: a coordinator for their own country."""
    user = request.auth
    call = _call(user, slug)
    code = data.country or coordinator_scopes(user).get(call.programme_id)
    if not code:
        raise services.NominationRefused(_("Say which country nominates."), code="invalid")
    quota = Quota(call=call, country=country_for_code(code))
    permitted_or_403(user, "nominations.nominate", quota)
    nominee = _nominee(data.dict())
    return Status(201, services.nominate(user, call, quota.country_id, nominee, data.answers))


@router.post(
    "/programmes/{slug}/nominations/{nomination_id}/withdraw",
    response={200: NominationOut, **WRITE_ERRORS},
    auth=token_auth,
)
def withdraw(request, slug: str, nomination_id: int, data: WithdrawIn):
    """Withdraw a nominee; a place they held goes to the first on the waiting list."""
    nomination = _nomination(request.auth, slug, nomination_id)
    permitted_or_403(request.auth, "nominations.withdraw", nomination)
    return services.withdraw(request.auth, nomination, data.reason)


@router.post(
    "/programmes/{slug}/nominations/{nomination_id}/substitute",
    response={201: NominationOut, **WRITE_ERRORS},
    auth=token_auth,
)
def substitute(request, slug: str, nomination_id: int, data: SubstituteIn):
    """Replace a nominee awaiting decision with another judge, keeping the place."""
    nomination = _nomination(request.auth, slug, nomination_id)
    permitted_or_403(request.auth, "nominations.withdraw", nomination)
    replacement = services.substitute(request.auth, nomination, _nominee(data.dict()), data.reason)
    return Status(201, replacement)


@router.post(
    "/programmes/{slug}/nominations/{nomination_id}/decision",
    response={200: NominationOut, **WRITE_ERRORS},
    auth=token_auth,
)
def decide(request, slug: str, nomination_id: int, data: DecisionIn):
    """Approve (the nominee is invited), wait-list or reject a nomination, with a reason."""
    nomination = _nomination(request.auth, slug, nomination_id)
    permitted_or_403(request.auth, "nominations.decide", nomination.call)
    return services.decide(request.auth, nomination, data.decision, data.reason)
