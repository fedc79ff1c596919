"""`seminarium video_rooms`: the periodic sweep of video rooms, for cron or a systemd timer."""

import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy

from seminarium.conferencing.tasks import sweep


class Command(BaseCommand):
    help = gettext_lazy(
        "Create rooms for sessions starting soon, retry failed ones, end finished rooms "
        "and fetch their final attendance."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help=gettext_lazy("Queue the sweep for a worker.")
        )

    def handle(self, *args, enqueue: bool, **options):
        if enqueue:
            sweep.enqueue()
            return
        self.stdout.write(json.dumps(sweep.call()))
