"""Nomination pages: coordinators', organisers' and the invited judge's."""

app_name = "nominations"

urlpatterns: list = []
