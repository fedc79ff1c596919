"""REST resources for people and organisations."""

from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
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

from . import services
from .models import Organisation, Person

router = Router()


class OrganisationOut(Schema):
    id: int
    name: I18nText
    short_name: str
    country: str
    kind: Organisation.Kind

    @staticmethod
    def resolve_country(organisation: Organisation) -> str:
        return organisation.country_id


class OrganisationIn(Schema):
    name: I18nText
    short_name: str = ""
    country: str
    kind: Organisation.Kind


class PersonOut(Schema):
    """A person with every name form: as supplied, in passport spelling, in Chinese and Russian."""

    id: int
    family_name: str
    given_name: str
    patronymic: str
    latin_family_name: str
    latin_given_name: str
    chinese_name: str
    russian_name: str
    native_name: str
    latin_name: str
    display_name: str
    position: I18nText
    organisation_id: int | None
    preferred_language: str
    home_timezone: str
    email: str
    names_confirmed_at: UtcDateTime | None

    @staticmethod
    def resolve_display_name(person: Person) -> str:
        return person.display_name(get_language())


class PersonIn(Schema):
    family_name: str
    given_name: str = ""
    patronymic: str = ""
    latin_family_name: str = ""
    latin_given_name: str = ""
    chinese_name: str = ""
    russian_name: str = ""
    position: I18nText = {}
    organisation_id: int | None = None
    preferred_language: str = "en"
    home_timezone: str = "UTC"
    email: str = ""


def _organisation_data(data: dict) -> dict:
    if "country" in data:
        data["country"] = country_for_code(data["country"])
    return data


@router.get("/organisations", response=list[OrganisationOut], tags=["organisations"])
@paginate(LimitOffsetPagination)
def list_organisations(request):
    return Organisation.objects.all()


@router.get("/organisations/{organisation_id}", response=OrganisationOut, tags=["organisations"])
def get_organisation(request, organisation_id: int):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    visible_or_404(request.auth, "people.view_organisation", organisation)
    return organisation


@router.post(
    "/organisations",
    response={201: OrganisationOut},
    auth=token_auth,
    tags=["organisations"],
)
def create_organisation(request, data: OrganisationIn):
    permitted_or_403(request.auth, "people.add_organisation")
    organisation = assign(Organisation(), _organisation_data(data.dict()))
    return Status(201, services.save_organisation(request.auth, organisation))


@router.patch(
    "/organisations/{organisation_id}",
    response=OrganisationOut,
    auth=token_auth,
    tags=["organisations"],
)
def update_organisation(request, organisation_id: int, data: PatchDict[OrganisationIn]):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    permitted_or_403(request.auth, "people.change_organisation", organisation)
    return services.save_organisation(request.auth, assign(organisation, _organisation_data(data)))


@router.get("/people", response=list[PersonOut], tags=["people"])
@paginate(LimitOffsetPagination)
def list_people(request):
    """The people the caller may see: everyone for site admins, else those of their programmes."""
    user = request.auth
    if not user.is_authenticated:
        return []
    # Who may see whom is decided by rules over each person's participations; fetching
    # them together keeps that to a few queries however many people there are.
    people = Person.objects.prefetch_related("participations")
    return [person for person in people if user.has_perm("people.view_person", person)]


@router.get("/people/{person_id}", response=PersonOut, tags=["people"])
def get_person(request, person_id: int):
    person = get_object_or_404(Person, pk=person_id)
    visible_or_404(request.auth, "people.view_person", person)
    return person


@router.post("/people", response={201: PersonOut}, auth=token_auth, tags=["people"])
def create_person(request, data: PersonIn):
    permitted_or_403(request.auth, "people.add_person")
    return Status(201, services.save_person(request.auth, assign(Person(), data.dict())))


@router.patch("/people/{person_id}", response=PersonOut, auth=token_auth, tags=["people"])
def update_person(request, person_id: int, data: PatchDict[PersonIn]):
    person = get_object_or_404(Person, pk=person_id)
    visible_or_404(request.auth, "people.view_person", person)
    permitted_or_403(request.auth, "people.change_person", person)
    return services.save_person(request.auth, assign(person, data))
