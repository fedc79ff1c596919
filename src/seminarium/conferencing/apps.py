from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencingConfig(AppConfig):
    name = "seminarium.conferencing"
    label = "conferencing"
    verbose_name = _("Video rooms")

    def ready(self) -> None:
        # Connects the receivers and the contributions to other apps' pages.
        from . import hooks, signals  # noqa: F401
