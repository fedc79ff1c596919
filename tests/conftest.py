"""Shared fixtures. Tests run over plain HTTP against the test client."""

import pytest
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def _plain_http(settings):
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture
def programme(db):
    return factories.ProgrammeFactory()


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
