"""Recording changes in the audit log. Services call `record` inside their transaction."""

from datetime import date, datetime, time
from typing import Any

from django.db import models
from i18nfield.strings import LazyI18nString

from .models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, LazyI18nString):
        return value.data
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited state of a model instance: concrete field values as JSON-safe data."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _plain(getattr(instance, name)) for name in names}


def record(
    actor,
    action: str,
    instance: models.Model,
    *,
    before: dict | None = None,
    after: dict | None = None,
    programme_id: int | None = None,
    country_code: str = "",
) -> AuditEvent:
    """Append one event. Unchanged fields are left out of before/after, to keep the log readable."""
    if before is not None and after is not None:
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=user.get_username() if user else "system",
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_label=str(instance)[:300],
        programme_id=programme_id,
        country_code=country_code,
        before=before,
        after=after,
    )


def audited_save(
    actor, instance: models.Model, *, programme_id: int | None = None, country_code: str = ""
) -> models.Model:
    """Validate and save ``instance``, logging its state before and after. Call inside atomic()."""
    model = type(instance)
    previous = model._default_manager.filter(pk=instance.pk).first() if instance.pk else None
    before = snapshot(previous) if previous else None
    instance.full_clean()
    instance.save()
    record(
        actor,
        "update" if previous else "create",
        instance,
        before=before,
        after=snapshot(instance),
        programme_id=programme_id,
        country_code=country_code,
    )
    return instance


def audited_delete(
    actor, instance: models.Model, *, programme_id: int | None = None, country_code: str = ""
) -> None:
    """Delete ``instance``, logging what it held. Call inside atomic()."""
    before = snapshot(instance)
    record(
        actor,
        "delete",
        instance,
        before=before,
        programme_id=programme_id,
        country_code=country_code,
    )
    instance.delete()
