from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from config import backup


class Command(BaseCommand):
    help = (
        "Replace everything in the database with a backup made by backup_db. Stop the app "
        "first; run `manage.py migrate` afterwards if the backup is from an older version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a file written by backup_db")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias")

    def handle(self, *args, file: Path, interactive: bool, database: str, **options) -> None:
        target = backup.describe(database)
        if interactive:
            try:
                answer = input(
                    f"This replaces everything in the {target} with {file}.\n"
                    "Type 'yes' to continue, or anything else to cancel: "
                )
            except EOFError:  # no terminal to answer from (a script): use --noinput there
                answer = ""
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing changed.")
        try:
            backup.restore(file, using=database)
        except backup.BackupError as exc:
            raise CommandError(f"{exc} Nothing changed.") from None
        self.stdout.write(f"Restored {target} from {file}.")
