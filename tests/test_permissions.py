"""The permission rules, role by role and scope by scope (programme, country)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from seminarium.programmes.models import Participation, Programme, ProgrammeRole
from tests import factories


@pytest.fixture
def world(db):
    """Two programmes; in A, a Kazakh and a Russian judge; one actor per role."""
    kz, ru = factories.CountryFactory(code="KZ"), factories.CountryFactory(code="RU")
    a = factories.ProgrammeFactory(status=Programme.Status.DRAFT)
    b = factories.ProgrammeFactory(status=Programme.Status.DRAFT)
    judge_kz = factories.ParticipationFactory(programme=a, country=kz)
    judge_ru = factories.ParticipationFactory(programme=a, country=ru)
    judge_b = factories.ParticipationFactory(programme=b, country=kz)
    judge_kz.person.user = factories.UserFactory()
    judge_kz.person.save()
    coordinator = factories.ProgrammeRoleFactory(
        programme=a, role=ProgrammeRole.Role.COORDINATOR, country=kz
    ).user
    return {
        "a": a,
        "b": b,
        "judge_kz": judge_kz,
        "judge_ru": judge_ru,
        "judge_b": judge_b,
        "anonymous": AnonymousUser(),
        "participant": judge_kz.person.user,
        "coordinator": coordinator,
        "organiser": factories.ProgrammeRoleFactory(programme=a).user,
        "other_organiser": factories.ProgrammeRoleFactory(programme=b).user,
        "admin": factories.UserFactory(is_superuser=True),
    }


def _obj(world, name):
    return {
        "A": world["a"],
        "B": world["b"],
        "KZ judge in A": world["judge_kz"],
        "RU judge in A": world["judge_ru"],
        "judge in B": world["judge_b"],
        "person KZ in A": world["judge_kz"].person,
        "person RU in A": world["judge_ru"].person,
        "person in B": world["judge_b"].person,
    }[name]


# (permission, object) -> the actors who hold it; everyone else must not.
MATRIX = {
    ("programmes.view_programme", "A"): {"participant", "coordinator", "organiser", "admin"},
    ("programmes.view_programme", "B"): {"other_organiser", "admin"},
    ("programmes.change_programme", "A"): {"organiser", "admin"},
    ("programmes.change_programme", "B"): {"other_organiser", "admin"},
    ("programmes.view_participations", "A"): {"coordinator", "organiser", "admin"},
    ("programmes.view_participation", "KZ judge in A"): {"coordinator", "organiser", "admin"},
    ("programmes.view_participation", "RU judge in A"): {"organiser", "admin"},
    ("programmes.view_participation", "judge in B"): {"other_organiser", "admin"},
    ("programmes.change_participation", "KZ judge in A"): {"organiser", "admin"},
    ("people.view_person", "person KZ in A"): {"participant", "coordinator", "organiser", "admin"},
    ("people.view_person", "person RU in A"): {"organiser", "admin"},
    ("people.view_person", "person in B"): {"other_organiser", "admin"},
    ("people.change_person", "person KZ in A"): {"participant", "organiser", "admin"},
    ("people.change_person", "person in B"): {"other_organiser", "admin"},
}
ACTORS = ["anonymous", "participant", "coordinator", "organiser", "other_organiser", "admin"]


@pytest.mark.parametrize(("permission", "target"), list(MATRIX))
@pytest.mark.parametrize("actor", ACTORS)
def test_permission_matrix(world, actor, permission, target):
    allowed = actor in MATRIX[(permission, target)]
    assert world[actor].has_perm(permission, _obj(world, target)) is allowed


def test_published_programme_is_visible_to_everyone(world):
    world["a"].status = Programme.Status.PUBLISHED
    assert all(world[actor].has_perm("programmes.view_programme", world["a"]) for actor in ACTORS)


def test_cancelled_participation_no_longer_grants_access(world):
    world["judge_kz"].status = Participation.Status.CANCELLED
    world["judge_kz"].save()
    participant = type(world["participant"]).objects.get(pk=world["participant"].pk)
    assert not participant.has_perm("programmes.view_programme", world["a"])


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        ("anonymous", False),
        ("participant", False),
        ("coordinator", False),
        ("organiser", True),
        ("admin", True),
    ],
)
def test_console_access(world, actor, allowed):
    assert world[actor].has_perm("core.use_console") is allowed
