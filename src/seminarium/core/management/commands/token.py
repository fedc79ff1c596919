"""``seminarium token create|list|revoke``: API tokens for a user."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from seminarium.core.audit import record, snapshot
from seminarium.core.models import ApiToken


class Command(BaseCommand):
    help = "Create, list or revoke REST API tokens. A new token's key is shown only once."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Issue a token and print its key.")
        create.add_argument("username")
        create.add_argument("--name", default="API", help="What the token is for.")
        listing = actions.add_parser("list", help="A user's tokens.")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="Revoke the active token with this prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _user(self, username: str):
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user is called “{username}”.") from None

    @transaction.atomic
    def _create(self, username: str, name: str, **options):
        token, key = ApiToken.issue(self._user(username), name)
        record(None, "create", token, after=snapshot(token, ["user_id", "name", "prefix"]))
        self.stdout.write(key)
        self.stderr.write("Keep this key now: it is not stored and cannot be shown again.")

    def _list(self, username: str, **options):
        for token in self._user(username).api_tokens.order_by("created_at"):
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.prefix}  {token.name}  created {token.created_at:%Y-%m-%d}"
                f"  last used {used}  {state}"
            )

    @transaction.atomic
    def _revoke(self, prefix: str, **options):
        tokens = list(ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True))
        if not tokens:
            raise CommandError(f"No active token starts with “{prefix}”.")
        if len(tokens) > 1:
            raise CommandError(f"{len(tokens)} active tokens start with “{prefix}”; none revoked.")
        token = tokens[0]
        before = snapshot(token, ["revoked_at"])
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(None, "revoke", token, before=before, after=snapshot(token, ["revoked_at"]))
        self.stdout.write(f"Revoked {token}.")
