"""The organiser's timetable pages, beside the programme's other console pages."""

from django.urls import include, path

from . import views

app_name = "timetabling"

console_patterns = [
    path("timetable/", views.timetable, name="timetable"),
    path("timetable/propose/", views.propose, name="propose"),
    path("timetable/proposals/<int:proposal_id>/status/", views.proposal_status, name="status"),
    path("timetable/proposals/<int:proposal_id>/decide/", views.decide, name="decide"),
    path("timetable/sessions/<int:session_id>/unpin/", views.unpin, name="unpin"),
    path("timetable/inputs/", views.inputs, name="inputs"),
    path("timetable/settings/", views.settings_edit, name="settings"),
    path("timetable/inputs/<slug:kind>/add/", views.input_add, name="input_add"),
    path("timetable/inputs/<slug:kind>/<int:pk>/delete/", views.input_delete, name="input_delete"),
]

urlpatterns = [
    path("console/programmes/<int:programme_id>/", include(console_patterns)),
]
