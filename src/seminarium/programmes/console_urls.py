"""The organiser console, under /console/."""

from django.urls import include, path

from seminarium.people import console as people

from . import audit_views, console, name_sheet

app_name = "console"

session_patterns = [
    path("", console.session_roles, name="session_roles"),
    path("edit/", console.session_edit, name="session_edit"),
    path("delete/", console.session_delete, name="session_delete"),
    path("roles/new/", console.session_role_create, name="session_role_create"),
    path("roles/<int:role_id>/edit/", console.session_role_edit, name="session_role_edit"),
    path("roles/<int:role_id>/delete/", console.session_role_delete, name="session_role_delete"),
]

programme_patterns = [
    path("", console.programme_overview, name="programme"),
    path("edit/", console.programme_edit, name="programme_edit"),
    path("status/", console.programme_status, name="programme_status"),
    path("sessions/new/", console.session_create, name="session_create"),
    path("sessions/<int:session_id>/", include(session_patterns)),
    path("participants/", console.participations, name="participations"),
    path("participants/new/", console.participation_create, name="participation_create"),
    path(
        "participants/<int:participation_id>/edit/",
        console.participation_edit,
        name="participation_edit",
    ),
    path(
        "participants/<int:participation_id>/delete/",
        console.participation_delete,
        name="participation_delete",
    ),
    path("staff/", console.programme_roles, name="programme_roles"),
    path("names/", name_sheet.sheet, name="name_sheet"),
    path("names.<str:file_format>", name_sheet.download, name="name_sheet_download"),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("outbox/", audit_views.outbox, name="outbox"),
    path("outbox/<int:message_id>/retry/", audit_views.outbox_retry, name="outbox_retry"),
    path("people/<int:person_id>/data/", audit_views.person_data, name="programme_person_data"),
    path(
        "people/<int:person_id>/data.json",
        audit_views.person_data_json,
        name="programme_person_data_json",
    ),
]

urlpatterns = [
    path("", console.home, name="home"),
    path("programmes/new/", console.programme_create, name="programme_create"),
    path("programmes/<int:programme_id>/", include(programme_patterns)),
    path("people/", people.person_list, name="people"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/<int:person_id>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:person_id>/data/", audit_views.person_data, name="person_data"),
    path("people/<int:person_id>/data.json", audit_views.person_data_json, name="person_data_json"),
    path("people/<int:person_id>/erase/", audit_views.person_erase, name="person_data_erase"),
    path("organisations/", people.organisation_list, name="organisations"),
    path("organisations/new/", people.organisation_create, name="organisation_create"),
    path(
        "organisations/<int:organisation_id>/edit/",
        people.organisation_edit,
        name="organisation_edit",
    ),
]
