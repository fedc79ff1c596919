from django.contrib import admin
from django.urls import include, path

from seminarium.api import api

urlpatterns = [
    path("", include("seminarium.core.urls")),
    path("", include("seminarium.people.urls")),
    path("", include("seminarium.programmes.urls")),
    path("console/", include("seminarium.programmes.console_urls")),
    path("", include("seminarium.nominations.urls")),
    path("", include("seminarium.attendance.urls")),
    path("", include("seminarium.conferencing.urls")),
    path("", include("seminarium.timetabling.urls")),
    path("", include("seminarium.evaluation.urls")),
    path("", include("seminarium.certificates.urls")),
    path("", include("seminarium.reporting.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
