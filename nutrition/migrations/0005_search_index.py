"""Full-text and substring indexes for food search (nutrition.search).

PostgreSQL: two GIN indexes on `search_name` – a `simple` text-search vector
for word-prefix matches and pg_trgm trigrams for matches inside words. They
are built from the very expressions nutrition.search queries with, so the
planner can use them.

SQLite: two FTS5 tables over `search_name` (words and trigrams) with the
food table as their content, kept in step by triggers. Beware: Django
rebuilds a SQLite table (copy, drop, rename) for many later AlterField and
AddField operations on nutrition_food, and dropping the table drops these
triggers. A migration that does that must create them again
(tests/nutrition/test_search_scale.py fails if they are missing).

Neither is part of the model state: they exist on one database each, and the
model cannot describe an FTS5 table, so `makemigrations` never sees them.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

FTS_INDEX = "food_search_fts"
TRIGRAM_INDEX = "food_search_trgm"


def _postgres_indexes() -> list[GinIndex]:
    return [
        GinIndex(SearchVector("search_name", config="simple"), name=FTS_INDEX),
        GinIndex(fields=["search_name"], opclasses=["gin_trgm_ops"], name=TRIGRAM_INDEX),
    ]


# Two FTS5 tables over the same column, both reading the food table as their
# content (so the names are not stored twice): whole words for word-prefix
# matches, trigrams for matches inside words (`LIKE '%apple%'` uses them).
# detail=none: search asks "which foods contain these", never for phrases or
# positions, and without positions the indexes are several times smaller and
# quicker to build. columnsize=0: no bm25 ranking either.
SQLITE_TABLES = {
    "nutrition_food_fts": "unicode61",
    "nutrition_food_trigram": "trigram",
}


def _sqlite_create() -> list[str]:
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


def _sqlite_drop() -> list[str]:
    triggers = [
        f"DROP TRIGGER IF EXISTS nutrition_food_search_{event}"
        for event in ("insert", "delete", "update")
    ]
    return triggers + [f"DROP TABLE IF EXISTS {table}" for table in SQLITE_TABLES]


def create_indexes(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner
        # may create it without being a superuser. Django's TrigramExtension
        # operation is not used because its reverse fails on SQLite.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        food = apps.get_model("nutrition", "Food")
        for index in _postgres_indexes():
            schema_editor.add_index(food, index)
    elif vendor == "sqlite":
        for statement in _sqlite_create():
            schema_editor.execute(statement)


def drop_indexes(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        food = apps.get_model("nutrition", "Food")
        for index in _postgres_indexes():
            schema_editor.remove_index(food, index)
        # pg_trgm stays: other schemas in the database may use it by now.
    elif vendor == "sqlite":
        for statement in _sqlite_drop():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("nutrition", "0004_supplement_facts_plural"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
