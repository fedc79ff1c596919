"""Personal sign-in links (django-sesame), for invitations and the demo."""

from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from sesame.utils import get_query_string


def sign_in_url(user, next_path: str = "/me/", base_url: str | None = None) -> str:
    """An absolute link that signs ``user`` in and lands on ``next_path``."""
    base = (base_url or settings.SITE_URL).rstrip("/")
    return f"{base}{reverse('sign_in_link')}{get_query_string(user)}&next={quote(next_path)}"
