from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PROVIDER_CHOICES


class ProviderForm(forms.Form):
    provider = forms.ChoiceField(
        label=_("Video provider for the programme"), choices=PROVIDER_CHOICES
    )


class SessionProviderForm(forms.Form):
    provider = forms.ChoiceField(
        label=_("Video provider for this session"),
        choices=[("", _("As the programme")), *PROVIDER_CHOICES],
        required=False,
    )
