from __future__ import annotations

import importlib

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

SEARCH_TRIGGERS = {
    "nutrition_food_search_insert",
    "nutrition_food_search_delete",
    "nutrition_food_search_update",
}


def repair_sqlite_search_index(using: str = "default", **kwargs) -> None:
    """Put the SQLite search index back if a migration dropped its triggers.

    Django rebuilds a SQLite table (copy, drop, rename) for many field changes,
    and dropping nutrition_food drops the triggers that keep the FTS5 tables in
    step with it. After every migrate, check and rebuild from the food table.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if "nutrition_food_fts" not in present or present >= SEARCH_TRIGGERS:
            return  # not migrated that far, or intact
        index = importlib.import_module("nutrition.migrations.0005_search_index")
        for statement in index._sqlite_drop() + index._sqlite_create():
            cursor.execute(statement)


class NutritionConfig(AppConfig):
    name = "nutrition"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(repair_sqlite_search_index, sender=self)
