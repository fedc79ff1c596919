"""What every API router shares: token authentication, JSON errors, permission checks,
and the field types for multilingual text and UTC times."""

import json
from datetime import UTC
from typing import Annotated, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from i18nfield.strings import LazyI18nString
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer
from pydantic import AfterValidator, AwareDatetime, BeforeValidator

from . import preferences
from .models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <key>``. Never read from the query string, which ends up in logs."""

    def authenticate(self, request: HttpRequest, token: str):
        api_token = ApiToken.objects.authenticate(token)
        if api_token is None:
            return None
        # The token's user becomes the request's user, so that responses are marked
        # private and the caller's preferred language applies, as for a signed-in page.
        request.user = api_token.user
        request.viewer = preferences.resolve(request)
        translation.activate(request.viewer.language)
        return api_token.user


class TokenOrAnonymous(TokenAuth):
    """For reads: with no Authorization header the caller is anonymous; a bad token is refused."""

    def __call__(self, request: HttpRequest):
        if self.header not in request.headers:
            return AnonymousUser()
        return super().__call__(request)


token_auth = TokenAuth()
token_or_anonymous = TokenOrAnonymous()


class NulCharacter(ValueError):
    pass


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(key) or _contains_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


class JsonParser(Parser):
    """JSON bodies, refusing the NUL character, which PostgreSQL cannot store in text."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        if _contains_nul(data):
            raise NulCharacter
        return data


def visible_or_404(user, permission: str, obj: Any) -> None:
    """Objects the caller may not see answer 404, so that their existence does not leak."""
    if not user.has_perm(permission, obj):
        raise Http404


def permitted_or_403(user, permission: str, obj: Any = None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def assign(instance: models.Model, data: dict[str, Any]) -> models.Model:
    """Set validated input on a model instance. The only dict-valued inputs are multilingual."""
    for name, value in data.items():
        setattr(instance, name, LazyI18nString(value) if isinstance(value, dict) else value)
    return instance


def _language_keyed(value: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(value) - set(dict(settings.LANGUAGES)))
    if unknown:
        raise ValueError(_("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)})
    return {code: text.strip() for code, text in value.items() if text.strip()}


def _plain_i18n(value: Any) -> Any:
    if isinstance(value, LazyI18nString):
        value = value.data
        if isinstance(value, str):
            # A plain string from before the field was translated: the site language.
            return {settings.LANGUAGE_CODE: value} if value else {}
    return {} if value is None else value


I18nText = Annotated[dict[str, str], BeforeValidator(_plain_i18n), AfterValidator(_language_keyed)]
"""Multilingual text as a JSON object keyed by language code: ``{"en": "…", "ru": "…"}``."""

UtcDateTime = Annotated[AwareDatetime, AfterValidator(lambda value: value.astimezone(UTC))]
"""An ISO 8601 instant with its offset; read in any offset, always written in UTC."""


def _schema_errors(errors: list[dict]) -> dict[str, list[str]]:
    """Pydantic errors keyed by field path; a body's source and parameter name are left out."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        location = list(error.get("loc", ()))
        path = location[2:] if location[:1] == ["body"] else location[1:]
        fields.setdefault(".".join(map(str, path)) or "__all__", []).append(error["msg"])
    return fields


def _model_errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error answers JSON with a translated ``detail``; bad input never becomes a 500."""

    def respond(request: HttpRequest, status: int, detail: str, **extra) -> HttpResponse:
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    @api.exception_handler(ValidationError)
    def invalid_data(request, exc):
        return respond(request, 422, _("The data is not valid."), errors=_model_errors(exc))

    @api.exception_handler(SchemaValidationError)
    def invalid_request(request, exc):
        return respond(
            request, 422, _("The request is not valid."), errors=_schema_errors(exc.errors)
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return respond(request, 403, _("You may not do this."))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, _("Not found."))

    @api.exception_handler(IntegrityError)
    def conflict(request, exc):
        return respond(request, 409, _("This conflicts with existing data."))

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if isinstance(exc.__cause__, NulCharacter):
            # Ninja wraps every parser error in a 400; say what was wrong with this one.
            return respond(request, 400, _("Text may not contain the NUL character (U+0000)."))
        detail = {
            400: _("The request body could not be read; send valid JSON."),
            401: _("Send a valid API token in the header “Authorization: Bearer <key>”."),
            403: _("You may not do this."),
            429: _("Too many requests; try again later."),
        }.get(exc.status_code, str(exc))
        return respond(request, exc.status_code, detail)
