from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.roles import CURATORS_GROUP, grant_curator, revoke_curator


class Command(BaseCommand):
    help = (
        "Make a user a food curator: staff status (to open the admin) and the curators "
        "group (its permissions). Never a superuser."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--remove", action="store_true", help="take the role away again")

    def handle(self, *args, username: str, remove: bool, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if remove:
            revoke_curator(user)
            self.stdout.write(f"{username} is no longer a curator (staff status unchanged).")
            return
        grant_curator(user)
        self.stdout.write(f"{username} is a curator: staff, in the {CURATORS_GROUP!r} group.")
