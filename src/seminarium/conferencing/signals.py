"""Rooms are made ahead of time: whenever a published programme or one of its sessions is
saved, and given their interpreters whenever those change.

And the providers' configuration is read again when settings change (in tests).
"""

from django.core.signals import setting_changed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from seminarium.core.tasks import enqueue_after_commit
from seminarium.programmes.models import Programme, Session, SessionRole

from .services import provider_config


@receiver(post_save, sender=Session, dispatch_uid="conferencing_session_saved")
def session_saved(sender, instance: Session, raw: bool = False, **_kwargs) -> None:
    if raw:
        return
    if Programme.objects.filter(
        pk=instance.programme_id, status=Programme.Status.PUBLISHED
    ).exists():
        _plan(instance.programme_id)


@receiver(post_save, sender=SessionRole, dispatch_uid="conferencing_session_role_saved")
@receiver(post_delete, sender=SessionRole, dispatch_uid="conferencing_session_role_deleted")
def session_role_changed(
    sender, instance: SessionRole, raw: bool = False, origin=None, **_kwargs
) -> None:
    """A role saved or removed: Zoom's interpretation follows the interpreters
    (sync_interpreters). Any role, since one may have stopped being an interpreter.
    Not when the role goes with its session or programme: there is nothing to follow."""
    if raw or (origin is not None and not isinstance(origin, SessionRole)):
        return
    published = Programme.objects.filter(
        sessions__pk=instance.session_id, status=Programme.Status.PUBLISHED
    ).values_list("pk", flat=True)
    if (programme_id := published.first()) is not None:
        _plan(programme_id)


@receiver(post_save, sender=Programme, dispatch_uid="conferencing_programme_saved")
def programme_saved(sender, instance: Programme, raw: bool = False, **_kwargs) -> None:
    if not raw and instance.is_published:
        _plan(instance.pk)


def _plan(programme_id: int) -> None:
    from .tasks import ensure_rooms

    enqueue_after_commit(ensure_rooms, programme_id)


@receiver(setting_changed, dispatch_uid="conferencing_settings_changed")
def settings_changed(**_kwargs) -> None:
    provider_config.cache_clear()
