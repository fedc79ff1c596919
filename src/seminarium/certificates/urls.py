"""Certificate pages: public verification, the participant's own, the coordinator's
country, and the organisers' pages beside the rest of the programme's console."""

from django.urls import include, path

from . import views

app_name = "certificates"

console_patterns = [
    path("", views.certificate_list, name="list"),
    path("<int:participation_id>/issue/", views.issue, name="issue"),
    path("<int:participation_id>/withhold/", views.withhold, name="withhold"),
    path("<int:participation_id>/revoke/", views.revoke, name="revoke"),
    path("template/", views.template_edit, name="template"),
    path("template/reset/", views.template_reset, name="template_reset"),
    path("template/images/", views.asset_upload, name="asset_upload"),
    path("template/images/<slug:name>/delete/", views.asset_delete, name="asset_delete"),
    path("batches/", views.batch_request, name="batch_request"),
]

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    path("me/certificates/", views.mine, name="mine"),
    path("certificates/<str:code>.pdf", views.download, name="download"),
    path("certificates/batches/<uuid:batch_id>/", views.batch, name="batch"),
    path(
        "certificates/batches/<uuid:batch_id>/download/",
        views.batch_download,
        name="batch_download",
    ),
    path("certificates/<slug:slug>/", views.country, name="country"),
    path("console/programmes/<int:programme_id>/certificates/", include(console_patterns)),
]
