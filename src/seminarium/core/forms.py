"""Form pieces shared by every app's console: multilingual inputs, countries, zones, local times."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from i18nfield.forms import I18nFormField, I18nModelForm, I18nTextarea, I18nTextInput
from i18nfield.strings import LazyI18nString

from . import locales
from .context_processors import SWITCHER_ZONES
from .models import Country, country_for_code

# CLDR territories that are groupings or placeholders, not countries.
_NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"}


class LabelledI18nMixin:
    """Each language's input inside its own <label>, named in the reader's language."""

    def format_output(self, rendered_widgets, id_) -> str:
        shown = [code for code in self.locales if code in self.enabled_locales]
        language = get_language()
        labelled = [
            format_html(
                '<label class="i18n-language"><span>{}</span>{}</label>',
                locales.language_name(code, language),
                mark_safe(widget),
            )
            for code, widget in zip(shown, rendered_widgets, strict=True)
        ]
        return super().format_output(labelled, id_)


class LabelledI18nTextInput(LabelledI18nMixin, I18nTextInput):
    pass


class LabelledI18nTextarea(LabelledI18nMixin, I18nTextarea):
    pass


class ConsoleModelForm(I18nModelForm):
    """A model form for the console.

    Multilingual fields get one labelled input per language in ``locales``; text
    stored in languages the form does not show is kept, not wiped.
    """

    template_name = "core/console/form_fields.html"
    required_css_class = "required"
    # Forms shown in a programme's working languages set this: a programme published
    # in three languages must not show gaps in one of them.
    require_every_language = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, I18nFormField):
                if self.require_every_language:
                    field.require_all_fields = field.one_required
                    field.error_messages["incomplete"] = _("Fill this in in every language shown.")
                labelled_class = (
                    LabelledI18nTextarea
                    if isinstance(field.widget, I18nTextarea)
                    else LabelledI18nTextInput
                )
                labelled = labelled_class(locales=field.locales, field=field)
                labelled.enabled_locales = field.widget.enabled_locales
                field.widget = labelled

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            entered = cleaned.get(name)
            if not (isinstance(field, I18nFormField) and isinstance(entered, LazyI18nString)):
                continue
            stored = getattr(self.instance, name, None)
            if isinstance(stored, LazyI18nString) and isinstance(stored.data, dict):
                hidden = set(field.locales) - set(field.widget.enabled_locales)
                kept = {code: stored.data[code] for code in hidden if stored.data.get(code)}
                cleaned[name] = LazyI18nString({**entered.data, **kept})
        return cleaned


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166 country, named and sorted in the reader's language."""
    names = locales.cldr_locale(get_language()).territories
    codes = locales.cldr_locale("en").territories
    found = [
        (code, names.get(code, code))
        for code in codes
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    return sorted(found, key=lambda choice: choice[1])


class CountryField(forms.ChoiceField):
    """Choose a country by name; cleans to a Country row.

    Countries are reference data with nothing but a code, so a row is made on first use
    rather than loaded in advance.
    """

    def __init__(self, **kwargs):
        super().__init__(choices=lambda: [("", "—"), *country_choices()], **kwargs)

    def prepare_value(self, value):
        return value.pk if isinstance(value, Country) else value

    def clean(self, value) -> Country | None:
        code = super().clean(value)
        return country_for_code(code) if code else None


class ZoneNameInput(forms.TextInput):
    """A text input for an IANA zone name, suggesting the SCO region's zones."""

    template_name = "core/console/zone_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs']['id']}-suggestions"
        context["zone_suggestions"] = SWITCHER_ZONES
        return context


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time read and shown in a given zone (a programme's), stored as an instant."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *, zone: ZoneInfo | None = None, **kwargs):
        super().__init__(**kwargs)
        self.zone = zone or ZoneInfo("UTC")

    def prepare_value(self, value):
        with timezone.override(self.zone):
            return super().prepare_value(value)

    def to_python(self, value) -> datetime | None:
        with timezone.override(self.zone):
            return super().to_python(value)
