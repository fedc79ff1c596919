"""The invited judge's answer: attend or not, names, time zone, and the two consents.

Names are saved exactly as typed. Transliteration suggestions are shown beside a
form that is empty or differs, and a button may copy one into the field, but only
what the judge submits is stored.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seminarium.core.forms import ZoneNameInput
from seminarium.people.models import Person, validate_timezone
from seminarium.people.services import update_own_profile
from seminarium.people.transliteration import suggest
from seminarium.programmes.models import Participation

from . import services

YES, NO = "yes", "no"


def _yes_no(label, yes, no) -> forms.TypedChoiceField:
    """A required choice between two radio buttons, neither chosen in advance."""
    return forms.TypedChoiceField(
        label=label,
        choices=[(YES, yes), (NO, no)],
        coerce=lambda value: value == YES,
        widget=forms.RadioSelect,
        required=False,  # required only when attending: see AnswerForm.clean
    )


class AnswerForm(forms.Form):
    attending = forms.TypedChoiceField(
        label=gettext_lazy("Will you take part?"),
        choices=[
            (YES, gettext_lazy("Yes, I will take part")),
            (NO, gettext_lazy("No, I decline the invitation")),
        ],
        coerce=lambda value: value == YES,
        widget=forms.RadioSelect,
    )
    home_timezone = forms.CharField(
        label=gettext_lazy("Your time zone"),
        help_text=gettext_lazy("Session times are shown to you in this zone."),
        validators=[validate_timezone],
        widget=ZoneNameInput,
    )
    press_consent = _yes_no(
        gettext_lazy("May your name and photograph appear in press releases and reports?"),
        gettext_lazy("Yes, I agree to be named in the press"),
        gettext_lazy("No, do not name me in the press"),
    )
    recording_consent = _yes_no(
        gettext_lazy("May sessions in which you speak be recorded?"),
        gettext_lazy("Yes, I agree to be recorded"),
        gettext_lazy("No, do not record me"),
    )

    CONSENTS = ("press_consent", "recording_consent")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("attending"):
            for name in self.CONSENTS:
                if cleaned.get(name) in (None, ""):
                    self.add_error(name, _("Please answer this question."))
        for name in self.CONSENTS:
            # Unanswered (possible only when declining) stays unknown, not "no".
            if cleaned.get(name) == "":
                cleaned[name] = None
        return cleaned


class NamesForm(forms.ModelForm):
    confirm_names = forms.BooleanField(
        label=gettext_lazy("I confirm that my name is written correctly in each script."),
        required=False,
    )

    class Meta:
        model = Person
        fields = Person.NAME_FIELDS

    def suggestions(self) -> dict[str, str]:
        """Suggested forms that differ from what the form now holds, keyed by field."""
        value = {name: (self[name].value() or "") for name in Person.NAME_FIELDS}
        offered = suggest(value["family_name"], value["given_name"], value["patronymic"])
        return {
            name: suggestion
            for name, suggestion in offered.items()
            if suggestion != value.get(name, "").strip()
        }


def _own_participation(request: HttpRequest, participation_id: int) -> Participation:
    participation = (
        Participation.objects.select_related("programme__host", "person", "country")
        .filter(pk=participation_id, person__user=request.user)
        .exclude(status=Participation.Status.CANCELLED)
        .first()
    )
    if participation is None:
        raise Http404
    return participation


@login_required
def confirm(request: HttpRequest, participation_id: int) -> HttpResponse:
    participation = _own_participation(request, participation_id)
    person = participation.person
    declined = participation.status == Participation.Status.DECLINED
    data = request.POST if request.method == "POST" and not declined else None
    answers = AnswerForm(data, initial=_initial_answers(participation))
    names = NamesForm(data, instance=person)
    if data is not None and answers.is_valid() and names.is_valid():
        answer = answers.cleaned_data
        with transaction.atomic():
            if names.has_changed():
                update_own_profile(
                    request.user,
                    names.save(commit=False),
                    confirm_names=names.cleaned_data["confirm_names"],
                )
            services.confirm_participation(
                request.user,
                participation,
                attending=answer["attending"],
                press_consent=answer["press_consent"],
                recording_consent=answer["recording_consent"],
                home_timezone=answer["home_timezone"],
            )
        messages.success(
            request,
            _("Thank you: your participation is confirmed.")
            if answer["attending"]
            else _("Thank you: you have declined the invitation."),
        )
        return redirect("nominations:confirm", participation.pk)
    suggestions = names.suggestions()
    return render(
        request,
        "nominations/confirm.html",
        {
            "participation": participation,
            "programme": participation.programme,
            "person": person,
            "answers": answers,
            "names": names,
            "name_rows": [(names[name], suggestions.get(name)) for name in Person.NAME_FIELDS],
            "declined": declined,
        },
    )


def _initial_answers(participation: Participation) -> dict:
    """What the judge answered before, if anything; consents never default to yes."""

    def as_choice(value: bool | None) -> str | None:
        return None if value is None else (YES if value else NO)

    answered = participation.confirmed_at is not None
    return {
        "attending": YES if participation.status == Participation.Status.CONFIRMED else None,
        "home_timezone": participation.person.home_timezone,
        "press_consent": as_choice(participation.press_consent) if answered else None,
        "recording_consent": as_choice(participation.recording_consent) if answered else None,
    }
