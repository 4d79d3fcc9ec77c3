from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from planner.demo.care import load_demo_care
from planner.demo.loader import DemoError, load_demo


class Command(BaseCommand):
    help = (
        "Create two demo accounts with a week of meals each and a demo dietitian linked to "
        "both, as fixtures/demo/*.toml define them (read by planner/demo.py, demo_care.py). "
        "Idempotent: a second run changes nothing. Needs the bundled foods (load_foods) "
        "and refuses to run unless DEBUG is on or --force is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even with DEBUG off (the demo passwords are public: never on production)",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="put the demo passwords, profiles and plans back as defined",
        )

    def handle(self, *args, force: bool = False, reset: bool = False, **options) -> None:
        # The demo passwords are printed by `make run` and sit in the source:
        # created on a production database they would be an open door.
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo creates accounts whose passwords are public, so it runs only with "
                "DEBUG on (as under `make run`). Nothing was created. If this really is a "
                "development database, run it with DEBUG=1 or pass --force."
            )
        try:
            report = load_demo(reset=reset)
            care_report = load_demo_care()
        except DemoError as exc:
            raise CommandError(f"Nothing loaded: {exc}") from exc
        self.stdout.write(report.summary())
        self.stdout.write(care_report.summary())
