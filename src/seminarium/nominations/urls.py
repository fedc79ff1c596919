"""Nomination pages: the country coordinator's under /nominations/, the organisers'
beside the rest of the programme's console pages."""

from django.urls import include, path

from . import confirm, views

app_name = "nominations"

console_patterns = [
    path("call/", views.call_edit, name="call"),
    path("call/close/", views.call_close, name="call_close"),
    path("nominations/", views.decisions, name="decisions"),
    path("nominations/<int:nomination_id>/decide/", views.decide, name="decide"),
    path("quotas/", views.quotas, name="quotas"),
]

urlpatterns = [
    path("me/confirm/<int:participation_id>/", confirm.confirm, name="confirm"),
    path("nominations/<slug:slug>/", views.coordinate, name="coordinate"),
    path("nominations/<slug:slug>/import/", views.import_nominations, name="import"),
    path(
        "nominations/<slug:slug>/import/template.csv",
        views.import_template,
        name="import_template",
    ),
    path(
        "nominations/<slug:slug>/<int:nomination_id>/substitute/",
        views.substitute,
        name="substitute",
    ),
    path(
        "nominations/<slug:slug>/<int:nomination_id>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path("console/programmes/<int:programme_id>/", include(console_patterns)),
]
