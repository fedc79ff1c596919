"""Shared fixtures. Tests run over plain HTTP against the test client."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests import factories


@pytest.fixture(autouse=True)
def _plain_http(settings):
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language. A request leaves its viewer's language
    active in the thread, which would make later tests depend on the order they run in."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def programme(db):
    return factories.ProgrammeFactory()


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
