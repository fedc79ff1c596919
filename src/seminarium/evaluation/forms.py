"""Forms: organisers build surveys in every working language; participants answer them."""

from datetime import UTC, datetime

from django import forms
from django.forms import formset_factory
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from seminarium.core import locales
from seminarium.core.forms import ConsoleModelForm, ZonedDateTimeField
from seminarium.programmes.models import CONTENT_LANGUAGES, Programme, Session

from .models import SCALE_MAX, SCALE_MIN, Option, Question, Response, Survey
from .services import AnswerInput


def _languages(programme: Programme) -> list[str]:
    return programme.working_languages or CONTENT_LANGUAGES


def _zone_help(programme: Programme) -> str:
    zone = programme.zone
    first_day = datetime.combine(programme.start_date, datetime.min.time(), zone)
    return _("Local time in the programme’s zone: %(city)s (%(key)s, %(offset)s).") % {
        "city": locales.zone_city(zone.key, get_language()),
        "key": zone.key,
        "offset": locales.utc_offset(first_day.astimezone(UTC), zone),
    }


class SurveyForm(ConsoleModelForm):
    """A survey; times are typed as wall-clock times in the programme's zone."""

    require_every_language = True

    opens_at = ZonedDateTimeField(label=gettext_lazy("Opens"), required=False)
    closes_at = ZonedDateTimeField(label=gettext_lazy("Closes"), required=False)
    send_at = ZonedDateTimeField(label=gettext_lazy("Send by e-mail at"), required=False)
    # Not "sessions": ConsoleModelForm.clean reads every field name off the unsaved instance.
    rated_sessions = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Sessions rated"),
        queryset=Session.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Rating surveys only. Participants are asked after each of these."),
    )

    class Meta:
        model = Survey
        fields = ["kind", "title", "intro", "anonymous", "opens_at", "closes_at", "send_at"]

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, locales=_languages(programme), **kwargs)
        self.instance.programme = programme
        zone_help = _zone_help(programme)
        for name in ("opens_at", "closes_at", "send_at"):
            self.fields[name].zone = programme.zone
            self.fields[name].help_text = zone_help
        self.fields["opens_at"].help_text = " ".join(
            [_("Leave empty to keep the survey closed for now."), zone_help]
        )
        self.fields["send_at"].help_text = " ".join(
            [_("Alumni follow-up only, usually three to six months after the end."), zone_help]
        )
        sessions = programme.sessions.exclude(kind=Session.Kind.BREAK).order_by("start")
        self.fields["rated_sessions"].queryset = sessions
        if self.instance.pk:
            self.fields["rated_sessions"].initial = list(self.instance.sessions.all())


class QuestionForm(ConsoleModelForm):
    require_every_language = True

    class Meta:
        model = Question
        fields = [
            "kind",
            "text",
            "required",
            "low_label",
            "high_label",
            "multiple",
            "points",
            "position",
        ]

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, locales=_languages(survey.programme), **kwargs)
        self.instance.survey = survey
        # Scale labels are optional as a whole, but once given, in every language.
        for name in ("low_label", "high_label"):
            self.fields[name].required = False


class OptionForm(ConsoleModelForm):
    class Meta:
        model = Option
        fields = ["text", "correct"]

    def __init__(self, *args, languages: list[str], **kwargs):
        super().__init__(*args, locales=languages, **kwargs)
        self.languages = languages
        self.fields["text"].required = False
        self.fields["text"].require_all_fields = False

    def clean_text(self):
        """Empty (a row left blank), or filled in in every working language."""
        text = self.cleaned_data.get("text")
        data = (text.data if text else None) or {}
        filled = {code for code, value in data.items() if str(value or "").strip()}
        if filled and set(self.languages) - filled:
            raise forms.ValidationError(_("Fill this in in every language shown."))
        return text


OptionFormSet = formset_factory(OptionForm, extra=0)


def option_formset(data, question: Question | None, languages: list[str]):
    """Existing options, then empty rows up to six; empty rows are ignored."""
    existing = list(question.options.all()) if question and question.pk else []
    initial = [{"text": o.text, "correct": o.correct} for o in existing]
    return OptionFormSet(
        data,
        initial=initial + [{}] * max(2, 6 - len(initial)),
        prefix="options",
        form_kwargs={"languages": languages},
    )


def options_from(formset) -> list[Option]:
    options = []
    for form in formset.forms:
        text = form.cleaned_data.get("text")
        if text and any(str(value).strip() for value in (text.data or {}).values()):
            options.append(Option(text=text, correct=form.cleaned_data.get("correct", False)))
    return options


class AnswerForm(forms.Form):
    """One field per question, named ``q<id>``; nothing is required until submission."""

    def __init__(self, *args, survey: Survey, response: Response | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.prefetch_related("options"))
        given = {a.question_id: a for a in response.answers.all()} if response else {}
        for question in self.questions:
            field = self._field(question, given.get(question.pk))
            # Not required by the form, so that drafts can be saved; checked on submission.
            if question.required:
                field.help_text = _("An answer is needed to submit.")
            self.fields[f"q{question.pk}"] = field

    def _field(self, question: Question, answer) -> forms.Field:
        label = str(question.text)
        if question.kind == Question.Kind.SCALE:
            low, high = str(question.low_label), str(question.high_label)
            choices = [
                (
                    value,
                    f"{value} – {low}"
                    if value == SCALE_MIN and low
                    else f"{value} – {high}"
                    if value == SCALE_MAX and high
                    else str(value),
                )
                for value in range(SCALE_MIN, SCALE_MAX + 1)
            ]
            return forms.TypedChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                initial=answer.rating if answer else None,
            )
        if question.kind == Question.Kind.TEXT:
            return forms.CharField(
                label=label,
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=answer.text if answer else "",
            )
        choices = [(option.pk, str(option.text)) for option in question.options.all()]
        chosen = [o.pk for o in answer.options.all()] if answer else []
        if question.multiple:
            return forms.TypedMultipleChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=chosen,
            )
        return forms.TypedChoiceField(
            label=label,
            choices=choices,
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            initial=chosen[0] if chosen else None,
        )

    def answers(self) -> dict[int, AnswerInput]:
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if question.kind == Question.Kind.SCALE:
                answers[question.pk] = AnswerInput(rating=value)
            elif question.kind == Question.Kind.TEXT:
                answers[question.pk] = AnswerInput(text=value or "")
            elif isinstance(value, list):
                answers[question.pk] = AnswerInput(options=tuple(value))
            else:
                answers[question.pk] = AnswerInput(options=(value,) if value else ())
        return answers
