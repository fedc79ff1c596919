"""Forms for certificate decisions, the template, images and the public code lookup."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CODE_LENGTH, TemplateAsset, normalise_code


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, required: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if not required:
            self.fields["reason"].help_text = _(
                "Needed only when attendance is below the threshold."
            )


class TemplateForm(forms.Form):
    html = forms.CharField(
        label=_("HTML (Jinja template)"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "code"}),
    )
    css = forms.CharField(
        label=_("CSS"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "code"}),
    )


class AssetForm(forms.Form):
    name = forms.SlugField(
        label=_("Name"),
        max_length=40,
        help_text=TemplateAsset._meta.get_field("name").help_text,
    )
    image = forms.FileField(
        label=_("Image (PNG or JPEG, at most 2 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )


class BatchForm(forms.Form):
    issue_eligible = forms.BooleanField(
        label=_("First issue certificates to everyone eligible who has none yet"),
        required=False,
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=40,
        help_text=_("The 16 letters and digits printed under the QR code."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(_("A certificate code has 16 letters and digits."))
        return code
