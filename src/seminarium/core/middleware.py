"""Viewer preferences on every request, no caching of personal pages, and no NUL characters."""

from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from . import preferences

NUL = "\x00"


class ViewerPreferencesMiddleware:
    """Activates the viewer's language; `request.viewer` holds language and zone.

    Sits after AuthenticationMiddleware, since a signed-in person's own
    preferences count.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.viewer = preferences.resolve(request)
        translation.activate(request.viewer.language)
        request.LANGUAGE_CODE = request.viewer.language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.viewer.language)
        return response


class PrivatePagesMiddleware:
    """Anything served to a signed-in user is private: `Cache-Control: private, no-store`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response


class RejectNulCharactersMiddleware:
    """A NUL character in the address or in form fields is refused with a 400.

    PostgreSQL cannot store NUL in text, and no person types one; without this check a
    stray NUL in a field read outside a Django form would end in a server error.
    Sits after ViewerPreferencesMiddleware, so the message is in the viewer's language.
    JSON bodies are checked where they are parsed (the API); a provider's callback that
    cannot be stored answers 400 in its own view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            return HttpResponseBadRequest(
                _("The request contains a NUL character (U+0000), which cannot be accepted."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _has_nul(request) -> bool:
    if NUL in request.path:
        return True
    fields = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        fields.append(request.POST)
    return any(
        NUL in key or any(NUL in value for value in values)
        for query in fields
        for key, values in query.lists()
    )
