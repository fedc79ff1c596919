"""``seminarium timetable PROGRAMME [--time-limit S] [--apply]``: propose a timetable here and
now, print how it differs from the current one, and accept it only with ``--apply``."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from tqdm import tqdm

from seminarium.core import locales
from seminarium.programmes.models import Programme
from seminarium.timetabling import explain, services
from seminarium.timetabling.models import TimetableProposal


class Command(BaseCommand):
    help = "Propose a timetable for a programme, show the changes, and apply them on request."

    def add_arguments(self, parser):
        parser.add_argument("programme", help="The programme's short name in links, or its id.")
        parser.add_argument("--time-limit", type=int, default=None, help="Seconds for the solver.")
        parser.add_argument(
            "--apply", action="store_true", help="Move the sessions as proposed (audited)."
        )
        parser.add_argument(
            "--user", default="", help="Username to audit as; without it, the system."
        )

    def handle(self, *args, programme: str, time_limit, apply: bool, user: str, **options):
        found = self._programme(programme)
        actor = self._user(user) if user else None
        bar = tqdm(total=100, desc=_("Solving"), unit="%", leave=False)

        def advance(fraction: float, phrase: str) -> None:
            bar.set_postfix_str(explain.progress_phrase(phrase))
            bar.update(max(0, round(fraction * 100) - bar.n))

        try:
            proposal = services.propose_now(found, actor, time_limit, advance)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        finally:
            bar.close()
        if proposal.status == TimetableProposal.Status.INFEASIBLE:
            self.stdout.write(explain.summary_text(proposal.result.get("kind", "")))
            for item in proposal.explanation:
                self.stdout.write(f"- {explain.reason_text(item)}")
            raise CommandError(_("No timetable was proposed."))
        if proposal.status != TimetableProposal.Status.DONE:
            raise CommandError(explain.progress_phrase(proposal.phrase))
        self._print(found, proposal)
        if apply:
            try:
                moved = services.accept(proposal, actor)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            self.stdout.write(_("Applied: %(count)s sessions moved.") % {"count": moved})
        else:
            self.stdout.write(_("Nothing changed; run again with --apply to accept."))

    def _programme(self, key: str) -> Programme:
        lookup = {"pk": int(key)} if key.isdigit() else {"slug": key}
        try:
            return Programme.objects.get(**lookup)
        except Programme.DoesNotExist:
            raise CommandError(_("No programme “%(key)s”.") % {"key": key}) from None

    def _user(self, username: str):
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No user is called “%(name)s”.") % {"name": username}) from None

    def _print(self, programme: Programme, proposal: TimetableProposal) -> None:
        language, zone = get_language(), programme.zone
        comparison = services.compare(programme, proposal)
        quality = (
            _("proven the best possible")
            if proposal.optimal
            else _("gap %(gap).1f%%") % {"gap": (proposal.gap or 0) * 100}
        )
        self.stdout.write(
            _("Proposal %(id)s (%(quality)s); times in %(zone)s:")
            % {"id": proposal.pk, "quality": quality, "zone": programme.timezone}
        )
        for row in comparison.moved:
            self.stdout.write(
                f"  {row.session.title}: "
                f"{locales.medium_datetime(row.old_start, zone, language)} → "
                f"{locales.medium_datetime(row.new_start, zone, language)}"
            )
        if not comparison.moved:
            self.stdout.write("  " + _("No session moves."))
        self.stdout.write(_("Each delegation, now → proposed:"))
        for g in comparison.groups:
            span = "–"
            if g.new_earliest and g.new_latest:
                span = (
                    f"{locales.short_time(g.new_earliest, g.group.zone, language)}–"
                    f"{locales.short_time(g.new_latest, g.group.zone, language)}"
                )
            self.stdout.write(
                "  "
                + _("%(group)s: %(now)s → %(new)s min outside comfortable hours; local %(span)s")
                % {
                    "group": g.group.label(language),
                    "now": g.now_outside,
                    "new": g.new_outside,
                    "span": span,
                }
            )
