"""REST resources for programmes, their sessions and who takes part."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import PatchDict, Router, Schema, Status
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
from seminarium.people.api import PersonOut
from seminarium.people.models import Person

from . import services
from .models import Participation, Programme, Session

router = Router(tags=["programmes"])


class ProgrammeOut(Schema):
    id: int
    slug: str
    title: I18nText
    summary: I18nText
    host_id: int
    funder_id: int | None
    funding_reference: str
    start_date: date
    end_date: date
    timezone: str
    working_languages: list[str]
    delivery_mode: Programme.DeliveryMode
    status: Programme.Status
    updated_at: UtcDateTime


class ProgrammeIn(Schema):
    slug: str
    title: I18nText
    summary: I18nText = {}
    host_id: int
    funder_id: int | None = None
    funding_reference: str = ""
    start_date: date
    end_date: date
    timezone: str = "Asia/Shanghai"
    working_languages: list[str]
    delivery_mode: Programme.DeliveryMode = Programme.DeliveryMode.ONLINE


class SessionOut(Schema):
    id: int
    programme: str
    title: I18nText
    description: I18nText
    kind: Session.Kind
    start: UtcDateTime
    end: UtcDateTime
    floor_language: str
    interpretation_languages: list[str]
    room: I18nText
    is_online: bool

    @staticmethod
    def resolve_programme(session: Session) -> str:
        return session.programme.slug


class SessionIn(Schema):
    title: I18nText
    description: I18nText = {}
    kind: Session.Kind = Session.Kind.LECTURE
    start: UtcDateTime
    end: UtcDateTime
    floor_language: str
    interpretation_languages: list[str] = []
    room: I18nText = {}
    is_online: bool = True


class ParticipationOut(Schema):
    id: int
    person: PersonOut
    kind: Participation.Kind
    country: str
    status: Participation.Status

    @staticmethod
    def resolve_country(participation: Participation) -> str:
        return participation.country_id


class ParticipationIn(Schema):
    person_id: int
    kind: Participation.Kind = Participation.Kind.PARTICIPANT
    country: str
    status: Participation.Status = Participation.Status.INVITED


def _visible_programme(user, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    visible_or_404(user, "programmes.view_programme", programme)
    return programme


def _session(user, slug: str, session_id: int) -> Session:
    session = get_object_or_404(
        Session.objects.select_related("programme"), pk=session_id, programme__slug=slug
    )
    visible_or_404(user, "programmes.view_session", session)
    return session


def _participation(user, slug: str, participation_id: int) -> Participation:
    participation = get_object_or_404(
        Participation.objects.select_related("programme", "person", "country"),
        pk=participation_id,
        programme__slug=slug,
    )
    visible_or_404(user, "programmes.view_participation", participation)
    return participation


def _participation_data(user, data: dict) -> dict:
    """Resolve the person and country; someone the caller may not see is not found."""
    if "person_id" in data:
        person = get_object_or_404(Person, pk=data.pop("person_id"))
        visible_or_404(user, "people.view_person", person)
        data["person"] = person
    if "country" in data:
        data["country"] = country_for_code(data["country"])
    return data


@router.get("/programmes", response=list[ProgrammeOut])
@paginate(LimitOffsetPagination)
def list_programmes(request):
    user = request.auth
    programmes = Programme.objects.all()
    return [p for p in programmes if user.has_perm("programmes.view_programme", p)]


@router.post("/programmes", response={201: ProgrammeOut}, auth=token_auth)
def create_programme(request, data: ProgrammeIn):
    permitted_or_403(request.auth, "programmes.add_programme")
    return Status(201, services.save_programme(request.auth, assign(Programme(), data.dict())))


@router.get("/programmes/{slug}", response=ProgrammeOut)
def get_programme(request, slug: str):
    return _visible_programme(request.auth, slug)


@router.patch("/programmes/{slug}", response=ProgrammeOut, auth=token_auth)
def update_programme(request, slug: str, data: PatchDict[ProgrammeIn]):
    programme = _visible_programme(request.auth, slug)
    permitted_or_403(request.auth, "programmes.change_programme", programme)
    return services.save_programme(request.auth, assign(programme, data))


@router.post("/programmes/{slug}/publish", response=ProgrammeOut, auth=token_auth)
def publish_programme(request, slug: str):
    programme = _visible_programme(request.auth, slug)
    permitted_or_403(request.auth, "programmes.change_programme", programme)
    return services.set_programme_status(request.auth, programme, Programme.Status.PUBLISHED)


@router.post("/programmes/{slug}/unpublish", response=ProgrammeOut, auth=token_auth)
def unpublish_programme(request, slug: str):
    programme = _visible_programme(request.auth, slug)
    permitted_or_403(request.auth, "programmes.change_programme", programme)
    return services.set_programme_status(request.auth, programme, Programme.Status.DRAFT)


@router.get("/programmes/{slug}/sessions", response=list[SessionOut], tags=["sessions"])
def list_sessions(request, slug: str):
    programme = _visible_programme(request.auth, slug)
    return programme.sessions.select_related("programme")


@router.post(
    "/programmes/{slug}/sessions", response={201: SessionOut}, auth=token_auth, tags=["sessions"]
)
def create_session(request, slug: str, data: SessionIn):
    programme = _visible_programme(request.auth, slug)
    permitted_or_403(request.auth, "programmes.change_session", programme)
    session = assign(Session(programme=programme), data.dict())
    return Status(201, services.save_session(request.auth, session))


@router.get("/programmes/{slug}/sessions/{session_id}", response=SessionOut, tags=["sessions"])
def get_session(request, slug: str, session_id: int):
    return _session(request.auth, slug, session_id)


@router.patch(
    "/programmes/{slug}/sessions/{session_id}",
    response=SessionOut,
    auth=token_auth,
    tags=["sessions"],
)
def update_session(request, slug: str, session_id: int, data: PatchDict[SessionIn]):
    session = _session(request.auth, slug, session_id)
    permitted_or_403(request.auth, "programmes.change_session", session)
    return services.save_session(request.auth, assign(session, data))


@router.delete(
    "/programmes/{slug}/sessions/{session_id}",
    response={204: None},
    auth=token_auth,
    tags=["sessions"],
)
def delete_session(request, slug: str, session_id: int):
    session = _session(request.auth, slug, session_id)
    permitted_or_403(request.auth, "programmes.change_session", session)
    services.delete_session(request.auth, session)
    return Status(204, None)


@router.get(
    "/programmes/{slug}/participations",
    response=list[ParticipationOut],
    tags=["participations"],
)
@paginate(LimitOffsetPagination)
def list_participations(request, slug: str):
    """Organisers see everyone; a country coordinator sees their own delegation."""
    user = request.auth
    programme = _visible_programme(user, slug)
    permitted_or_403(user, "programmes.view_participations", programme)
    participations = programme.participations.select_related("programme", "person", "country")
    return [p for p in participations if user.has_perm("programmes.view_participation", p)]


@router.post(
    "/programmes/{slug}/participations",
    response={201: ParticipationOut},
    auth=token_auth,
    tags=["participations"],
)
def create_participation(request, slug: str, data: ParticipationIn):
    programme = _visible_programme(request.auth, slug)
    permitted_or_403(request.auth, "programmes.change_participation", programme)
    participation = assign(
        Participation(programme=programme), _participation_data(request.auth, data.dict())
    )
    return Status(201, services.save_participation(request.auth, participation))


@router.get(
    "/programmes/{slug}/participations/{participation_id}",
    response=ParticipationOut,
    tags=["participations"],
)
def get_participation(request, slug: str, participation_id: int):
    return _participation(request.auth, slug, participation_id)


@router.patch(
    "/programmes/{slug}/participations/{participation_id}",
    response=ParticipationOut,
    auth=token_auth,
    tags=["participations"],
)
def update_participation(
    request, slug: str, participation_id: int, data: PatchDict[ParticipationIn]
):
    participation = _participation(request.auth, slug, participation_id)
    permitted_or_403(request.auth, "programmes.change_participation", participation)
    assign(participation, _participation_data(request.auth, data))
    return services.save_participation(request.auth, participation)


@router.delete(
    "/programmes/{slug}/participations/{participation_id}",
    response={204: None},
    auth=token_auth,
    tags=["participations"],
)
def delete_participation(request, slug: str, participation_id: int):
    participation = _participation(request.auth, slug, participation_id)
    permitted_or_403(request.auth, "programmes.change_participation", participation)
    services.delete_participation(request.auth, participation)
    return Status(204, None)
