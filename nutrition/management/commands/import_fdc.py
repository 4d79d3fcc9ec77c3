from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nutrition.importers.fdc import (
    FDCImportError,
    ImportPreview,
    ImportResult,
    ParsedImport,
    apply_import,
    parse_fdc_dir,
    preview_import,
)


class Command(BaseCommand):
    help = (
        "Import or refresh foods from an unpacked USDA FoodData Central CSV download "
        "(SR Legacy and Foundation foods). All or nothing: a bad file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="folder holding food.csv and the rest")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, write nothing"
        )

    def handle(self, *args, directory: Path, dry_run: bool, verbosity: int, **options) -> None:
        # Progress lines are for a person watching; logs and pipes get the summary only.
        progress = self._progress if verbosity >= 1 and self.stdout.isatty() else None
        self._stage = ""
        try:
            parsed = parse_fdc_dir(directory, progress=progress)
            if dry_run:
                self._report_preview(parsed, preview_import(parsed))
                return
            result = apply_import(parsed, progress=progress)
        except FDCImportError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if self._stage:
                self.stderr.write("", style_func=str)
        if verbosity >= 1:
            self._report_result(parsed, result)

    def _progress(self, stage: str, done: int, total: int | None) -> None:
        if stage != self._stage and self._stage:
            self.stderr.write("", style_func=str)
        self._stage = stage
        if total:
            text = f"{stage}: {100 * done // total}%"
        elif done:
            text = f"{stage}: {done:,} rows"
        else:
            text = f"{stage}…"
        # "\r" rewrites the line in place; stderr keeps stdout clean for the summary.
        self.stderr.write(f"\r{text}", ending="", style_func=str)
        self.stderr.flush()

    def _report_preview(self, parsed: ParsedImport, preview: ImportPreview) -> None:
        self.stdout.write(
            f"Dry run, nothing written. {len(parsed.foods)} foods and {parsed.portion_count} "
            f"portions in {parsed.directory}: "
            f"{preview.new} new, {preview.changed} changed, {preview.unchanged} unchanged, "
            f"{preview.kept} kept as curators left them; "
            f"{len(preview.new_groups)} new groups."
        )
        for name, count in sorted(preview.changed_fields.items()):
            self.stdout.write(f"  {name} changes on {count} foods")

    def _report_result(self, parsed: ParsedImport, result: ImportResult) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(parsed.foods)} foods from {parsed.directory}: "
                f"{result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.kept} kept as curators left them."
            )
        )
        self.stdout.write(
            f"  {result.groups_created} groups created; portions: {result.portions_created} "
            f"created, {result.portions_updated} updated, {result.portions_deleted} deleted; "
            f"{parsed.skipped} foods of other data types skipped."
        )
