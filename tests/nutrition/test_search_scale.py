"""Food search through the database's own indexes (nutrition.search, migration 0005).

Run on SQLite (FTS5 tables kept up to date by triggers) and on PostgreSQL
(GIN indexes: a text-search vector and pg_trgm) alike; the few checks that
look at one database's machinery say which.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from nutrition import search
from nutrition.models import Food
from nutrition.search import Filters, search_foods
from nutrition.text import normalize

SQLITE_TABLES = ("nutrition_food_fts", "nutrition_food_trigram")
SQLITE_TRIGGERS = {
    "nutrition_food_search_insert",
    "nutrition_food_search_delete",
    "nutrition_food_search_update",
}
POSTGRES_INDEXES = {"food_search_fts", "food_search_trgm"}


def names(foods):
    return [f.name for f in foods]


def bulk_foods(group, names_):
    # As the importers write: bulk_create skips Food.save(), so search_name is set here.
    first = Food.objects.count()
    return Food.objects.bulk_create(
        Food(
            name=name,
            search_name=normalize(name),
            source=Food.Source.FDC,
            source_id=f"B{first + number}",
            group=group,
        )
        for number, name in enumerate(names_)
    )


def assert_sqlite_index_matches_the_foods() -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in SQLITE_TABLES:
            # rank=1: also compare the index with the food table it was built from;
            # a stale index fails with "database disk image is malformed".
            cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")


def test_the_search_indexes_exist(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'nutrition_food'"
                " AND indexname LIKE 'food_search_%'"
            )
            assert {name for (name,) in cursor.fetchall()} == POSTGRES_INDEXES
        else:
            cursor.execute("SELECT type, name FROM sqlite_master WHERE tbl_name LIKE 'nutrition_%'")
            objects = set(cursor.fetchall())
            # A later migration that makes Django rebuild nutrition_food on SQLite
            # drops these triggers with the old table; it has to create them again.
            assert {("trigger", name) for name in SQLITE_TRIGGERS} <= objects
            assert {("table", name) for name in SQLITE_TABLES} <= objects


def test_search_follows_a_food_that_is_added_renamed_and_deleted(food):
    food("Soup, tomato")
    soup = food("Soup, zucchini, cream of")
    # "zucchini" is not the first word, "ucchin" is inside one: the word index
    # and the trigram index (steps 2 and 3) have to know the food.
    assert names(search_foods("zucchini")) == ["Soup, zucchini, cream of"]
    assert names(search_foods("ucchin")) == ["Soup, zucchini, cream of"]
    assert_sqlite_index_matches_the_foods()

    soup.name = "Soup, courgette, cream of"
    soup.save()
    assert search_foods("zucchini") == []
    assert search_foods("ucchin") == []
    assert names(search_foods("courgette")) == ["Soup, courgette, cream of"]
    assert names(search_foods("ourget")) == ["Soup, courgette, cream of"]
    assert_sqlite_index_matches_the_foods()

    soup.delete()
    assert search_foods("courgette") == []
    assert search_foods("ourget") == []
    assert names(search_foods("soup")) == ["Soup, tomato"]
    assert_sqlite_index_matches_the_foods()


def test_search_follows_bulk_writes_as_the_importers_make_them(food_group):
    group = food_group()
    bulk_foods(group, ["Stew, lentil", "Stew, bean"])
    assert names(search_foods("lentil")) == ["Stew, lentil"]
    # bulk_update and update() write search_name without Food.save().
    Food.objects.filter(search_name="stew bean").update(name="Stew, pea", search_name="stew pea")
    assert search_foods("bean") == []
    assert names(search_foods("pea")) == ["Stew, pea"]
    Food.objects.filter(search_name__startswith="stew").delete()
    assert search_foods("lentil") == []
    assert_sqlite_index_matches_the_foods()


def test_a_rolled_back_write_leaves_the_index_as_it_was(food):
    food("Soup, zucchini")
    with pytest.raises(RuntimeError), transaction.atomic():
        Food.objects.filter(search_name="soup zucchini").update(search_name="soup leek")
        raise RuntimeError("the import failed")
    assert names(search_foods("zucchini")) == ["Soup, zucchini"]
    assert search_foods("leek") == []
    assert_sqlite_index_matches_the_foods()


def test_query_words_match_the_start_of_words_anywhere_in_the_name(food):
    food("Potatoes, baked, flesh and skin")
    food("Sweet potato, cooked")
    food("Soup, cream of potato")
    found = names(search_foods("potat"))
    assert found[0] == "Potatoes, baked, flesh and skin"
    assert set(found) == {
        "Potatoes, baked, flesh and skin",
        "Sweet potato, cooked",
        "Soup, cream of potato",
    }
    assert names(search_foods("potato cream")) == ["Soup, cream of potato"]


def test_matches_inside_words_come_only_when_word_starts_are_too_few(food):
    food("Apples, raw, with skin")
    food("Apple juice, canned")
    food("Pineapple, raw")
    # Enough word-start matches for the two places asked for: no need to look inside words.
    assert set(names(search_foods("apple", limit=2))) == {
        "Apples, raw, with skin",
        "Apple juice, canned",
    }
    # Room left: the inside-word match comes last.
    assert names(search_foods("apple"))[-1] == "Pineapple, raw"


def test_words_shorter_than_three_letters_are_not_looked_for_inside_words(food):
    food("Eggs, whole, raw")
    food("Legumes, mixed")
    assert names(search_foods("eg")) == ["Eggs, whole, raw"]
    assert names(search_foods("egum")) == ["Legumes, mixed"]


def test_the_database_hands_over_the_best_of_many_matches(food_group, monkeypatch):
    # Many more matches than the database hands to Python: its cheap ordering
    # (here: shorter names first) must keep the best one among them.
    monkeypatch.setattr(search, "CANDIDATES", 10)
    group = food_group()
    bulk_foods(group, [f"Beans, baked, variety {n:03d}, canned, drained" for n in range(60)])
    bulk_foods(group, ["Beans, raw"])
    assert names(search_foods("beans", limit=3))[0] == "Beans, raw"


def test_names_starting_with_the_whole_query_are_found_past_the_scan_limit(food_group, monkeypatch):
    # More names start with "beef" and contain "raw" than a step reads, and
    # "beef a…" comes first in the index: the whole query is looked for first.
    monkeypatch.setattr(search, "CANDIDATES", 10)
    monkeypatch.setattr(search, "SCAN_LIMIT", 40)
    group = food_group()
    bulk_foods(group, [f"Beef, a{n:03d} cut, choice, trimmed, raw" for n in range(60)])
    bulk_foods(group, ["Beef, raw", "Beef, raw, ground"])
    found = names(search_foods("beef raw", limit=3))
    assert found[:2] == ["Beef, raw", "Beef, raw, ground"]
    assert len(found) == 3


def test_private_foods_stay_private_in_every_step(food, make_user):
    owner, other = make_user("cook"), make_user("neighbour")
    food("Flapjack, homemade", source=Food.Source.USER, owner=owner)
    food("Oat bar, flapjack style", source=Food.Source.USER, owner=owner)
    for query in ("flapjack", "jack", "oat flapjack"):  # first word, inside a word, word start
        assert search_foods(query, owner=other) == [], query
        assert search_foods(query) == [], query
        assert search_foods(query, owner=owner), query


def test_filters_apply_in_every_step(food, food_group):
    fruit = food_group("09", "Fruits and Fruit Juices")
    baby = food_group("03", "Baby Foods")
    food("Bananas, raw", group=fruit)
    food("Babyfood, fruit, bananas with tapioca", group=baby)
    food("Babyfood, dessert, mixed fruit, with banana", group=baby)
    food("Babyfood, plantain and nana", group=baby)
    assert names(search_foods("banana", Filters(group="09"))) == ["Bananas, raw"]
    assert set(names(search_foods("nana", Filters(group="03")))) == {
        "Babyfood, fruit, bananas with tapioca",
        "Babyfood, dessert, mixed fruit, with banana",
        "Babyfood, plantain and nana",
    }


def test_a_search_takes_a_fixed_number_of_queries(food, django_assert_max_num_queries):
    for n in range(30):
        food(f"Soup, vegetable {n}", portions=[("1 cup", 240)])
    # At most: four steps, the foods, their portions.
    with django_assert_max_num_queries(6):
        assert len(search_foods("soup")) == 30
    with django_assert_max_num_queries(6):
        search_foods("xyz")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query planner")
def test_postgresql_can_answer_search_from_its_gin_indexes(food):
    food("Soup, zucchini, cream of")
    with CaptureQueriesContext(connection) as queries:
        search_foods("zucchini")
    first_word = next(q["sql"] for q in queries if "~>=~" in q["sql"])
    word_start = next(q["sql"] for q in queries if "to_tsvector" in q["sql"])
    inside = next(q["sql"] for q in queries if "'%zucchini%'" in q["sql"])
    with transaction.atomic(), connection.cursor() as cursor:
        # A few test rows are cheaper to scan than to look up, so the planner
        # would rightly skip any index here; forbidding the other plans asks
        # only whether these queries *can* use the indexes, which is what
        # matters on 500,000 rows.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plans = {}
        steps = (("first_word", first_word), ("word_start", word_start), ("inside", inside))
        for key, sql in steps:
            cursor.execute("EXPLAIN " + sql)
            plans[key] = "\n".join(line for (line,) in cursor.fetchall())
    # Django's varchar_pattern_ops b-tree beside the search_name index.
    assert "search_name" in plans["first_word"] and "_like" in plans["first_word"]
    assert "food_search_fts" in plans["word_start"], plans["word_start"]
    assert "food_search_trgm" in plans["inside"], plans["inside"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner")
def test_sqlite_answers_search_from_its_fts5_tables(food):
    food("Soup, zucchini, cream of")
    with CaptureQueriesContext(connection) as queries:
        search_foods("zucchini")
    steps = [
        q["sql"] for q in queries if "nutrition_food_fts" in q["sql"] or "_trigram" in q["sql"]
    ]
    assert len(steps) == 2  # word starts, then inside words
    with connection.cursor() as cursor:
        for sql in steps:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " | ".join(row[-1] for row in cursor.fetchall())
            assert "VIRTUAL TABLE INDEX" in plan, plan


def test_a_lost_sqlite_trigger_is_put_back_after_migrate(food):
    from django.db import connection

    from nutrition.search import search_foods
    from nutrition.search_index import SEARCH_TRIGGERS, repair_sqlite_search_index

    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 triggers exist on SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER nutrition_food_search_insert")
    repair_sqlite_search_index()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        assert {row[0] for row in cursor.fetchall()} >= SEARCH_TRIGGERS
    food("Quinoa, cooked")
    assert [f.name for f in search_foods("quino")] == ["Quinoa, cooked"]


def test_the_repair_builds_the_index_exactly_as_the_migration_did():
    import importlib

    from nutrition import search_index

    migration = importlib.import_module("nutrition.migrations.0005_search_index")
    assert search_index.sqlite_create_statements() == migration._sqlite_create()
    assert sorted(search_index.sqlite_drop_statements()) == sorted(migration._sqlite_drop())
