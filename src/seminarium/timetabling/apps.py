from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimetablingConfig(AppConfig):
    name = "seminarium.timetabling"
    label = "timetabling"
    verbose_name = _("Timetabling")

    def ready(self) -> None:
        from . import hooks  # noqa: F401  (timetable warnings on console pages)
