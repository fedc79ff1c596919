"""Site-wide pages: the viewer's preferences and the sign-in pages' glue."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import preferences

ONE_YEAR = 365 * 24 * 3600


@require_POST
def set_preferences(request: HttpRequest) -> HttpResponse:
    """The language and time-zone switchers: the visitor's choice, kept in cookies."""
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    cookie = {"max_age": ONE_YEAR, "samesite": "Lax", "secure": settings.HTTPS}
    if language := preferences.supported_language(request.POST.get("language")):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, **cookie)
    zone = preferences.valid_zone(request.POST.get("timezone"))
    if zone:
        response.set_cookie(settings.TIMEZONE_COOKIE_NAME, zone.key, **cookie)
    else:
        response.delete_cookie(settings.TIMEZONE_COOKIE_NAME)
    return response
