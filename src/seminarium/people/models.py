"""Organisations and people. Names are kept exactly as supplied, per script."""

import time
import zoneinfo

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from i18nfield.fields import I18nCharField

from seminarium.core.models import Country
from seminarium.core.preferences import valid_zone

from .names import NameForms


def validate_timezone(value: str) -> None:
    if valid_zone(value) is None:
        raise ValidationError(
            _("“%(zone)s” is not a time zone name such as Asia/Almaty."), params={"zone": value}
        )


def validate_language(value: str) -> None:
    if value not in dict(settings.LANGUAGES):
        raise ValidationError(_("“%(code)s” is not an interface language."), params={"code": value})


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COURT = "court", _("Court")
        MINISTRY = "ministry", _("Ministry")
        INSTITUTE = "institute", _("Institute")
        COLLEGE = "college", _("College")
        UNIVERSITY = "university", _("University")
        ACADEMY = "academy", _("Academy")
        ASSOCIATION = "association", _("Association")
        OTHER = "other", _("Other")

    name = I18nCharField(_("name"))
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["country", "short_name", "id"]

    def __str__(self) -> str:
        return str(self.name)


class Person(models.Model):
    """Someone taking part. Only what a seminar needs is stored (see docs/people-and-names.md)."""

    # Every form of the name, as the person supplies and confirms them.
    NAME_FIELDS = (
        "family_name",
        "given_name",
        "patronymic",
        "latin_family_name",
        "latin_given_name",
        "chinese_name",
        "russian_name",
    )

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    # Native script, exactly as supplied.
    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    # Passport spelling, exactly as in the passport.
    latin_family_name = models.CharField(
        _("family name (passport, Latin)"), max_length=100, blank=True
    )
    latin_given_name = models.CharField(
        _("given name (passport, Latin)"), max_length=100, blank=True
    )
    # Whole-name forms in the SCO working languages, where known.
    chinese_name = models.CharField(_("name in Chinese"), max_length=100, blank=True)
    russian_name = models.CharField(_("name in Russian"), max_length=200, blank=True)

    position = I18nCharField(_("title or position"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("organisation"),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, default="en", validators=[validate_language]
    )
    home_timezone = models.CharField(
        _("home time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    names_confirmed_at = models.DateTimeField(_("names confirmed"), null=True, blank=True)
    is_fictional = models.BooleanField(
        _("fictional"), default=False, help_text=_("Invented for demonstration data.")
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["family_name", "given_name", "id"]

    def __str__(self) -> str:
        return self.display_name()

    @property
    def native_name(self) -> str:
        return self.name_forms.native

    @property
    def latin_name(self) -> str:
        return self.name_forms.latin

    @property
    def name_forms(self) -> NameForms:
        return NameForms.of(
            self.family_name,
            self.given_name,
            self.patronymic,
            self.latin_family_name,
            self.latin_given_name,
            self.chinese_name,
            self.russian_name,
        )

    def display_name(self, language: str | None = None) -> str:
        return self.name_forms.for_reader(language or get_language() or settings.LANGUAGE_CODE)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.home_timezone)


_DIRECTORY_VERSION_KEY = "people:directory-version"


def directory_version() -> int:
    """Changes whenever a person or organisation changes; part of cached pages' keys."""
    return cache.get_or_set(_DIRECTORY_VERSION_KEY, time.time_ns, timeout=None)


def bump_directory_version(**_kwargs) -> None:
    cache.set(_DIRECTORY_VERSION_KEY, time.time_ns(), timeout=None)
