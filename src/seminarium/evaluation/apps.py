from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "seminarium.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        # Connects the data-rights receivers and the contributions to other apps' pages.
        from . import data_rights, hooks  # noqa: F401
