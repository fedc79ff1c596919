"""Console forms for programmes, sessions, session roles, participations and programme roles."""

from datetime import UTC, datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from seminarium.core import locales
from seminarium.core.forms import ConsoleModelForm, CountryField, ZonedDateTimeField, ZoneNameInput
from seminarium.people.models import Person

from .models import CONTENT_LANGUAGES, Participation, Programme, ProgrammeRole, Session, SessionRole
from .rules import organiser_programme_ids


def _language_choices(codes: list[str]) -> list[tuple[str, str]]:
    """Languages named in the reader's language, in the order given."""
    language = get_language()
    return [(code, locales.language_name(code, language)) for code in codes]


def _working_languages(programme: Programme) -> list[str]:
    return programme.working_languages or CONTENT_LANGUAGES


class ProgrammeForm(ConsoleModelForm):
    working_languages = forms.MultipleChoiceField(
        label=gettext_lazy("Working languages"), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Programme
        fields = [
            "slug",
            "title",
            "summary",
            "host",
            "funder",
            "funding_reference",
            "start_date",
            "end_date",
            "timezone",
            "working_languages",
            "delivery_mode",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "timezone": ZoneNameInput,
        }

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        languages = instance.working_languages if instance and instance.pk else None
        super().__init__(*args, locales=languages or CONTENT_LANGUAGES, **kwargs)
        self.fields["working_languages"].choices = _language_choices(CONTENT_LANGUAGES)
        self.fields["timezone"].help_text = _(
            "Sessions are entered and shown in this zone, e.g. Asia/Shanghai."
        )

    def clean(self):
        cleaned = super().clean()
        title, languages = cleaned.get("title"), cleaned.get("working_languages") or []
        if title is not None:
            data = title.data if isinstance(title.data, dict) else {}
            missing = [code for code in languages if not data.get(code)]
            if missing:
                names = ", ".join(locales.language_name(code, get_language()) for code in missing)
                self.add_error(
                    "title",
                    _("Give the title in every working language; missing: %(languages)s.")
                    % {"languages": names},
                )
        return cleaned


class SessionForm(ConsoleModelForm):
    """A session; start and end are typed as wall-clock times in the programme's zone."""

    require_every_language = True

    start = ZonedDateTimeField(label=gettext_lazy("Start"))
    end = ZonedDateTimeField(label=gettext_lazy("End"))
    floor_language = forms.ChoiceField(label=gettext_lazy("Floor language"))
    interpretation_languages = forms.MultipleChoiceField(
        label=gettext_lazy("Interpretation into"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Session
        fields = [
            "title",
            "description",
            "kind",
            "start",
            "end",
            "floor_language",
            "interpretation_languages",
            "room",
            "is_online",
        ]

    def __init__(self, *args, programme: Programme, **kwargs):
        languages = _working_languages(programme)
        super().__init__(*args, locales=languages, **kwargs)
        self.instance.programme = programme
        zone = programme.zone
        first_day = datetime.combine(programme.start_date, datetime.min.time(), zone)
        in_zone = _("Local time in the programme’s zone: %(city)s (%(key)s, %(offset)s).") % {
            "city": locales.zone_city(zone.key, get_language()),
            "key": zone.key,
            "offset": locales.utc_offset(first_day.astimezone(UTC), zone),
        }
        for name in ("start", "end"):
            field = self.fields[name]
            field.zone = zone
            field.help_text = in_zone
            field.widget.attrs.update(
                min=f"{programme.start_date:%Y-%m-%d}T00:00",
                max=f"{programme.end_date:%Y-%m-%d}T23:59",
            )
        self.fields["floor_language"].choices = _language_choices(languages)
        self.fields["interpretation_languages"].choices = _language_choices(languages)


def people_taking_part(programme: Programme):
    return (
        Person.objects.filter(participations__programme=programme)
        .select_related("organisation")
        .distinct()
    )


def people_an_organiser_may_add(user):
    """People in the user's programmes, and people not yet in any programme (new entries)."""
    people = Person.objects.select_related("organisation")
    if user.is_superuser:
        return people
    return people.filter(
        Q(participations__programme_id__in=organiser_programme_ids(user))
        | Q(participations__isnull=True)
    ).distinct()


class SessionRoleForm(ConsoleModelForm):
    class Meta:
        model = SessionRole
        fields = ["person", "role", "channel", "mode", "location", "protocol_order"]

    def __init__(self, *args, session: Session, **kwargs):
        programme = session.programme
        super().__init__(*args, locales=_working_languages(programme), **kwargs)
        self.instance.session = session
        person = self.fields["person"]
        person.queryset = people_taking_part(programme)
        person.help_text = _("People taking part in this programme; add others under Participants.")
        self.channels = [code for code in session.interpretation_languages or [] if code]
        choices = [("", "—"), *_language_choices(self.channels)]
        if (current := self.instance.channel) and current not in self.channels:
            # Kept as it is until someone changes it, rather than blanked unseen.
            ((_code, name),) = _language_choices([current])
            choices.append((current, _("%(language)s (no longer offered)") % {"language": name}))
        self.fields["channel"] = forms.ChoiceField(
            label=self.fields["channel"].label,
            help_text=self.fields["channel"].help_text,
            choices=choices,
            required=False,
        )

    def clean(self):
        cleaned = super().clean()
        is_interpreter = cleaned.get("role") == SessionRole.Role.INTERPRETER
        if is_interpreter and self.channels and not cleaned.get("channel"):
            self.add_error("channel", _("Choose the language this interpreter interprets into."))
        if not is_interpreter and cleaned.get("channel"):
            self.add_error("channel", _("Only interpreters interpret into a channel."))
        return cleaned


class ParticipationForm(ConsoleModelForm):
    country = CountryField(label=gettext_lazy("Delegation"))

    class Meta:
        model = Participation
        fields = ["person", "kind", "country", "status"]

    def __init__(self, *args, programme: Programme, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["person"].queryset = people_an_organiser_may_add(user)


class ProgrammeRoleForm(forms.Form):
    """Give a user the right to organise a programme, or to coordinate one country's delegation."""

    user = forms.CharField(label=gettext_lazy("User name or e-mail"), max_length=254)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ProgrammeRole.Role.choices)
    country = CountryField(
        label=gettext_lazy("Country"),
        required=False,
        help_text=gettext_lazy("Only for country coordinators."),
    )
    template_name = "core/console/form_fields.html"
    required_css_class = "required"

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean_user(self):
        identifier = self.cleaned_data["user"].strip()
        users = get_user_model().objects.filter(is_active=True)
        matches = list(users.filter(username=identifier)) or list(
            users.filter(email__iexact=identifier)
        )
        if len(matches) != 1:
            raise forms.ValidationError(
                _("No single user has this user name or e-mail.")
                if not matches
                else _("Several users share this e-mail; give the user name.")
            )
        return matches[0]

    def clean(self):
        cleaned = super().clean()
        user, role = cleaned.get("user"), cleaned.get("role")
        if role == ProgrammeRole.Role.COORDINATOR and not cleaned.get("country"):
            self.add_error("country", _("Choose the country this coordinator speaks for."))
        if role == ProgrammeRole.Role.ORGANISER:
            cleaned["country"] = None
        existing = ProgrammeRole.objects.filter(user=user, programme=self.programme, role=role)
        if user and role and existing.exists():
            self.add_error("role", _("This user already has this role in the programme."))
        return cleaned

    def programme_role(self) -> ProgrammeRole:
        data = self.cleaned_data
        return ProgrammeRole(
            user=data["user"], programme=self.programme, role=data["role"], country=data["country"]
        )
