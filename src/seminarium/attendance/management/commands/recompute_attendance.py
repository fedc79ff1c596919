"""`seminarium recompute_attendance`: rebuild attended time from the raw ledger."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from seminarium.attendance.services import recompute_attendance
from seminarium.programmes.models import Programme, Session


class Command(BaseCommand):
    help = gettext_lazy(
        "Recompute everyone's attended time from the raw attendance events, for one "
        "programme or all."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", default="", help=_("The programme's short name."))
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help=_("Processes computing at once (default: one per CPU)."),
        )

    def handle(self, *args, programme: str, jobs: int, **options):
        if jobs < 1:
            raise CommandError(_("--jobs must be at least 1."))
        chosen = None
        if programme:
            chosen = Programme.objects.filter(slug=programme).first()
            if chosen is None:
                raise CommandError(_("No programme is called “%(slug)s”.") % {"slug": programme})
        sessions = Session.objects.filter(programme=chosen) if chosen else Session.objects.all()
        with tqdm(total=sessions.count(), unit=_("sessions"), disable=None) as bar:
            done = recompute_attendance(chosen, progress=bar.update, jobs=jobs)
        self.stdout.write(_("%(count)d sessions recomputed.") % {"count": done})
