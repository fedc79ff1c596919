"""Background work for evaluation: the alumni follow-up e-mails."""

from django_tasks import task

from . import services


@task()
def send_follow_ups() -> int:
    """Queue every due follow-up e-mail; safe to run any number of times."""
    return services.send_due_follow_ups()
