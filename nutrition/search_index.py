"""The SQLite full-text index of food names, and its repair after a migrate.

Migration 0005 creates the index (two FTS5 tables over `nutrition_food.search_name`
and the triggers that keep them in step; see its docstring). Django rebuilds a
SQLite table (copy, drop, rename) for many field changes, and dropping
nutrition_food drops those triggers, so after every migrate (post_migrate,
nutrition.apps) `repair_sqlite_search_index` checks them and rebuilds the index
from the food table if one is missing.

The statements are the migration's, repeated here on purpose: a migration is
history and must not change when this module does, and app code must not call
into a migration. tests/nutrition/test_search_scale.py checks that the two agree.
"""

from __future__ import annotations

from django.db import connections

SQLITE_TABLES = {
    "nutrition_food_fts": "unicode61",
    "nutrition_food_trigram": "trigram",
}
SEARCH_TRIGGERS = {
    "nutrition_food_search_insert",
    "nutrition_food_search_delete",
    "nutrition_food_search_update",
}


def sqlite_create_statements() -> list[str]:
    statements = [
        f"""
        CREATE VIRTUAL TABLE {table} USING fts5(
            search_name, content='nutrition_food', content_rowid='id',
            tokenize='{tokenizer}', detail=none, columnsize=0
        )
        """
        for table, tokenizer in SQLITE_TABLES.items()
    ]
    insert = "".join(
        f"INSERT INTO {table} (rowid, search_name) VALUES (new.id, new.search_name);\n"
        for table in SQLITE_TABLES
    )
    # An external-content table forgets a row only when told its old text.
    delete = "".join(
        f"INSERT INTO {table} ({table}, rowid, search_name)"
        " VALUES ('delete', old.id, old.search_name);\n"
        for table in SQLITE_TABLES
    )
    statements += [
        f"CREATE TRIGGER nutrition_food_search_insert AFTER INSERT ON nutrition_food BEGIN\n"
        f"{insert}END",
        f"CREATE TRIGGER nutrition_food_search_delete AFTER DELETE ON nutrition_food BEGIN\n"
        f"{delete}END",
        "CREATE TRIGGER nutrition_food_search_update AFTER UPDATE OF search_name"
        f" ON nutrition_food BEGIN\n{delete}{insert}END",
    ]
    # Index the foods that are already there.
    statements += [f"INSERT INTO {table} ({table}) VALUES ('rebuild')" for table in SQLITE_TABLES]
    return statements


def sqlite_drop_statements() -> list[str]:
    triggers = [f"DROP TRIGGER IF EXISTS {name}" for name in sorted(SEARCH_TRIGGERS)]
    return triggers + [f"DROP TABLE IF EXISTS {table}" for table in SQLITE_TABLES]


def repair_sqlite_search_index(using: str = "default", **kwargs) -> None:
    """Put the SQLite search index back if a migration dropped its triggers."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if "nutrition_food_fts" not in present or present >= SEARCH_TRIGGERS:
            return  # not migrated that far, or intact
        for statement in sqlite_drop_statements() + sqlite_create_statements():
            cursor.execute(statement)
