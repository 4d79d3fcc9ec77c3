"""Food search ranked by relevance.

The database finds the foods and pre-ranks a bounded set of candidates; Python
ranks those few hundred, because "word-start beats substring, shorter names
first" is clearer in code than in portable SQL.

Finding has to stay fast at FoodData Central size (hundreds of thousands of
foods, where "raw" is in one name of five), so it goes in steps, best matches
first, each through an index (migration 0005), and stops as soon as a step
has found as many foods as were asked for:

0. The name starts with the whole query ("beef raw" → "Beef, raw, …").
1. The name starts with the first query word and contains the others: a
   range of the `search_name` b-tree. rank_key gives such names a bonus that
   puts them above every other match of a one- or two-word query (and
   nearly always of longer ones), and they are few even for "milk" (one
   name in two hundred).
2. Every query word starts a word somewhere in the name ("potato" finds
   "Sweet potato"): PostgreSQL's `simple` text-search vector with a GIN
   index; SQLite's FTS5 table of words.
3. Every query word is inside a word ("apple" in "Pineapple"): PostgreSQL's
   pg_trgm GIN index; SQLite's FTS5 trigram table. These rank below word
   starts, so with enough of those they would not be shown anyway.

Each step reads at most SCAN_LIMIT matching rows, so one letter or "raw"
cannot make it read the whole table; the database orders those by a cheap
score that follows rank_key (exact name, whole query at the start, first
word at the start, words early, short names) and hands over CANDIDATES.
Every candidate is then checked against the original rule (each folded
query word is contained in the folded name), so a tokenizer's idea of a
word never lets a food through that the rule would not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import BooleanField, Prefetch, QuerySet
from django.db.models.expressions import RawSQL

from nutrition.models import Food, Portion
from nutrition.text import normalize

MAX_QUERY_WORDS = 8
MAX_LIMIT = 100
# How many pre-ranked foods a step hands to Python's ranking: a few times
# MAX_LIMIT, so that rank_key's finer points (exact word over prefix, word
# positions) choose among enough foods, and still only a millisecond's work.
CANDIDATES = 300
# How many matching rows a step reads at most before pre-ranking. Enough to
# hold every match of an everyday query at FoodData Central size (names
# starting with "milk": ~2,700 of 500,000); a query as broad as "b" or "raw"
# pre-ranks the first this many (index order: alphabetical in steps 0-1,
# oldest foods first in steps 2 and 3) instead of reading 100,000 rows.
SCAN_LIMIT = 5000
# A query word shorter than this is not looked for inside other words: "eg"
# inside "legumes" helps nobody, and trigram indexes cannot narrow it down.
MIN_INFIX_LENGTH = 3
# SQLite's FTS5 tables (migration 0005): whole words, and trigrams.
FTS_TABLE = "nutrition_food_fts"
TRIGRAM_TABLE = "nutrition_food_trigram"
_FTS_WORD = re.compile(r"[0-9a-z]+")
# Where a needle is in the name; 0 when absent.
_POSITION_SQL = {"postgresql": "strpos(%s, %%s)", "sqlite": "instr(%s, %%s)"}


@dataclass(frozen=True)
class Filters:
    group: str | None = None  # FoodGroup.code
    kind: str | None = None  # Food.Kind value


def _word_score(token: str, words: list[str]) -> tuple[int, int]:
    """Best match of one query word: (score, position of the word it matched)."""
    best = (0, len(words))
    for position, word in enumerate(words):
        if word == token or word in (token + "s", token + "es") or token in (word + "s",):
            score = 3
        elif word.startswith(token):
            score = 2
        elif token in word:
            score = 1
        else:
            continue
        if score > best[0]:
            best = (score, position)
    return best


def rank_key(query: str, tokens: list[str], search_name: str) -> tuple:
    words = search_name.split()
    score = 0
    positions = 0
    for token in tokens:
        token_score, position = _word_score(token, words)
        score += token_score
        positions += position
    if search_name == query:
        score += 100
    elif search_name.startswith(query):
        score += 10
    if words and tokens and words[0].startswith(tokens[0]):
        score += 5
    # Higher score first, then matches earlier in the name, then shorter names.
    return (-score, positions, len(words), len(search_name), search_name)


def base_queryset(filters: Filters, owner=None) -> QuerySet[Food]:
    # Public foods, plus the private foods of `owner` (a signed-in user) when given.
    foods = Food.objects.visible_to(owner)
    if filters.group:
        foods = foods.filter(group__code=filters.group)
    if filters.kind:
        foods = foods.filter(kind=filters.kind)
    return foods


def with_display_data(foods: QuerySet[Food]) -> QuerySet[Food]:
    return foods.select_related("group").prefetch_related(
        Prefetch("portions", queryset=Portion.objects.order_by("seq", "id"))
    )


def search_foods(
    query: str, filters: Filters = Filters(), limit: int = 50, *, owner=None
) -> list[Food]:
    """Foods matching every word of `query`, best first; `owner`'s own foods too."""
    folded = normalize(query)
    tokens = folded.split()[:MAX_QUERY_WORDS]
    if not tokens:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    foods = base_queryset(filters, owner)
    rows: list[tuple[int, str]] = []
    steps = (_whole_query_step, _first_word_step, _word_start_step, _inside_word_step)
    for step in steps[1:] if len(tokens) == 1 else steps:
        # Each step leaves out what the steps before found; there are fewer than
        # `limit` of those, or it would not run.
        remaining = foods.exclude(id__in=[food_id for food_id, _ in rows]) if rows else foods
        found = step(remaining, tokens)
        if found is not None:
            rows += _matching(_pre_ranked(found, folded, tokens), tokens)
        if len(rows) >= limit:
            break
    ranked = sorted(rows, key=lambda row: rank_key(folded, tokens, row[1]))
    ids = [food_id for food_id, _ in ranked[:limit]]
    return _in_order(with_display_data(Food.objects.filter(id__in=ids)), ids)


def _matching(rows: Iterable[tuple[int, str]], tokens: list[str]) -> list[tuple[int, str]]:
    # The contract: every folded query word is contained in the folded name.
    return [row for row in rows if all(token in row[1] for token in tokens)]


class Found(NamedTuple):
    """What a step found, and how to tell how early in a name the query matches."""

    foods: QuerySet[Food]
    # Look for " word" in " " + name (where words start), or for the bare
    # word in the name (inside words).
    needles: list[str]
    word_starts: bool = True


def _word_needles(words: list[str]) -> list[str]:
    return [" " + word for word in words]


def _vendor(foods: QuerySet[Food]) -> str:
    return connections[foods.db].vendor


def _starting_with(foods: QuerySet[Food], prefix: str) -> QuerySet[Food]:
    # Folded names hold nothing above "z", so [prefix, prefix + DEL) is exactly
    # the names that start with `prefix`, compared byte by byte.
    upper = prefix + "\x7f"
    vendor = _vendor(foods)
    if vendor == "sqlite":
        # SQLite's LIKE ignores case, which keeps it off the (binary) index; a range does not.
        return foods.filter(search_name__gte=prefix, search_name__lt=upper)
    if vendor == "postgresql":
        # The pattern operators only the varchar_pattern_ops b-tree (Django adds it
        # beside every indexed CharField) can answer. With LIKE 'prefix%' the planner
        # may pick the trigram index instead, and read and recheck three times the rows.
        column = '"nutrition_food"."search_name"::text'
        condition = RawSQL(
            f"{column} ~>=~ %s AND {column} ~<~ %s", [prefix, upper], output_field=BooleanField()
        )
        return foods.filter(condition)
    return foods.filter(search_name__startswith=prefix)


def _whole_query_step(foods: QuerySet[Food], tokens: list[str]) -> Found:
    # "beef raw" → "Beef, raw, …": the best class of all (rank_key: +10), and
    # so few that it must not wait behind 30,000 other names starting with "beef".
    return Found(_starting_with(foods, " ".join(tokens)), _word_needles(tokens))


def _first_word_step(foods: QuerySet[Food], tokens: list[str]) -> Found:
    first, *rest = tokens
    found = _starting_with(foods, first)
    for token in rest:
        found = found.filter(search_name__contains=token)
    return Found(found, _word_needles(tokens))


def _fts_words(tokens: list[str]) -> list[str]:
    # What the full-text indexes see as words: letters and digits. "2%" is
    # looked up as "2" and the "%" checked afterwards by _matching.
    return [word for token in tokens for word in _FTS_WORD.findall(token)]


def _word_start_step(foods: QuerySet[Food], tokens: list[str]) -> Found | None:
    words = _fts_words(tokens)
    if not words:
        return None  # only symbols: nothing a word index could find
    vendor = _vendor(foods)
    if vendor == "postgresql":
        tsquery = " & ".join(f"{word}:*" for word in words)
        found = foods.alias(document=SearchVector("search_name", config="simple")).filter(
            document=SearchQuery(tsquery, search_type="raw", config="simple")
        )
    elif vendor == "sqlite":
        found = foods.filter(id__in=_fts_rowids(" AND ".join(f'"{w}"*' for w in words)))
    else:
        return None  # no word index elsewhere; step 3 scans
    return Found(found, _word_needles(words))


def _inside_word_step(foods: QuerySet[Food], tokens: list[str]) -> Found | None:
    long_tokens = [token for token in tokens if len(token) >= MIN_INFIX_LENGTH]
    if not long_tokens:
        return None
    if _vendor(foods) == "sqlite":
        found = _sqlite_inside_words(foods, long_tokens)
        if found is None:
            return None
    else:
        # PostgreSQL answers LIKE '%word%' from the pg_trgm index.
        found = foods
        for token in long_tokens:
            found = found.filter(search_name__contains=token)
    return Found(found, long_tokens, word_starts=False)


def _pre_ranked(found: Found, folded: str, tokens: list[str]) -> list[tuple[int, str]]:
    """The CANDIDATES best of the first SCAN_LIMIT rows of `found`, by a cheap score.

    The limit sits in a derived table, so the database stops reading matches
    at SCAN_LIMIT and only then sorts (Django cannot say "FROM (subquery)").
    """
    connection = connections[found.foods.db]
    inner = found.foods.order_by().values_list("id", "search_name")[:SCAN_LIMIT]
    inner_sql, params = inner.query.get_compiler(connection=connection).as_sql()
    text_sql = "(' ' || search_name)" if found.word_starts else "search_name"
    position_sql = _POSITION_SQL.get(connection.vendor, "instr(%s, %%s)") % text_sql
    sql = (
        f"SELECT id, search_name FROM ({inner_sql}) AS found ORDER BY "
        # exact name, then the whole query at the start, then the first word
        "CASE WHEN search_name = %s THEN 0 WHEN substr(search_name, 1, %s) = %s THEN 1"
        " WHEN substr(search_name, 1, %s) = %s THEN 2 ELSE 3 END, "
        + " + ".join([position_sql] * len(found.needles))
        + ", length(search_name), id LIMIT %s"
    )
    first = tokens[0]
    ordering = [folded, len(folded), folded, len(first), first, *found.needles, CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ordering])
        return list(cursor.fetchall())


def _fts_rowids(match: str) -> RawSQL:
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])


def _sqlite_inside_words(foods: QuerySet[Food], tokens: list[str]) -> QuerySet[Food] | None:
    # FTS5's trigram table answers LIKE itself, but takes no ESCAPE: words
    # with "%" are left to _matching. Each LIKE needs three plain characters.
    words = [token for token in tokens if _FTS_WORD.fullmatch(token)]
    if not words:
        return None
    where = " AND ".join(["search_name LIKE %s"] * len(words))
    rowids = RawSQL(
        f"SELECT rowid FROM {TRIGRAM_TABLE} WHERE {where}", [f"%{word}%" for word in words]
    )
    return foods.filter(id__in=rowids)


def _in_order(foods: Iterable[Food], ids: list[int]) -> list[Food]:
    by_id = {food.id: food for food in foods}
    return [by_id[food_id] for food_id in ids if food_id in by_id]
