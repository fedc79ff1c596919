"""Console views for people and organisations (wired in programmes/console_urls.py)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from seminarium.core.console import console_view, edit_with_form

from . import services
from .forms import OrganisationForm, PersonForm
from .models import Organisation, Person

FORM_PAGE = "core/console/form_page.html"


def _people_visible_to(user):
    people = Person.objects.select_related("organisation")
    if user.is_superuser:
        return people
    # Looked up by relation name: people knows nothing of the programmes app above it.
    return people.filter(
        participations__programme__staff_roles__user=user,
        participations__programme__staff_roles__role="organiser",
    ).distinct()


@console_view
def person_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "people/console/people.html", {"people": _people_visible_to(request.user)}
    )


def _after_person_saved(request: HttpRequest):
    """Back to the list; or, when creating for a programme, on to adding them to it."""
    programme_id = request.GET.get("programme", "")

    def url(person: Person) -> str:
        if programme_id.isdigit():
            return (
                reverse("console:participation_create", args=[int(programme_id)])
                + f"?person={person.pk}"
            )
        return reverse("console:people")

    return url


@console_view
def person_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("people.add_person"):
        raise PermissionDenied
    return edit_with_form(
        request,
        PersonForm(request.POST or None),
        save=lambda person: services.save_person(request.user, person),
        template=FORM_PAGE,
        context={"heading": _("New person"), "cancel_url": reverse("console:people")},
        success_url=_after_person_saved(request),
        success_message=_("The person is saved."),
    )


@console_view
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    if not request.user.has_perm("people.change_person", person):
        raise Http404
    return edit_with_form(
        request,
        PersonForm(request.POST or None, instance=person),
        save=lambda edited: services.save_person(request.user, edited),
        template=FORM_PAGE,
        context={"heading": _("Edit person"), "cancel_url": reverse("console:people")},
        success_url=reverse("console:people"),
        success_message=_("The person is saved."),
    )


@console_view
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.select_related("country")
    return render(request, "people/console/organisations.html", {"organisations": organisations})


@console_view
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("people.add_organisation"):
        raise PermissionDenied
    return edit_with_form(
        request,
        OrganisationForm(request.POST or None),
        save=lambda organisation: services.save_organisation(request.user, organisation),
        template=FORM_PAGE,
        context={
            "heading": _("New organisation"),
            "cancel_url": reverse("console:organisations"),
        },
        success_url=reverse("console:organisations"),
        success_message=_("The organisation is saved."),
    )


@console_view
def organisation_edit(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if not request.user.has_perm("people.change_organisation", organisation):
        raise PermissionDenied
    return edit_with_form(
        request,
        OrganisationForm(request.POST or None, instance=organisation),
        save=lambda edited: services.save_organisation(request.user, edited),
        template=FORM_PAGE,
        context={
            "heading": _("Edit organisation"),
            "cancel_url": reverse("console:organisations"),
        },
        success_url=reverse("console:organisations"),
        success_message=_("The organisation is saved."),
    )
