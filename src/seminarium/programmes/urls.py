from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("p/<slug:slug>/", views.programme_page, name="programme"),
    path("p/<slug:slug>/programme.ics", views.programme_calendar, name="programme_calendar"),
    path("me/", views.portal, name="portal"),
]
