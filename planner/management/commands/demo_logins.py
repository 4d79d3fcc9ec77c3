from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from planner.demo import care as demo_care
from planner.demo.loader import DEMO_EMAIL_DOMAIN, PEOPLE, login_lines


class Command(BaseCommand):
    help = "Print the demo accounts' usernames and passwords (created by load_demo)."

    def handle(self, *args, **options) -> None:
        # Only accounts that load_demo made on this database: an empty list on
        # a database without the demo, rather than passwords that do not work.
        present = set(
            get_user_model()
            .objects.filter(
                username__in=[p.username for p in PEOPLE] + [demo_care.USERNAME],
                email__endswith=f"@{DEMO_EMAIL_DOMAIN}",
            )
            .values_list("username", flat=True)
        )
        people = tuple(p for p in PEOPLE if p.username in present)
        if not people:
            self.stdout.write(
                "No demo accounts here: run `python manage.py load_demo` to add them."
            )
            return
        self.stdout.write("Demo logins (local only; a changed password stays changed):")
        for line in login_lines(people):
            self.stdout.write(line)
        if demo_care.USERNAME in present:
            self.stdout.write(demo_care.login_line())
