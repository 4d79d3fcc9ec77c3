from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from config import backup


class Command(BaseCommand):
    help = (
        "Back up the whole database to one file while the app keeps running: SQLite's online "
        "backup API, or pg_dump in its custom format on PostgreSQL. Prints the file's path."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="the file to write (default: var/backups/mgk-<UTC time>.sqlite3 or .pgdump)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias")

    def handle(self, *args, output: Path | None, database: str, **options) -> None:
        try:
            path = backup.backup(output, using=database)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        size = path.stat().st_size
        self.stdout.write(f"Backed up {backup.describe(database)} to {path} ({size:,} bytes).")
