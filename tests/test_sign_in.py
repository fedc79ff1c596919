"""Sign-in: Argon2, throttling that X-Forwarded-For cannot bypass, silent password reset,
sign-in links, and private personal pages."""

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from sesame.utils import get_query_string

from tests import factories

PASSWORD = "correct horse battery staple"


@pytest.fixture
def user(db):
    return factories.UserFactory(username="judge")


def test_passwords_are_hashed_with_argon2(user):
    assert identify_hasher(user.password).algorithm == "argon2"


def test_sign_in_with_password(client, user):
    response = client.post("/accounts/login/", {"username": "judge", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/me/").status_code == 200


def test_throttling_locks_the_account_whatever_x_forwarded_for_says(client, user, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": "judge", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
    response = client.post(
        "/accounts/login/",
        {"username": "judge", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.77",
    )
    assert response.status_code == 429
    assert client.get("/me/").status_code == 302  # still signed out


def test_password_reset_does_not_reveal_whether_an_account_exists(client, user):
    known = client.post("/accounts/password-reset/", {"email": user.email})
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]


def test_sign_in_link_signs_in_and_a_forged_one_does_not(client, user):
    good = client.get(f"/accounts/link/{get_query_string(user)}&next=/me/")
    assert good.status_code == 302 and good["Location"] == "/me/"
    assert client.get("/me/").status_code == 200
    client.logout()
    forged = client.get("/accounts/link/?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&next=/me/")
    assert forged.status_code == 403
    assert client.get("/me/").status_code == 302


def test_personal_pages_are_private_and_never_stored(client, user):
    client.force_login(user)
    for url in ("/me/", "/"):
        assert client.get(url)["Cache-Control"] == "private, no-store"


def test_public_pages_for_visitors_are_not_marked_private(client, db):
    assert "private" not in client.get("/").get("Cache-Control", "")
