from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("seminarium.core.urls")),
    path("", include("seminarium.people.urls")),
    path("", include("seminarium.programmes.urls")),
    path("admin/", admin.site.urls),
]
