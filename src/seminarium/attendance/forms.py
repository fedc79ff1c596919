"""Organisers' attendance forms: excused absences, unknown participants, the threshold."""

from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from seminarium.core import locales
from seminarium.programmes.models import Programme

from .services import ACTIVE_STATUSES, counted_sessions


def _participants(programme: Programme):
    return programme.participations.filter(status__in=ACTIVE_STATUSES).select_related("person")


class ExcuseForm(forms.Form):
    template_name = "core/console/form_fields.html"
    required_css_class = "required"

    participation = forms.ModelChoiceField(queryset=None, label=_("Participant"))
    session = forms.TypedChoiceField(label=_("Session"), coerce=int)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, programme: Programme, zone: ZoneInfo, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = {session.pk: session for session in counted_sessions(programme)}
        self.fields["participation"].queryset = _participants(programme)
        language = get_language()
        self.fields["session"].choices = [
            (pk, f"{locales.medium_datetime(session.start, zone, language)} · {session.title}")
            for pk, session in self.sessions.items()
        ]

    def clean_session(self):
        return self.sessions[self.cleaned_data["session"]]


class LinkForm(forms.Form):
    template_name = "core/console/form_fields.html"
    required_css_class = "required"

    source = forms.CharField(widget=forms.HiddenInput)
    identity = forms.CharField(widget=forms.HiddenInput)
    participation = forms.ModelChoiceField(queryset=None, label=_("This is"))

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participation"].queryset = _participants(programme)


class ThresholdForm(forms.Form):
    template_name = "core/console/form_fields.html"
    required_css_class = "required"

    threshold = forms.FloatField(
        label=_("Certificate threshold (%)"),
        min_value=0,
        max_value=100,
        help_text=_("The share of scheduled time a participant must attend for a certificate."),
    )
