from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "seminarium.reporting"
    label = "reporting"
    verbose_name = _("Reports and exports")

    def ready(self) -> None:
        # The contributions to other apps' pages (coordinator's menu, personal join page).
        from . import hooks  # noqa: F401
