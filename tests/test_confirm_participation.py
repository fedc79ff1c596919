"""The invited judge's confirmation page: only their own, answers stored as given."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from seminarium.nominations import services
from seminarium.nominations.models import Nomination, Quota
from seminarium.programmes.models import Participation
from tests import factories
from tests.conftest import client_for


@pytest.fixture
def invited(db):
    """A judge approved for Kazakhstan's only place: invited, with an account."""
    programme = factories.ProgrammeFactory()
    call = services.open_call(
        None, programme, deadline=datetime.now(UTC) + timedelta(days=7), quotas={"KZ": 1}
    )
    judge = factories.PersonFactory.build(
        family_name="Ахмезакиров",
        given_name="Наиль",
        patronymic="Рафисович",
        latin_family_name="",
        latin_given_name="",
        email="judge@example.org",
        organisation=factories.OrganisationFactory(),
    )
    nomination = services.nominate(None, call, "KZ", judge)
    services.decide(None, nomination, Nomination.Status.APPROVED)
    nomination.refresh_from_db()
    return nomination.participation


DECLINED = (
    "You have declined this invitation; your place was given to another participant. "
    "If this is a mistake, please contact the organisers."
)


def _in_russian(message: str) -> str:
    """The judge reads Russian (their preferred language); the catalogue must have it."""
    with translation.override("ru"):
        translated = gettext(message)
    assert translated != message
    return translated


def _url(participation) -> str:
    return reverse("nominations:confirm", args=[participation.pk])


def _answer(**overrides) -> dict:
    person_names = {
        "family_name": "Ахмезакиров",
        "given_name": "Наиль",
        "patronymic": "Рафисович",
        "latin_family_name": "Akhmezakirov",
        "latin_given_name": "Naili",
        "chinese_name": "",
        "russian_name": "",
    }
    return {
        "attending": "yes",
        "home_timezone": "Asia/Almaty",
        "press_consent": "no",
        "recording_consent": "yes",
        **person_names,
        **overrides,
    }


def test_anonymous_visitors_are_sent_to_sign_in(invited):
    response = client_for(None).get(_url(invited))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_someone_elses_participation_is_not_found(invited):
    other = factories.ParticipationFactory(programme=invited.programme)
    other.person.user = factories.UserFactory()
    other.person.save()
    client = client_for(other.person.user)
    assert client.get(_url(invited)).status_code == 404
    assert client.post(_url(invited), _answer()).status_code == 404
    invited.refresh_from_db()
    assert invited.status == Participation.Status.INVITED
    # An organiser is not the judge either.
    organiser = factories.ProgrammeRoleFactory(programme=invited.programme).user
    assert client_for(organiser).get(_url(invited)).status_code == 404


def test_the_page_shows_the_programme_and_suggestions_without_filling_them_in(invited):
    response = client_for(invited.person.user).get(_url(invited))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Семинар для судей" in page  # in the judge’s own language
    assert 'data-value="Akhmezakirov"' in page
    assert 'data-value="Nail"' in page
    # The passport fields stay empty: a suggestion is beside them, not in them.
    assert 'name="latin_given_name" value="Nail"' not in page
    # Neither consent is chosen in advance.
    assert "checked" not in page


def test_consents_are_stored_separately_and_names_as_typed(invited):
    response = client_for(invited.person.user).post(_url(invited), _answer(confirm_names="on"))
    assert response.status_code == 302
    invited.refresh_from_db()
    person = invited.person
    assert invited.status == Participation.Status.CONFIRMED
    assert invited.press_consent is False
    assert invited.recording_consent is True
    assert invited.confirmed_at is not None
    assert person.home_timezone == "Asia/Almaty"
    assert person.latin_given_name == "Naili"  # not ICAO's "Nail"
    assert person.russian_name == ""  # no suggestion was applied
    assert person.names_confirmed_at is not None


def test_the_other_way_round(invited):
    client_for(invited.person.user).post(
        _url(invited), _answer(press_consent="yes", recording_consent="no")
    )
    invited.refresh_from_db()
    assert (invited.press_consent, invited.recording_consent) == (True, False)


def test_attending_requires_both_consent_answers(invited):
    answer = _answer()
    del answer["press_consent"]
    response = client_for(invited.person.user).post(_url(invited), answer)
    assert response.status_code == 200
    assert _in_russian("Please answer this question.") in response.content.decode()
    invited.refresh_from_db()
    assert invited.status == Participation.Status.INVITED
    assert invited.press_consent is None


def test_declining_frees_the_place(invited):
    answer = _answer(attending="no")
    del answer["press_consent"], answer["recording_consent"]
    response = client_for(invited.person.user).post(_url(invited), answer)
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.status == Participation.Status.DECLINED
    assert invited.press_consent is None
    assert invited.nomination.status == Nomination.Status.WITHDRAWN
    assert Quota.objects.get(call=invited.nomination.call, country="KZ").taken == 0
    # Afterwards the page says so and offers no form.
    page = client_for(invited.person.user).get(_url(invited)).content.decode()
    assert _in_russian(DECLINED) in page
    assert '<form method="post" class="stacked"' not in page
