from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "seminarium.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from .models import Organisation, Person, bump_directory_version

        # Signals rather than services, so that admin edits also refresh cached pages.
        for model in (Person, Organisation):
            post_save.connect(bump_directory_version, sender=model)
            post_delete.connect(bump_directory_version, sender=model)
