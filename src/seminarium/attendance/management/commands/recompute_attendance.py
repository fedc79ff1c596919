"""`seminarium recompute_attendance`: rebuild attended time from the raw ledger."""

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

    def handle(self, *args, programme: str, **options):
        chosen = None
        if programme:
            chosen = Programme.objects.filter(slug=programme).first()
            if chosen is None:
                raise CommandError(_("No programme is called “%(slug)s”.") % {"slug": programme})
        sessions = Session.objects.filter(programme=chosen) if chosen else Session.objects.all()
        with tqdm(total=sessions.count(), unit=_("sessions"), disable=None) as bar:
            done = recompute_attendance(chosen, progress=bar.update)
        self.stdout.write(_("%(count)d sessions recomputed.") % {"count": done})
