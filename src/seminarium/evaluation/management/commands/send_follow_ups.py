"""Send due alumni follow-up surveys now. Run it from cron (e.g. hourly) as a safety net
besides the task enqueued for each survey's send time."""

from django.core.management.base import BaseCommand

from seminarium.evaluation import services


class Command(BaseCommand):
    help = "E-mail every due alumni follow-up survey to those not yet invited."

    def handle(self, *args, **options) -> None:
        queued = services.send_due_follow_ups()
        self.stdout.write(f"{queued} follow-up e-mail(s) queued.")
