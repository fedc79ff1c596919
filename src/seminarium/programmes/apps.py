from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _session_changed(sender, instance, **_kwargs) -> None:
    from .models import Programme

    Programme.objects.filter(pk=instance.programme_id).update(updated_at=timezone.now())


def _session_role_changed(sender, instance, **_kwargs) -> None:
    from .models import Programme, Session

    # A subquery, since the session itself may be going away in the same cascade.
    session = Session.objects.filter(pk=instance.session_id).values("programme_id")
    Programme.objects.filter(pk__in=session).update(updated_at=timezone.now())


class ProgrammesConfig(AppConfig):
    name = "seminarium.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from .models import Session, SessionRole

        # Signals rather than services mark a programme changed (so cached pages are
        # rebuilt), because admin edits must refresh them too.
        for signal in (post_save, post_delete):
            signal.connect(_session_changed, sender=Session)
            signal.connect(_session_role_changed, sender=SessionRole)
