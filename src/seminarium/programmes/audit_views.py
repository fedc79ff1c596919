"""Console pages for accountability: a programme's audit log and outbox, and a
person's data export and erasure (wired in console_urls.py).

Organisers see their programme's whole log; a country coordinator sees only the
events of their own country in it. Anything out of scope answers 404.
"""

import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seminarium.core import locales, mail
from seminarium.core.audit import record
from seminarium.core.console import console_view
from seminarium.core.models import AuditEvent, OutboxMessage
from seminarium.people.data_rights import erase_person, export_person
from seminarium.people.models import Person

from .console import managed_programme
from .models import Programme
from .rules import coordinator_scopes

PAGE_SIZE = 50
PROGRAMME_PAGE = "programmes/console/programme_page.html"
COORDINATOR_PAGE = "programmes/console/audit_page_for_coordinators.html"

ACTION_LABELS = {
    "create": gettext_lazy("Created"),
    "update": gettext_lazy("Changed"),
    "delete": gettext_lazy("Deleted"),
    "status": gettext_lazy("Status changed"),
    "close": gettext_lazy("Closed"),
    "set_places": gettext_lazy("Places set"),
    "move_places": gettext_lazy("Places moved"),
    "nominate": gettext_lazy("Nominated"),
    "withdraw": gettext_lazy("Withdrawn"),
    "substitute": gettext_lazy("Substituted"),
    "approved": gettext_lazy("Approved"),
    "waitlisted": gettext_lazy("Wait-listed"),
    "rejected": gettext_lazy("Rejected"),
    "promote": gettext_lazy("Promoted from the waiting list"),
    "decline": gettext_lazy("Declined"),
    "export": gettext_lazy("Personal data exported"),
    "erase": gettext_lazy("Personal data erased"),
    "retry": gettext_lazy("E-mail sent again"),
}


def _page_of(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _without_page(request: HttpRequest) -> str:
    """The current filters, for the links to other pages."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _zone_named(request: HttpRequest, programme: Programme) -> tuple[ZoneInfo, str]:
    zone = request.viewer.zone_or(programme.zone)
    return zone, locales.zone_label(zone, get_language(), timezone.now())


# The audit log -----------------------------------------------------------------


@dataclass
class Change:
    field: str
    before: str
    after: str


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field_label(model, name: str) -> str:
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name.removesuffix("_id")).verbose_name)
    except FieldDoesNotExist:
        return name


def _readable(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_readable(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(_readable(item) for item in value)
    return str(value)


def _changes(event: AuditEvent) -> list[Change]:
    model = _model(event.object_type)
    before, after = event.before or {}, event.after or {}
    return [
        Change(_field_label(model, name), _readable(before.get(name)), _readable(after.get(name)))
        for name in dict.fromkeys([*before, *after])
    ]


def _object_type_label(object_type: str) -> str:
    model = _model(object_type)
    return str(model._meta.verbose_name) if model else object_type


@login_required
def audit_log(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_object_or_404(Programme, pk=programme_id)
    events = AuditEvent.objects.filter(programme_id=programme.pk)
    if request.user.has_perm("programmes.change_programme", programme):
        base_template = PROGRAMME_PAGE
    elif country := coordinator_scopes(request.user).get(programme.pk):
        events = events.filter(country_code=country)
        base_template = COORDINATOR_PAGE
    else:
        raise Http404
    actions = sorted(set(events.values_list("action", flat=True)))
    object_types = sorted(set(events.values_list("object_type", flat=True)))
    action = request.GET.get("action", "")
    object_type = request.GET.get("object_type", "")
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    page = _page_of(request, events)
    rows = [
        {
            "event": event,
            "action": ACTION_LABELS.get(event.action, event.action),
            "object_type": _object_type_label(event.object_type),
            "changes": _changes(event),
        }
        for event in page
    ]
    zone, zone_name = _zone_named(request, programme)
    return render(
        request,
        "programmes/console/audit_log.html",
        {
            "programme": programme,
            "base_template": base_template,
            "page": page,
            "rows": rows,
            "zone": zone,
            "zone_name": zone_name,
            "actions": [(a, ACTION_LABELS.get(a, a)) for a in actions],
            "object_types": [(t, _object_type_label(t)) for t in object_types],
            "action": action,
            "object_type": object_type,
            "filter_query": _without_page(request),
        },
    )


# The outbox --------------------------------------------------------------------


@console_view
def outbox(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    listed = OutboxMessage.objects.filter(programme_id=programme.pk).defer(
        "text_body",
        "html_body",  # they hold personal sign-in links; organisers see the preview
    )
    zone, zone_name = _zone_named(request, programme)
    status = request.GET.get("status", "")
    if status in OutboxMessage.Status.values:
        listed = listed.filter(status=status)
    return render(
        request,
        "programmes/console/outbox.html",
        {
            "programme": programme,
            "page": _page_of(request, listed),
            "statuses": OutboxMessage.Status.choices,
            "status": status,
            "filter_query": _without_page(request),
            "zone": zone,
            "zone_name": zone_name,
        },
    )


@require_POST
@console_view
def outbox_retry(request: HttpRequest, programme_id: int, message_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    message = get_object_or_404(
        OutboxMessage, pk=message_id, programme_id=programme.pk, status=OutboxMessage.Status.FAILED
    )
    with transaction.atomic():
        mail.retry(message)
        record(
            request.user,
            "retry",
            message,
            programme_id=programme.pk,
            country_code=message.country_code,
        )
    messages.success(request, _("The e-mail is queued again."))
    return redirect("console:outbox", programme.pk)


# A person's data ---------------------------------------------------------------


def _person_in_scope(request: HttpRequest, person_id: int, programme_id: int | None):
    """The person and, for an organiser, the programme that brings them into view.

    Site admins see everything held on anyone; an organiser sees what their
    programme holds on someone who takes part in it or was nominated to it.
    """
    person = get_object_or_404(Person.objects.select_related("organisation", "user"), pk=person_id)
    if programme_id is None:
        if not request.user.is_superuser:
            raise Http404
        return person, None
    programme = managed_programme(request, programme_id)
    # Relation names, as nominations sit above programmes.
    linked = (
        person.participations.filter(programme=programme).exists()
        or person.nominations.filter(call__programme=programme).exists()
    )
    if not linked:
        raise Http404
    return person, programme


def _person_fields(data: dict) -> list[tuple[str, str]]:
    return [
        (_field_label(Person, name), _readable(value))
        for name, value in data["person"].items()
        if name != "id"
    ]


@console_view
def person_data(
    request: HttpRequest, person_id: int, programme_id: int | None = None
) -> HttpResponse:
    person, programme = _person_in_scope(request, person_id, programme_id)
    data = export_person(request.user, person, programme_id=programme and programme.pk)
    json_url = (
        reverse("console:programme_person_data_json", args=[programme.pk, person.pk])
        if programme
        else reverse("console:person_data_json", args=[person.pk])
    )
    titles = {
        p.pk: str(p.title)
        for p in Programme.objects.filter(
            pk__in={row["programme_id"] for row in data["participations"] + data["nominations"]}
        )
    }
    return render(
        request,
        "programmes/console/person_data.html",
        {
            "programme": programme,
            "base_template": PROGRAMME_PAGE if programme else "core/console/page.html",
            "person": person,
            "data": data,
            "person_fields": _person_fields(data),
            "participations": [
                {**row, "programme_title": titles[row["programme_id"]]}
                for row in data["participations"]
            ],
            "nominations": [
                {**row, "programme_title": titles[row["programme_id"]]}
                for row in data["nominations"]
            ],
            "json_url": json_url,
            "may_erase": request.user.is_superuser,
        },
    )


@console_view
def person_data_json(
    request: HttpRequest, person_id: int, programme_id: int | None = None
) -> HttpResponse:
    person, programme = _person_in_scope(request, person_id, programme_id)
    data = export_person(request.user, person, programme_id=programme and programme.pk)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Grounds for the erasure"),
        help_text=gettext_lazy(
            "For example the date of the person’s request. It is kept in the audit log, "
            "so do not write the person’s name here."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
    )


@console_view
def person_erase(request: HttpRequest, person_id: int) -> HttpResponse:
    person, _programme = _person_in_scope(request, person_id, None)
    if not request.user.has_perm("people.change_person", person):
        raise Http404
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        erase_person(request.user, person, form.cleaned_data["reason"])
        messages.success(request, _("The person’s data is erased."))
        return redirect("console:people")
    return render(
        request,
        "programmes/console/person_data_erase.html",
        {
            "person": person,
            "form": form,
            "cancel_url": reverse("console:person_data", args=[person.pk]),
        },
    )
