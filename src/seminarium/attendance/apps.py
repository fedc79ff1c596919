from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "seminarium.attendance"
    label = "attendance"
    verbose_name = _("Attendance")

    def ready(self) -> None:
        # Connects the data-rights receivers and the contributions to other apps' pages.
        from . import data_rights, hooks  # noqa: F401
