"""A plan as CSV and JSON: every item with its nutrients, and each day's totals.

Amounts are in stored units whatever the person's display unit (mg, kcal,
g), so that a spreadsheet or a script gets the same numbers every time.
Unknown values are empty (CSV) or null (JSON), never 0, and each day's totals
say how many items lacked each value. Numbers are rounded to 3 decimals,
which hides float noise and is far finer than the food data.

Both exports cost six queries after the plan: its days, its items (with
food, supplement facts and portion joined), the day totals (one aggregate
query), and the owner's profile, custom targets and medicines for the
warnings.

CSV: one row per item, then one `day_total` row closing each day.

    row_type                 "item" or "day_total"
    day_number, day          1-based position in the plan, the day's name
    meal                     breakfast / lunch / dinner / snack (empty on totals)
    food, food_id            food name and the app's food id
    source, source_id        where the food data come from (usda-sr24, fdc, ...)
    kind                     food or supplement
    amount, grams            "2 × 1 cup" or "150 g", and the grams eaten
    energy_kcal … calcium_mg the seven nutrients for that amount / day
    supplement_magnesium_mg  day totals only: magnesium from supplements
    items                    day totals only: number of items
    <nutrient>_missing       day totals only: items lacking that value
    warnings                 day totals only: "CODE (level); …" (planner.warnings)

The file starts with a UTF-8 byte order mark so that spreadsheet programs
read food names with accents correctly.

JSON:

    {
      "format": "mgk-planner/plan-export/1",
      "plan": {"id": 7, "name": "...", "notes": "...", "exported_at": ISO 8601},
      "units": {"energy_kcal": "kcal", "protein_g": "g", "magnesium_mg": "mg", ...},
      "nutrients": ["energy_kcal", "protein_g", "magnesium_mg", ...],
      "days": [
        {
          "id": 3, "number": 1, "name": "Monday",
          "items": [
            {
              "id": 11, "meal": "lunch",
              "food": {"id": 5, "name": "...", "source": "usda-sr24",
                       "source_id": "11457", "kind": "food"},
              "amount": "2 × 1 cup", "grams": 60.0,
              "portion": {"id": 9, "label": "1 cup", "grams": 30.0} or null,
              "quantity": 2.0 or null,
              "nutrients": {"magnesium_mg": 47.4, "potassium_mg": null, ...}
            }
          ],
          "totals": {
            "items": 4,
            "nutrients": {"magnesium_mg": 310.5, ...},   # null when no item had a value
            "missing": {"magnesium_mg": 0, "potassium_mg": 1, ...},
            "food_magnesium_mg": 210.5, "supplement_magnesium_mg": 100.0
          },
          "warnings": [{"code": "K_ABOVE_LIMIT", "level": "danger",
                        "message": "...", "source": "...", "item_id": null}]
        }
      ]
    }

A total with a nonzero `missing` count is a lower bound.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from clinical import nutrients
from config.spreadsheet import escape_cell
from nutrition.models import NUTRIENT_FIELDS
from planner.assessment import Owner, assess_days
from planner.intake import DayTotals, Totals
from planner.models import MEAL_ORDER, MealItem, Plan, PlanDay
from planner.warnings import Warning

FORMAT = "mgk-planner/plan-export/1"
UNITS = {n: nutrients.stored_unit(n) for n in NUTRIENT_FIELDS}
CSV_COLUMNS = [
    "row_type",
    "day_number",
    "day",
    "meal",
    "food",
    "food_id",
    "source",
    "source_id",
    "kind",
    "amount",
    "grams",
    *NUTRIENT_FIELDS,
    "supplement_magnesium_mg",
    "items",
    *(f"{n}_missing" for n in NUTRIENT_FIELDS),
    "warnings",
]


@dataclass
class ExportDay:
    number: int
    day: PlanDay
    items: list[MealItem]
    totals: DayTotals
    warnings: list[Warning]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def collect(plan: Plan) -> list[ExportDay]:
    """The plan's days in order, each with its items in meal order and its totals."""
    days = list(plan.days.all())
    items = list(
        MealItem.objects.filter(day__plan=plan).select_related("food__supplement", "portion")
    )
    meal_rank = {meal: i for i, meal in enumerate(MEAL_ORDER)}
    items.sort(key=lambda i: (meal_rank.get(i.meal, len(MEAL_ORDER)), i.position, i.pk))
    by_day: dict[int, list[MealItem]] = {day.pk: [] for day in days}
    for item in items:
        by_day.setdefault(item.day_id, []).append(item)
    assessed = assess_days(by_day, Owner.of(plan.owner_id), items=by_day)
    return [
        ExportDay(number, day, by_day[day.pk], assessed[day.pk].totals, assessed[day.pk].warnings)
        for number, day in enumerate(days, start=1)
    ]


def _warnings_cell(warnings: list[Warning]) -> str:
    return "; ".join(f"{w.code} ({w.level})" for w in warnings)


def item_nutrients(item: MealItem) -> dict[str, float | None]:
    return {n: _round(item.food.per_grams(n, item.grams)) for n in NUTRIENT_FIELDS}


def _totals_dict(totals: Totals) -> dict:
    return {
        "items": totals.items,
        "nutrients": {n: _round(totals.values.get(n)) for n in NUTRIENT_FIELDS},
        "missing": {n: totals.missing.get(n, 0) for n in NUTRIENT_FIELDS},
        "food_magnesium_mg": _round(totals.food_magnesium_mg),
        # An empty day has no supplement magnesium to report, known or not.
        "supplement_magnesium_mg": _round(totals.supplement_magnesium_mg) if totals.items else None,
    }


def filename(plan: Plan, extension: str) -> str:
    slug = slugify(plan.name)[:60] or "plan"
    return f"mgk-plan-{plan.pk}-{slug}.{extension}"


# --- CSV -----------------------------------------------------------------------------------


def _cell(value: object) -> object:
    # Names are typed by people: a formula-like one is written as text (config.spreadsheet).
    return "" if value is None else escape_cell(value)


def csv_rows(plan: Plan) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for export_day in collect(plan):
        day = export_day.day
        for item in export_day.items:
            food = item.food
            rows.append(
                {
                    "row_type": "item",
                    "day_number": export_day.number,
                    "day": day.name,
                    "meal": item.meal,
                    "food": food.name,
                    "food_id": food.pk,
                    "source": food.source,
                    "source_id": food.source_id,
                    "kind": food.kind,
                    "amount": item.amount_label,
                    "grams": _round(item.grams),
                    **item_nutrients(item),
                }
            )
        totals = _totals_dict(export_day.totals.total)
        rows.append(
            {
                "row_type": "day_total",
                "day_number": export_day.number,
                "day": day.name,
                **totals["nutrients"],
                "supplement_magnesium_mg": totals["supplement_magnesium_mg"],
                "items": totals["items"],
                **{f"{n}_missing": c for n, c in totals["missing"].items()},
                "warnings": _warnings_cell(export_day.warnings),
            }
        )
    return rows


def to_csv(plan: Plan) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in csv_rows(plan):
        writer.writerow({column: _cell(row.get(column)) for column in CSV_COLUMNS})
    return buffer.getvalue()


def csv_response(plan: Plan) -> HttpResponse:
    return HttpResponse(
        "\ufeff" + to_csv(plan),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition_header(True, filename(plan, "csv")),
            "X-Content-Type-Options": "nosniff",
        },
    )


# --- JSON ----------------------------------------------------------------------------------


def to_data(plan: Plan) -> dict:
    days = []
    for export_day in collect(plan):
        day = export_day.day
        days.append(
            {
                "id": day.pk,
                "number": export_day.number,
                "name": day.name,
                "items": [
                    {
                        "id": item.pk,
                        "meal": item.meal,
                        "food": {
                            "id": item.food.pk,
                            "name": item.food.name,
                            "source": item.food.source,
                            "source_id": item.food.source_id,
                            "kind": item.food.kind,
                        },
                        "amount": item.amount_label,
                        "grams": _round(item.grams),
                        "portion": (
                            {
                                "id": item.portion.pk,
                                "label": item.portion.label,
                                "grams": item.portion.grams,
                            }
                            if item.portion
                            else None
                        ),
                        "quantity": item.quantity,
                        "nutrients": item_nutrients(item),
                    }
                    for item in export_day.items
                ],
                "totals": _totals_dict(export_day.totals.total),
                "warnings": [w.as_dict() for w in export_day.warnings],
            }
        )
    return {
        "format": FORMAT,
        "plan": {
            "id": plan.pk,
            "name": plan.name,
            "notes": plan.notes,
            "exported_at": timezone.now(),
        },
        "units": UNITS,
        "nutrients": list(NUTRIENT_FIELDS),
        "days": days,
    }


def json_response(plan: Plan) -> HttpResponse:
    body = json.dumps(to_data(plan), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return HttpResponse(
        body,
        content_type="application/json; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition_header(True, filename(plan, "json")),
        },
    )
