"""Who may do what, declared once. Views and the API ask `user.has_perm(name, obj)`.

Roles: site admin (superuser); organiser of a programme; country coordinator of a
programme and one country; participant, lecturer or interpreter through a
participation. Objects are scoped by programme and, for coordinators, by country.
"""

import rules

from .models import Participation, Programme, ProgrammeRole


def _roles(user) -> list[ProgrammeRole]:
    """The user's programme roles, read once per request object."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_programme_roles"):
        user._programme_roles = list(ProgrammeRole.objects.filter(user=user))
    return user._programme_roles


def _participations(user) -> list[Participation]:
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_participations"):
        user._participations = list(
            Participation.objects.filter(person__user=user).exclude(
                status=Participation.Status.CANCELLED
            )
        )
    return user._participations


def organiser_programme_ids(user) -> set[int]:
    return {r.programme_id for r in _roles(user) if r.role == ProgrammeRole.Role.ORGANISER}


def coordinator_scopes(user) -> dict[int, str]:
    """Programme id -> the country code the user coordinates there."""
    return {
        r.programme_id: r.country_id
        for r in _roles(user)
        if r.role == ProgrammeRole.Role.COORDINATOR
    }


def _programme_of(obj) -> Programme | None:
    if obj is None:
        return None
    if isinstance(obj, Programme):
        return obj
    if hasattr(obj, "programme_id"):
        return obj.programme
    if hasattr(obj, "session"):
        return obj.session.programme
    return None


@rules.predicate
def is_site_admin(user) -> bool:
    return user.is_authenticated and user.is_superuser


@rules.predicate
def is_organiser(user, obj) -> bool:
    programme = _programme_of(obj)
    return programme is not None and programme.pk in organiser_programme_ids(user)


@rules.predicate
def is_any_organiser(user) -> bool:
    return bool(organiser_programme_ids(user))


@rules.predicate
def is_coordinator(user, obj) -> bool:
    programme = _programme_of(obj)
    return programme is not None and programme.pk in coordinator_scopes(user)


@rules.predicate
def is_coordinator_of_country(user, participation) -> bool:
    if participation is None:
        return False
    return coordinator_scopes(user).get(participation.programme_id) == participation.country_id


@rules.predicate
def takes_part(user, obj) -> bool:
    programme = _programme_of(obj)
    return programme is not None and any(
        p.programme_id == programme.pk for p in _participations(user)
    )


@rules.predicate
def is_published(user, obj) -> bool:
    programme = _programme_of(obj)
    return programme is not None and programme.is_published


@rules.predicate
def is_self(user, person) -> bool:
    return person is not None and user.is_authenticated and person.user_id == user.pk


@rules.predicate
def organises_person(user, person) -> bool:
    if person is None:
        return False
    ids = organiser_programme_ids(user)
    # .all() rather than a query, so that lists of people can prefetch participations.
    return bool(ids) and any(p.programme_id in ids for p in person.participations.all())


@rules.predicate
def coordinates_person(user, person) -> bool:
    if person is None:
        return False
    scopes = coordinator_scopes(user)
    return any(scopes.get(p.programme_id) == p.country_id for p in person.participations.all())


is_manager = is_site_admin | is_organiser

rules.add_perm("programmes.add_programme", is_site_admin | is_any_organiser)
rules.add_perm("programmes.view_programme", is_published | is_manager | is_coordinator | takes_part)
rules.add_perm("programmes.change_programme", is_manager)
rules.add_perm("programmes.view_participations", is_manager | is_coordinator)
rules.add_perm("programmes.view_participation", is_manager | is_coordinator_of_country)
rules.add_perm("programmes.change_participation", is_manager)
rules.add_perm("programmes.view_session", is_published | is_manager | is_coordinator | takes_part)
rules.add_perm("programmes.change_session", is_manager)
rules.add_perm("programmes.join_session", is_manager | is_coordinator | takes_part)

rules.add_perm(
    "people.view_person", is_site_admin | is_self | organises_person | coordinates_person
)
rules.add_perm("people.change_person", is_site_admin | is_self | organises_person)
rules.add_perm("people.add_person", is_site_admin | is_any_organiser)
rules.add_perm("people.view_organisation", rules.always_allow)
rules.add_perm("people.change_organisation", is_site_admin | is_any_organiser)
rules.add_perm("people.add_organisation", is_site_admin | is_any_organiser)
rules.add_perm("core.use_console", is_site_admin | is_any_organiser)
