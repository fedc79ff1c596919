"""Background work (Django's tasks API, the django-tasks backport).

Tasks are enqueued only once the transaction that asked for them has committed,
so a worker never looks for rows that are not there yet, or that were rolled back.
"""

from django.db import transaction
from django_tasks import task
from django_tasks.base import Task

from . import mail


def enqueue_after_commit(background: Task, *args, **kwargs) -> None:
    transaction.on_commit(lambda: background.enqueue(*args, **kwargs))


@task()
def deliver_outbox() -> int:
    """Send every due message; failures are retried later with backoff."""
    return mail.deliver_due()
