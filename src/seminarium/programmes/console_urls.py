"""The organiser console, under /console/."""

from django.urls import path

from . import console

app_name = "console"

urlpatterns = [path("", console.home, name="home")]
