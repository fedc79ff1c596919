"""Viewer preferences on every request, and no caching of personal pages."""

from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import preferences


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
