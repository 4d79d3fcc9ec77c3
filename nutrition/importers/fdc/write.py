"""Compare parsed FDC foods with the database and write them in one transaction."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from nutrition.importers.fdc.parse import (
    SOURCE,
    ParsedFood,
    ParsedGroup,
    ParsedImport,
    ParsedPortion,
)
from nutrition.importers.tables import Progress
from nutrition.models import NUTRIENT_FIELDS, Food, FoodGroup, FoodMerge, Portion

BATCH_SIZE = 500


@dataclass(frozen=True)
class ImportPreview:
    new: int
    changed: int
    unchanged: int
    new_groups: tuple[str, ...]
    # How many foods each change touches: {"potassium_mg": 12, "portions": 3, ...}.
    changed_fields: dict[str, int] = field(default_factory=dict)
    # Foods a curator corrected or merged away: the import leaves them alone.
    kept: int = 0


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    groups_created: int = 0
    portions_created: int = 0
    portions_updated: int = 0
    portions_deleted: int = 0
    kept: int = 0


FOOD_UPDATE_FIELDS = ["name", "search_name", "group", *NUTRIENT_FIELDS, "updated_at"]


@dataclass
class _Plan:
    new_groups: list[ParsedGroup]
    create: list[ParsedFood]
    # Existing food, what it should become, and the names of what differs.
    update: list[tuple[Food, ParsedFood, list[str]]]
    unchanged: int
    kept: int = 0
    portions_update: list[Portion] = field(default_factory=list)
    portions_create: list[Portion] = field(default_factory=list)
    portions_delete: list[Portion] = field(default_factory=list)


def _plan(parsed: ParsedImport) -> _Plan:
    """Compare the parsed download with the database; reads only."""
    codes = [group.code for group in parsed.groups]
    known_codes = set(FoodGroup.objects.filter(code__in=codes).values_list("code", flat=True))
    existing = {
        food.source_id: food
        for food in Food.objects.filter(source=SOURCE).select_related("group").order_by()
    }
    # A curator's correction or merge wins over the download, on every re-run.
    curated = {source_id for source_id, food in existing.items() if food.curated_at is not None}
    curated |= set(FoodMerge.objects.filter(source=SOURCE).values_list("source_id", flat=True))
    portions: dict[int, list[Portion]] = defaultdict(list)
    for portion in Portion.objects.filter(
        food__source=SOURCE, food__curated_at__isnull=True
    ).order_by("food_id", "seq", "id"):
        portions[portion.food_id].append(portion)

    plan = _Plan(
        new_groups=[group for group in parsed.groups if group.code not in known_codes],
        create=[],
        update=[],
        unchanged=0,
    )
    for item in parsed.foods:
        if item.source_id in curated:
            plan.kept += 1
            continue
        food = existing.get(item.source_id)
        if food is None:
            plan.create.append(item)
            continue
        changed = [name for name, value in item.values().items() if getattr(food, name) != value]
        if (food.group.code if food.group else None) != item.group_code:
            changed.append("group")
        update, create, delete = _portion_changes(food, portions[food.pk], item.portions)
        if update or create or delete:
            changed.append("portions")
            plan.portions_update += update
            plan.portions_create += create
            plan.portions_delete += delete
        if changed:
            plan.update.append((food, item, changed))
        else:
            plan.unchanged += 1
    return plan


def _portion_changes(
    food: Food, existing: list[Portion], wanted: tuple[ParsedPortion, ...]
) -> tuple[list[Portion], list[Portion], list[Portion]]:
    """Update, create and delete lists that turn `existing` into `wanted`.

    Portions are matched by label rather than replaced wholesale so that a portion a
    meal item points at keeps its id when the download did not change it.
    """
    by_label: dict[str, deque[Portion]] = defaultdict(deque)
    for portion in existing:
        by_label[portion.label].append(portion)
    update, create = [], []
    for seq, item in enumerate(wanted):
        if by_label[item.label]:
            portion = by_label[item.label].popleft()
            if (portion.grams, portion.seq) != (item.grams, seq):
                portion.grams, portion.seq = item.grams, seq
                update.append(portion)
        else:
            create.append(Portion(food=food, label=item.label, grams=item.grams, seq=seq))
    delete = [portion for left in by_label.values() for portion in left]
    return update, create, delete


def preview_import(parsed: ParsedImport) -> ImportPreview:
    """What `apply_import` would do, without writing."""
    plan = _plan(parsed)
    changed_fields: dict[str, int] = defaultdict(int)
    for _, _, changed in plan.update:
        for name in changed:
            changed_fields[name] += 1
    return ImportPreview(
        new=len(plan.create),
        changed=len(plan.update),
        unchanged=plan.unchanged,
        new_groups=tuple(group.code for group in plan.new_groups),
        changed_fields=dict(changed_fields),
        kept=plan.kept,
    )


def apply_import(parsed: ParsedImport, *, progress: Progress | None = None) -> ImportResult:
    """Create or update the parsed foods, their groups and portions in one transaction.

    Idempotent: foods are matched by (source="fdc", source_id=fdc_id), and a second run
    of the same download changes nothing. FDC foods missing from the download are left
    alone, since a Foundation-only download must not remove SR Legacy foods.
    """
    # Portions the download no longer lists are deleted; meal items that used one keep
    # their grams (MealItem.portion is SET_NULL), and matching by label keeps the rest.
    with transaction.atomic():
        return _apply(parsed, progress)


def _apply(parsed: ParsedImport, progress: Progress | None) -> ImportResult:
    def step(stage: str) -> None:
        if progress:
            progress(stage, 0, None)

    plan = _plan(parsed)
    FoodGroup.objects.bulk_create(
        [FoodGroup(code=group.code, name=group.name) for group in plan.new_groups]
    )
    groups = {
        group.code: group
        for group in FoodGroup.objects.filter(code__in=[g.code for g in parsed.groups])
    }

    step(f"creating {len(plan.create)} foods")
    # bulk_create skips Food.save(), which is what fills search_name.
    created = [
        Food(
            source=SOURCE,
            source_id=item.source_id,
            group=groups.get(item.group_code) if item.group_code else None,
            kind=Food.Kind.FOOD,
            **item.values(),
        )
        for item in plan.create
    ]
    Food.objects.bulk_create(created, batch_size=BATCH_SIZE)
    if any(food.pk is None for food in created):
        # Backends that cannot return ids from a bulk insert.
        ids = dict(Food.objects.filter(source=SOURCE).values_list("source_id", "pk"))
        for food in created:
            food.pk = ids[food.source_id]
    for food, item in zip(created, plan.create, strict=True):
        plan.portions_create += [
            Portion(food=food, label=portion.label, grams=portion.grams, seq=seq)
            for seq, portion in enumerate(item.portions)
        ]

    step(f"updating {len(plan.update)} foods")
    # bulk_update skips auto_now as well.
    now = timezone.now()
    for food, item, _ in plan.update:
        for name, value in item.values().items():
            setattr(food, name, value)
        food.group = groups.get(item.group_code) if item.group_code else None
        food.updated_at = now
    Food.objects.bulk_update(
        [food for food, _, _ in plan.update], FOOD_UPDATE_FIELDS, batch_size=BATCH_SIZE
    )

    step("writing portions")
    doomed = [portion.pk for portion in plan.portions_delete]
    for start in range(0, len(doomed), BATCH_SIZE):
        Portion.objects.filter(pk__in=doomed[start : start + BATCH_SIZE]).delete()
    Portion.objects.bulk_update(plan.portions_update, ["grams", "seq"], batch_size=BATCH_SIZE)
    Portion.objects.bulk_create(plan.portions_create, batch_size=BATCH_SIZE)

    return ImportResult(
        created=len(plan.create),
        updated=len(plan.update),
        unchanged=plan.unchanged,
        groups_created=len(plan.new_groups),
        portions_created=len(plan.portions_create),
        portions_updated=len(plan.portions_update),
        portions_deleted=len(plan.portions_delete),
        kept=plan.kept,
    )
