from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencingConfig(AppConfig):
    name = "seminarium.conferencing"
    label = "conferencing"
    verbose_name = _("Video rooms")
