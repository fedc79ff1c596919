from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from seminarium.core.context_processors import SWITCHER_ZONES
from seminarium.core.forms import ConsoleModelForm, CountryField, ZoneNameInput

from .models import Organisation, Person


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves: their name forms and preferences."""

    confirm_names = forms.BooleanField(
        label=_("I confirm that my name is written correctly in each script."), required=False
    )

    class Meta:
        model = Person
        fields = [
            *Person.NAME_FIELDS,
            "preferred_language",
            "home_timezone",
        ]
        widgets = {
            "preferred_language": forms.Select(),
            "home_timezone": forms.TextInput(attrs={"list": "zone-names"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].widget.choices = settings.LANGUAGES
        self.zone_suggestions = SWITCHER_ZONES


class PersonForm(ConsoleModelForm):
    """A person as an organiser records them: every name form, position and contact."""

    class Meta:
        model = Person
        fields = [
            *Person.NAME_FIELDS,
            "position",
            "organisation",
            "preferred_language",
            "home_timezone",
            "email",
        ]
        widgets = {"preferred_language": forms.Select(), "home_timezone": ZoneNameInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].widget.choices = settings.LANGUAGES
        self.fields["organisation"].queryset = Organisation.objects.select_related("country")


class OrganisationForm(ConsoleModelForm):
    country = CountryField(label=_("Country"))

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "country", "kind"]
