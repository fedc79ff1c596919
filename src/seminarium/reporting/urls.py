"""Reports and exports: organisers' pages beside the programme console, public feeds
beside the public programme page, and the personal feed beside the personal join page."""

from django.urls import include, path

from . import views

app_name = "reporting"

console_patterns = [
    path("", views.exports, name="exports"),
    path("<str:table>.<str:file_format>", views.table_export, name="table_export"),
    path("press/", views.press_release, name="press_release"),
    path("press/<str:language>.txt", views.press_release_text, name="press_release_text"),
    path("funder/", views.funder_report, name="funder_report"),
    path(
        "funder/report.<str:file_format>",
        views.funder_report_download,
        name="funder_report_download",
    ),
]

urlpatterns = [
    path("console/programmes/<int:programme_id>/reports/", include(console_patterns)),
    path("p/<slug:slug>/schedule.xml", views.frab_xml, name="frab_xml"),
    path("p/<slug:slug>/schedule.json", views.frab_json, name="frab_json"),
    path(
        "p/<slug:slug>/sessions/<int:session_id>.ics",
        views.session_calendar,
        name="session_calendar",
    ),
    path("j/<str:token>/calendar.ics", views.personal_calendar, name="personal_calendar"),
]
