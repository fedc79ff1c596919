"""`seminarium certificates_zip`: a programme's (or one country's) certificates as a ZIP."""

import shutil

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from seminarium.certificates import services
from seminarium.programmes.models import Programme


class Command(BaseCommand):
    help = gettext_lazy(
        "Write the valid certificates of a programme, or of one delegation, to a ZIP file; "
        "optionally issue them first to everyone eligible who has none."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help=_("The programme's short name."))
        parser.add_argument("output", help=_("Where to write the ZIP file."))
        parser.add_argument("--country", default="", help=_("Only this delegation (code)."))
        parser.add_argument(
            "--issue-eligible",
            action="store_true",
            help=_("First issue certificates to everyone eligible who has none yet."),
        )

    def handle(self, *args, programme: str, output: str, country: str, **options):
        chosen = Programme.objects.filter(slug=programme).first()
        if chosen is None:
            raise CommandError(_("No programme is called “%(slug)s”.") % {"slug": programme})
        batch = services.new_batch(
            None, chosen, country=country.upper() or None, issue_eligible=options["issue_eligible"]
        )
        with tqdm(unit=_("certificates"), disable=None) as bar:

            def step(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            path = services.build_batch(batch, on_step=step)
        shutil.copyfile(path, output)
        batch.refresh_from_db()
        self.stdout.write(
            _("%(count)d certificates written to %(path)s.")
            % {"count": batch.total, "path": output}
        )
