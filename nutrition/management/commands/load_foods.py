from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nutrition.sr24 import FixtureError, load_foods


class Command(BaseCommand):
    help = (
        "Load the bundled USDA SR24 foods, portions and food groups (fixtures/usda_sr24_*), "
        "then sync the supplements. Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--fixtures",
            type=Path,
            default=None,
            help="directory holding the usda_sr24_* files (default: the project's fixtures/)",
        )

    def handle(self, *args, fixtures: Path | None = None, **options) -> None:
        try:
            report = load_foods(fixtures)
        except FixtureError as exc:
            raise CommandError(f"Nothing loaded: {exc}") from exc
        self.stdout.write(report.summary())
