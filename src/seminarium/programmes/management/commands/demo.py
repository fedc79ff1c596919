"""`seminarium demo`: set up the demonstration seminar and serve it locally."""

import signal
import subprocess
import sys
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seminarium.programmes.demo import DEMO_SLUG, load_demo, sign_in_links
from seminarium.programmes.models import Programme

ROLE_LABELS = {
    "organiser": gettext_lazy("Organiser (CNISCO programme officer)"),
    "coordinator": gettext_lazy("Country coordinator (Kazakhstan)"),
    "participant": gettext_lazy("Participant (judge from Kazakhstan)"),
    "lecturer": gettext_lazy("Lecturer (Beijing)"),
    "interpreter": gettext_lazy("Interpreter (Chinese–Russian)"),
}


class Command(BaseCommand):
    help = gettext_lazy(
        "Load the SCO Judges Seminar 2021 as demonstration data, print sign-in links "
        "and serve the site."
    )

    def add_arguments(self, parser):
        # `seminarium` reads --addr before settings load, to derive SITE_URL and ALLOWED_HOSTS.
        parser.add_argument("--addr", default="127.0.0.1:8000", help=_("Address to serve on."))
        parser.add_argument("--no-serve", action="store_true", help=_("Print the links and stop."))

    def handle(self, *args, addr: str, no_serve: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        users = load_demo()
        load_area_demos(Programme.objects.get(slug=DEMO_SLUG))
        links = sign_in_links(users, settings.SITE_URL)

        self.stdout.write(self.style.MIGRATE_HEADING(_("Sign-in links for the demo roles:")))
        for role, link in links.items():
            self.stdout.write(f"  {ROLE_LABELS[role]}:\n    {link}")
        public = settings.SITE_URL + reverse("programme", kwargs={"slug": DEMO_SLUG})
        self.stdout.write(self.style.MIGRATE_HEADING(_("Public programme page:")))
        self.stdout.write(f"  {public}")
        if no_serve:
            return
        worker = self._start_worker()
        # Stopped by SIGTERM (kill, a process manager) as by Ctrl-C, so that the worker
        # is stopped too instead of being left running on its own.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

    def _start_worker(self) -> subprocess.Popen | None:
        """The database task worker, so that invitations go out (to the console by default).

        It inherits this process's environment, demo settings included.
        """
        if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
            return None
        self.stdout.write(self.style.MIGRATE_HEADING(_("Starting the background worker.")))
        return subprocess.Popen([sys.executable, "-m", "seminarium", "db_worker"])


def load_area_demos(programme: Programme) -> None:
    """Let each area built on programmes add its demo data, in the apps' layer order.

    Found by name (``<app>.demo.load_demo``), like admin autodiscovery, so this app
    never imports the apps above it.
    """
    for config in apps.get_app_configs():
        if not config.name.startswith("seminarium.") or config.label == "programmes":
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.demo":
                raise
            continue
        module.load_demo(programme)
