"""A person's own profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import services
from .forms import ProfileForm


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    if person is None or not request.user.has_perm("people.change_person", person):
        raise Http404
    form = ProfileForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        services.update_own_profile(
            request.user, form.save(commit=False), confirm_names=form.cleaned_data["confirm_names"]
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    return render(request, "people/profile.html", {"person": person, "form": form})
