"""Attendance pages: the organisers' beside the programme's console pages, the
coordinator's and the participant's under /attendance/."""

from django.urls import include, path

from . import views

app_name = "attendance"

console_patterns = [
    path("", views.grid, name="grid"),
    path("threshold/", views.threshold, name="threshold"),
    path("excused/", views.excuses, name="excuses"),
    path("excused/<int:excuse_id>/withdraw/", views.excuse_withdraw, name="excuse_withdraw"),
    path("unknown/", views.unknown, name="unknown"),
]

urlpatterns = [
    path("attendance/<str:programme>/mine/", views.mine, name="mine"),
    path("attendance/<slug:slug>/country/", views.country, name="country"),
    path("console/programmes/<int:programme_id>/attendance/", include(console_patterns)),
]
