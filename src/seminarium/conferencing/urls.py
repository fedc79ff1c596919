from django.urls import include, path, re_path

from . import views

app_name = "conferencing"

console_patterns = [
    path("rooms/", views.rooms, name="rooms"),
    path("rooms/<int:room_id>/retry/", views.room_retry, name="room_retry"),
    path("sessions/<int:session_id>/provider/", views.session_provider, name="session_provider"),
    path("join-links/", views.links, name="links"),
    path("join-links/<int:participation_id>/revoke/", views.link_revoke, name="link_revoke"),
]

urlpatterns = [
    path("j/<str:token>/", views.join_page, name="join_page"),
    path("j/<str:token>/join/<int:session_id>/", views.join, name="join"),
    path("j/<str:token>/presence/<int:session_id>/", views.presence, name="presence"),
    path("conferencing/janus.js", views.janus_js, name="janus_js"),
    path("hooks/<slug:provider_name>/", views.webhook, name="webhook"),
    # Jitsi's event_sync posts to {api_prefix}/events/room/created, …/occupant/joined and
    # so on, with no slash at the end; the body names the event.
    re_path(
        r"^hooks/(?P<provider_name>jitsi-jwt)/events/(?:room|occupant)/[a-z]+$",
        views.webhook,
        name="jitsi_event_sync",
    ),
    path("console/programmes/<int:programme_id>/video/", include(console_patterns)),
]
