"""Evaluation pages: participants' and lecturers' under /me/, coordinators' per programme,
the organisers' beside the rest of the programme's console pages."""

from django.urls import include, path

from . import views

app_name = "evaluation"

console_patterns = [
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:survey_id>/", views.survey_detail, name="survey"),
    path("surveys/<int:survey_id>/edit/", views.survey_edit, name="survey_edit"),
    path("surveys/<int:survey_id>/delete/", views.survey_delete, name="survey_delete"),
    path("surveys/<int:survey_id>/open/", views.survey_open, name="survey_open"),
    path("surveys/<int:survey_id>/close/", views.survey_close, name="survey_close"),
    path("surveys/<int:survey_id>/questions/new/", views.question_create, name="question_create"),
    path(
        "surveys/<int:survey_id>/questions/<int:question_id>/",
        views.question_edit,
        name="question_edit",
    ),
    path(
        "surveys/<int:survey_id>/questions/<int:question_id>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("surveys/<int:survey_id>/results/", views.survey_results, name="survey_results"),
    path(
        "surveys/<int:survey_id>/results.<str:file_format>",
        views.survey_export,
        name="survey_export",
    ),
    path("evaluation/", views.results, name="results"),
]

urlpatterns = [
    path("me/surveys/", views.my_surveys, name="mine"),
    path("me/surveys/<int:survey_id>/", views.answer, name="answer"),
    path("me/rate/<int:session_id>/", views.rate_session, name="rate"),
    # Beside the personal join page (conferencing), with the same secret token.
    path("j/<str:token>/rate/<int:session_id>/", views.rate_by_link, name="rate_by_link"),
    path("me/feedback/", views.lecturer_feedback, name="feedback"),
    path("evaluation/<int:programme_id>/country/", views.country_results, name="country"),
    path("console/programmes/<int:programme_id>/", include(console_patterns)),
]
