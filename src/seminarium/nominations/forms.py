"""Forms for calls, nominations, decisions and uploads."""

from django import forms
from django.forms import formset_factory, inlineformset_factory
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from seminarium.core import locales
from seminarium.core.forms import ConsoleModelForm, CountryField, ZonedDateTimeField
from seminarium.people.forms import PersonForm
from seminarium.people.models import Organisation
from seminarium.programmes.models import CONTENT_LANGUAGES, Programme

from . import imports
from .models import Call, ExtraField, Nomination, Quota

FORM_FIELDS_TEMPLATE = "core/console/form_fields.html"


def answer_field_name(question: ExtraField) -> str:
    return f"question_{question.pk}"


class NomineeForm(PersonForm):
    """One judge, as a country coordinator nominates them: the minimal name forms and
    contacts, and the call's extra questions, each shown with the reason it is asked."""

    def __init__(self, *args, call: Call, country: str, with_questions: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        organisation = self.fields["organisation"]
        organisation.label = _("Court or organisation")
        organisation.queryset = Organisation.objects.filter(country_id=country)
        organisation.help_text = _("Missing from the list? Ask the organisers to add it.")
        self.fields["preferred_language"].label = _("Working language")
        self.questions = list(call.extra_fields.all()) if with_questions else []
        for question in self.questions:
            self.fields[answer_field_name(question)] = forms.CharField(
                label=str(question.label),
                required=question.required,
                max_length=imports.MAX_ANSWER_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Why this is asked: %(purpose)s") % {"purpose": question.purpose},
            )

    def answers(self) -> dict[str, str]:
        """Answers keyed by question id, as Nomination.answers stores them."""
        return {
            str(question.pk): self.cleaned_data[answer_field_name(question)]
            for question in self.questions
            if self.cleaned_data.get(answer_field_name(question))
        }


class SubstituteForm(NomineeForm):
    """The judge who takes a pending nominee's place; the answers given before are kept."""

    reason = forms.CharField(label=_("Reason for the substitution"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, with_questions=False, **kwargs)


class WithdrawForm(forms.Form):
    template_name = FORM_FIELDS_TEMPLATE
    required_css_class = "required"

    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    template_name = FORM_FIELDS_TEMPLATE
    required_css_class = "required"

    file = forms.FileField(label=_("File of nominees"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV in UTF-8, or an Excel workbook (.xlsx); at most %(rows)s rows and %(mb)s MB."
        ) % {"rows": imports.MAX_ROWS, "mb": imports.MAX_BYTES // (1024 * 1024)}


class DecisionForm(forms.Form):
    template_name = FORM_FIELDS_TEMPLATE
    required_css_class = "required"

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (status, Nomination.Status(status).label)
            for status in (
                Nomination.Status.APPROVED,
                Nomination.Status.WAITLISTED,
                Nomination.Status.REJECTED,
            )
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The coordinator reads it."),
    )


def _working_languages(programme: Programme) -> list[str]:
    return programme.working_languages or CONTENT_LANGUAGES


class CallForm(ConsoleModelForm):
    """The call's deadline, typed in the programme's zone, and its message."""

    require_every_language = True

    class Meta:
        model = Call
        fields = ["deadline", "message"]

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, locales=_working_languages(programme), **kwargs)
        self.instance.programme = programme
        self.fields["deadline"] = ZonedDateTimeField(
            label=_("Deadline"),
            zone=programme.zone,
            help_text=_("In the programme’s zone, %(zone)s.") % {"zone": programme.timezone},
        )


class QuotaForm(forms.Form):
    country = CountryField(label=_("Country"), required=False)
    places = forms.IntegerField(label=_("Places"), min_value=0, max_value=1000, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("country") and cleaned.get("places") is None:
            self.add_error("places", _("Give the number of places."))
        return cleaned


class BaseQuotaFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            country = form.cleaned_data.get("country") if hasattr(form, "cleaned_data") else None
            if country is None:
                continue
            if country.pk in seen:
                raise forms.ValidationError(_("Each country may appear only once."))
            seen.add(country.pk)

    def places(self) -> dict[str, int]:
        return {
            form.cleaned_data["country"].pk: form.cleaned_data["places"]
            for form in self.forms
            if form.cleaned_data.get("country")
        }


QuotaFormSet = formset_factory(QuotaForm, formset=BaseQuotaFormSet, extra=3)


def quota_formset(data, call: Call | None) -> BaseQuotaFormSet:
    quotas = call.quotas.all() if call and call.pk else []
    initial = [{"country": quota.country_id, "places": quota.places} for quota in quotas]
    return QuotaFormSet(data, prefix="quotas", initial=initial)


class ExtraFieldForm(ConsoleModelForm):
    class Meta:
        model = ExtraField
        fields = ["label", "purpose", "required"]


class BaseExtraFieldFormSet(forms.BaseInlineFormSet):
    def changes(self) -> tuple[list[ExtraField], list[ExtraField]]:
        """The questions to keep, unsaved and in the order shown, and those to delete."""
        removed = [form.instance for form in self.deleted_forms if form.instance.pk]
        kept = [
            form.save(commit=False)
            for form in self.forms
            if form not in self.deleted_forms and (form.instance.pk or form.has_changed())
        ]
        return kept, removed


ExtraFieldFormSet = inlineformset_factory(
    Call, ExtraField, form=ExtraFieldForm, formset=BaseExtraFieldFormSet, extra=2, can_delete=True
)


def question_formset(data, call: Call, programme: Programme) -> BaseExtraFieldFormSet:
    return ExtraFieldFormSet(
        data,
        instance=call,
        prefix="questions",
        form_kwargs={"locales": _working_languages(programme)},
    )


class MovePlacesForm(forms.Form):
    template_name = FORM_FIELDS_TEMPLATE
    required_css_class = "required"

    from_country = forms.ChoiceField(label=_("From"))
    to_country = CountryField(label=_("To"))
    count = forms.IntegerField(label=_("Places to move"), min_value=1, max_value=1000)

    def __init__(self, *args, quotas: list[Quota], **kwargs):
        super().__init__(*args, **kwargs)
        language = get_language()
        self.fields["from_country"].choices = [
            (quota.country_id, locales.country_name(quota.country_id, language))
            for quota in quotas
            if quota.left
        ]
