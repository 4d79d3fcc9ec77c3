"""Merge a duplicate food into the one to keep.

Every row that points at the retired food moves to the kept one, found through
Django's relation metadata so that nutrition need not know planner's models:
today that is planner's MealItem (food PROTECT). A moved row's portion is
matched by label on the kept food, or cleared; its grams stay, so a menu's
totals now follow the kept food's values.

The retired food is then deleted (its portions and supplement facts with it),
and a FoodMerge record keeps its source and id: load_foods and import_fdc skip
it instead of bringing it back, and its old page redirects to the kept food.
The history holds the retired food's last values (a deletion record) and a
record on the kept food naming the merge. All in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nutrition.models import Food, FoodMerge, Portion, SupplementFacts

# Relations that belong to the food itself and go with it.
OWN_RELATIONS = {Portion, SupplementFacts, FoodMerge}


@dataclass(frozen=True)
class MergeResult:
    kept: Food
    retired_name: str
    items_moved: int
    portions_matched: int
    portions_cleared: int


def _label_key(label: str) -> str:
    return " ".join(label.casefold().split())


def check_merge(keep: Food, retire: Food) -> None:
    if keep.pk == retire.pk:
        raise ValidationError("Pick two different foods: a food cannot be merged into itself.")
    if keep.source == Food.Source.USER:
        raise ValidationError(
            "The food to keep must be public: approve the user's food first, or keep the other."
        )


def merge_foods(keep: Food, retire: Food, *, user=None) -> MergeResult:
    check_merge(keep, retire)
    with transaction.atomic():
        # Lock both rows so that a concurrent merge or edit waits (PostgreSQL).
        locked = {
            f.pk: f for f in Food.objects.select_for_update().filter(pk__in=[keep.pk, retire.pk])
        }
        if len(locked) != 2:
            raise ValidationError("One of the foods is gone; reload the page.")
        keep, retire = locked[keep.pk], locked[retire.pk]

        kept_portions: dict[str, int] = {}
        for portion in keep.portions.order_by("seq", "id"):
            kept_portions.setdefault(_label_key(portion.label), portion.pk)
        mapping = {
            portion.pk: kept_portions.get(_label_key(portion.label))
            for portion in retire.portions.all()
        }

        moved = matched = cleared = 0
        for relation in Food._meta.related_objects:
            model = relation.related_model
            if model in OWN_RELATIONS or relation.many_to_many or relation.one_to_one:
                continue
            fk = relation.field.name
            portion_fields = [
                f
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model is Portion
            ]
            for portion_field in portion_fields:
                for old, new in mapping.items():
                    count = model._default_manager.filter(
                        **{fk: retire, portion_field.attname: old}
                    ).update(**{fk: keep, portion_field.attname: new})
                    moved += count
                    if new is None:
                        cleared += count
                    else:
                        matched += count
            moved += model._default_manager.filter(**{fk: retire}).update(**{fk: keep})

        # Earlier merges into the retired food now point at the kept one.
        FoodMerge.objects.filter(kept=retire).update(kept=keep)
        FoodMerge.objects.create(
            retired_id=retire.pk,
            retired_name=retire.name,
            source=retire.source,
            source_id=retire.source_id,
            kept=keep,
            items_moved=moved,
            merged_by=user if user is not None and user.is_authenticated else None,
        )
        keep.curated_at = timezone.now()
        keep._change_reason = (
            f"Merged “{retire.name}” (#{retire.pk}, {retire.get_source_display()} "
            f"{retire.source_id}) into this food; {moved} menu items moved"
        )
        keep.force_history = True
        keep.save()
        del keep.force_history
        retired_name = retire.name
        retire._change_reason = f"Merged into “{keep.name}” (#{keep.pk})"
        for portion in retire.portions.all():
            portion._change_reason = retire._change_reason
            portion.delete()
        retire.delete()
    return MergeResult(keep, retired_name, moved, matched, cleared)


def usage_count(food: Food) -> int:
    """How many rows elsewhere (menu items) point at the food."""
    total = 0
    for relation in Food._meta.related_objects:
        model = relation.related_model
        if model in OWN_RELATIONS or relation.many_to_many or relation.one_to_one:
            continue
        total += model._default_manager.filter(**{relation.field.name: food}).count()
    return total
