"""Forms for the organiser's timetable pages. Choices are limited to the programme's own
sessions, people and delegations."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from seminarium.core import locales
from seminarium.core.forms import ConsoleModelForm, ZonedDateTimeField
from seminarium.core.models import Country
from seminarium.people.models import Person
from seminarium.programmes.models import Programme, Session, SessionRole

from .models import (
    AudienceZone,
    Availability,
    InterpreterLimit,
    OrderingRule,
    SessionAudience,
    TimetableBreak,
    TimetableSettings,
)


class ProposeForm(forms.Form):
    time_limit = forms.IntegerField(
        label=_("Time limit (seconds)"),
        min_value=1,
        max_value=settings.TIMETABLE_MAX_TIME_LIMIT,
        help_text=_("The solver stops after this long and proposes the best timetable found."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_limit"].initial = settings.TIMETABLE_DEFAULT_TIME_LIMIT


class SessionChoiceForm(forms.Form):
    """The sessions ticked in the proposal's table."""

    sessions = forms.ModelMultipleChoiceField(
        queryset=Session.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = Session.objects.filter(programme=programme)


class _ProgrammeForm(ConsoleModelForm):
    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.instance.programme = programme


class TimetableSettingsForm(_ProgrammeForm):
    class Meta:
        model = TimetableSettings
        fields = [
            "day_start",
            "day_end",
            "acceptable_start",
            "acceptable_end",
            "comfortable_start",
            "comfortable_end",
            "slot_minutes",
        ]
        widgets = {
            name: forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            for name in fields
            if name != "slot_minutes"
        }


class TimetableBreakForm(_ProgrammeForm):
    class Meta:
        model = TimetableBreak
        fields = ["start", "end"]
        widgets = {name: forms.TimeInput(attrs={"type": "time"}, format="%H:%M") for name in fields}


class OrderingRuleForm(_ProgrammeForm):
    class Meta:
        model = OrderingRule
        fields = ["session", "kind", "other", "min_gap_minutes"]

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        sessions = Session.objects.filter(programme=programme)
        self.fields["session"].queryset = sessions
        self.fields["other"].queryset = sessions


class AudienceZoneForm(_ProgrammeForm):
    class Meta:
        model = AudienceZone
        fields = [
            "country",
            "timezone",
            "acceptable_start",
            "acceptable_end",
            "comfortable_start",
            "comfortable_end",
        ]
        widgets = {
            name: forms.TimeInput(attrs={"type": "time"}, format="%H:%M") for name in fields[2:]
        }

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(
            participations__programme=programme
        ).distinct()


class AvailabilityForm(_ProgrammeForm):
    class Meta:
        model = Availability
        fields = ["person", "start", "end"]

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            session_roles__session__programme=programme
        ).distinct()
        for name in ("start", "end"):
            label = self.fields[name].label
            self.fields[name] = ZonedDateTimeField(zone=programme.zone, label=label)
            self.fields[name].help_text = _("In the programme’s time zone.")


class InterpreterLimitForm(_ProgrammeForm):
    class Meta:
        model = InterpreterLimit
        fields = ["person", "max_daily_minutes", "max_continuous_minutes"]

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            session_roles__session__programme=programme,
            session_roles__role=SessionRole.Role.INTERPRETER,
        ).distinct()


class SessionAudienceForm(_ProgrammeForm):
    countries = forms.MultipleChoiceField(
        label=_("Delegations"), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = SessionAudience
        fields = ["session", "countries"]

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["session"].queryset = Session.objects.filter(programme=programme)
        codes = (
            Country.objects.filter(participations__programme=programme)
            .distinct()
            .values_list("code", flat=True)
        )
        language = get_language()
        self.fields["countries"].choices = [
            (code, locales.country_name(code, language)) for code in codes
        ]
