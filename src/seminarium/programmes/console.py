"""Organiser console views: thin, permission-checked, calling services."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Programme
from .rules import organiser_programme_ids


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("core.use_console"):
        raise PermissionDenied
    programmes = Programme.objects.all()
    if not request.user.is_superuser:
        programmes = programmes.filter(pk__in=organiser_programme_ids(request.user))
    return render(request, "programmes/console/home.html", {"programmes": programmes})
