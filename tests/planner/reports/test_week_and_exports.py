from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner.access import profile_for
from planner.models import MealItem, Plan, PlanDay, Profile
from planner.reports import chart, exports, week
from planner.targets import resolve
from tests.helpers import BANANA, SPINACH

URL_NAMES = ("planner:plan_week", "planner:plan_export_csv", "planner:plan_export_json")


def _born_years_ago(years: int) -> dt.date:
    return dt.date.today() - dt.timedelta(days=round(365.2425 * years) + 10)


@pytest.fixture
def adult_woman(patient):
    """The patient as a 40-year-old woman: Mg RDA 320 mg, K AI 2,600 mg, Mg UL 350 mg."""
    profile = profile_for(patient)
    profile.birth_date = _born_years_ago(40)
    profile.sex = Profile.Sex.FEMALE
    profile.save()
    return profile


@pytest.fixture
def foods(food, food_group):
    supplements = food_group("SUPP", "Supplements")
    return {
        "spinach": food(
            "Spinach, raw",
            **SPINACH,
            portions=[("1 cup", 30)],
        ),
        "banana": food(
            "Banana, raw",
            **BANANA,
        ),
        # Known magnesium, unknown potassium and everything else.
        "mystery": food("Mystery stew", magnesium_mg=50),
        # 1 g tablet with 241 mg elemental magnesium.
        "tablet": food(
            "Magnesium oxide 400 mg tablet",
            group=supplements,
            kind="supplement",
            magnesium_mg=24100,
            potassium_mg=0,
            energy_kcal=0,
            portions=[("1 tablet", 1)],
        ),
    }


@pytest.fixture
def plan(patient, foods):
    """Monday: 100 g banana + 2 cups (60 g) + 140 g spinach. Tuesday: mystery stew,
    banana and a magnesium tablet. Wednesday: nothing yet."""
    plan = Plan.objects.create(owner=patient, author=patient, name="My first week")
    monday = PlanDay.objects.create(plan=plan, position=0, name="Monday")
    tuesday = PlanDay.objects.create(plan=plan, position=1, name="Tuesday")
    PlanDay.objects.create(plan=plan, position=2, name="Wednesday")
    cup = foods["spinach"].portions.get()
    MealItem.objects.create(day=monday, meal="breakfast", food=foods["banana"], grams=100)
    MealItem.objects.create(
        day=monday, meal="lunch", food=foods["spinach"], grams=60, portion=cup, quantity=2
    )
    MealItem.objects.create(day=monday, meal="dinner", food=foods["spinach"], grams=140)
    MealItem.objects.create(day=tuesday, meal="lunch", food=foods["mystery"], grams=100)
    MealItem.objects.create(day=tuesday, meal="dinner", food=foods["banana"], grams=200)
    MealItem.objects.create(day=tuesday, meal="snack", food=foods["tablet"], grams=1)
    return plan


def _csv(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", URL_NAMES)
def test_the_owner_can_open_the_week_view_and_both_exports(client, patient, plan, name):
    client.force_login(patient)
    response = client.get(reverse(name, args=[plan.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("name", URL_NAMES)
def test_a_stranger_gets_404(client, stranger, plan, name):
    client.force_login(stranger)
    assert client.get(reverse(name, args=[plan.pk])).status_code == 404


@pytest.mark.parametrize("name", URL_NAMES)
def test_an_anonymous_visitor_is_sent_to_log_in(client, plan, name):
    url = reverse(name, args=[plan.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "next=" in response.url


@pytest.mark.parametrize("name", URL_NAMES)
def test_a_plan_that_does_not_exist_is_404_even_with_a_huge_id(client, patient, name):
    client.force_login(patient)
    assert client.get(reverse(name, args=[123456])).status_code == 404
    assert client.get(reverse(name, args=[2**70])).status_code == 404


@pytest.mark.parametrize("name", URL_NAMES)
def test_the_pages_are_read_only(client, patient, plan, name):
    client.force_login(patient)
    assert client.post(reverse(name, args=[plan.pk])).status_code == 405


# --- the week data -----------------------------------------------------------------------------


def test_the_frame_holds_day_totals_with_nan_for_unknown(plan, adult_woman):
    the_week = week.build(plan, resolve(adult_woman))
    monday, tuesday, wednesday = (day.pk for day in the_week.days)
    values = the_week.values

    assert list(values.index) == [monday, tuesday, wednesday]
    assert values.loc[monday, "magnesium_mg"] == pytest.approx(27 + 79 * 2)
    assert values.loc[monday, "potassium_mg"] == pytest.approx(358 + 558 * 2)
    assert values.loc[tuesday, "magnesium_mg"] == pytest.approx(50 + 54 + 241)
    assert values.loc[tuesday, "food_magnesium_mg"] == pytest.approx(104)
    assert values.loc[tuesday, "supplement_magnesium_mg"] == pytest.approx(241)
    # The stew's potassium is unknown: Tuesday's potassium is a lower bound.
    assert values.loc[tuesday, "potassium_mg"] == pytest.approx(716)
    assert the_week.missing.loc[tuesday, "potassium_mg"] == 1
    # Wednesday has no items: nothing is known, nothing is 0.
    assert values.loc[wednesday].isna().all()
    assert list(the_week.items) == [3, 3, 0]


def test_averages_are_over_planned_days_and_say_when_they_are_a_lower_bound(plan, adult_woman):
    averages = week.build(plan, resolve(adult_woman)).averages

    assert averages["magnesium_mg"].value == pytest.approx((185 + 345) / 2)
    assert averages["magnesium_mg"].days_counted == 2
    assert not averages["magnesium_mg"].lower_bound
    assert averages["food_magnesium_mg"].value == pytest.approx((185 + 104) / 2)
    assert averages["supplement_magnesium_mg"].value == pytest.approx(241 / 2)
    assert averages["potassium_mg"].value == pytest.approx((1474 + 716) / 2)
    assert averages["potassium_mg"].lower_bound
    # Energy: Monday 135 kcal; Tuesday 178 kcal from the banana, the stew unknown.
    assert averages["energy_kcal"].value == pytest.approx((135 + 178) / 2)
    assert averages["energy_kcal"].lower_bound


def test_a_nutrient_no_item_knows_is_unknown_not_zero_in_the_average(patient, foods, adult_woman):
    plan = Plan.objects.create(owner=patient, name="Stew only")
    day = PlanDay.objects.create(plan=plan, name="Monday")
    MealItem.objects.create(day=day, meal="lunch", food=foods["mystery"], grams=300)

    the_week = week.build(plan, resolve(adult_woman))

    assert the_week.averages["potassium_mg"].value is None
    assert the_week.averages["potassium_mg"].days_unknown == 1
    cell = the_week.row("potassium_mg").cells[0]
    assert cell.unknown and cell.value is None


def test_days_under_target_are_counted_and_lower_bounds_read_unknown_at_least(plan, adult_woman):
    the_week = week.build(plan, resolve(adult_woman))

    magnesium = the_week.row("magnesium_mg")
    assert magnesium.minimum == 320
    assert magnesium.counts == week.Counts(over=0, under=1, at_least=0)
    potassium = the_week.row("potassium_mg")
    assert potassium.minimum == 2600
    # Monday 1,474 mg is surely under; Tuesday ≥ 716 mg may still reach it.
    assert potassium.counts == week.Counts(over=0, under=1, at_least=1)
    assert [c.status for c in potassium.cells] == ["under", "at-least", "empty"]
    assert potassium.cells[1].words == "unknown — at least 716 mg"
    assert the_week.supplement_ul == 350
    assert the_week.days_over_supplement_ul == 0


def test_days_over_a_renal_limit_are_counted_even_from_a_lower_bound(patient, foods, adult_woman):
    adult_woman.kidney_status = "hd"
    adult_woman.save()
    plan = Plan.objects.create(owner=patient, name="Too much K")
    day = PlanDay.objects.create(plan=plan, name="Monday")
    MealItem.objects.create(day=day, meal="lunch", food=foods["spinach"], grams=600)
    MealItem.objects.create(day=day, meal="lunch", food=foods["mystery"], grams=100)
    for _ in range(2):
        MealItem.objects.create(day=day, meal="snack", food=foods["tablet"], grams=1)

    the_week = week.build(plan, resolve(adult_woman))

    potassium = the_week.row("potassium_mg")
    assert potassium.maximum == 3000
    assert potassium.cells[0].value == pytest.approx(3348)
    assert potassium.cells[0].lower_bound
    assert potassium.counts.over == 1
    assert the_week.days_over_supplement_ul == 1  # 482 mg from tablets > 350 mg


def test_values_and_targets_follow_the_display_unit(plan, adult_woman):
    the_week = week.build(plan, resolve(adult_woman), unit="mmol")

    magnesium = the_week.row("magnesium_mg")
    assert magnesium.unit == "mmol"
    assert magnesium.cells[0].value == pytest.approx(185 / 24.3)
    assert magnesium.minimum == pytest.approx(320 / 24.3)
    assert the_week.row("potassium_mg").average_display == pytest.approx(1095 / 39.1)
    # Energy and phosphorus have no mmol form here.
    assert the_week.row("energy_kcal").unit == "kcal"
    assert the_week.row("phosphorus_mg").unit == "mg"
    # The frame itself stays in mg.
    assert the_week.values["magnesium_mg"].iloc[0] == pytest.approx(185)


# --- the week page ----------------------------------------------------------------------------


def test_the_week_page_shows_totals_averages_targets_and_links(client, patient, plan, adult_woman):
    client.force_login(patient)
    response = client.get(reverse("planner:plan_week", args=[plan.pk]))
    html = response.content.decode()

    for day in plan.days.all():
        assert f'href="{day.get_absolute_url()}"' in html
    assert reverse("planner:plan_export_csv", args=[plan.pk]) in html
    assert reverse("planner:plan_export_json", args=[plan.pk]) in html
    assert "≥ 716" in html  # Tuesday's potassium is a lower bound
    assert "1 item lack data" in html
    assert "1,095" in html  # average potassium
    assert "265" in html  # average magnesium
    assert "IOM 1997" in html  # the magnesium RDA's source
    assert "NASEM 2019" in html  # the potassium AI's source
    assert "under target" in html


def test_the_week_page_shows_mmol_to_a_viewer_who_counts_in_mmol(
    client, patient, plan, adult_woman
):
    adult_woman.display_unit = "mmol"
    adult_woman.save()
    client.force_login(patient)
    html = client.get(reverse("planner:plan_week", args=[plan.pk])).content.decode()
    assert "mmol per day" in html  # the chart's axis
    assert "13.2" in html  # the Mg RDA, 320 mg / 24.3


def test_the_week_page_works_without_a_profile_birth_date_or_items(client, patient):
    plan = Plan.objects.create(owner=patient, name="Empty")
    PlanDay.objects.create(plan=plan, name="Monday")
    client.force_login(patient)
    response = client.get(reverse("planner:plan_week", args=[plan.pk]))
    assert response.status_code == 200
    assert "Add a birth date and sex" in response.content.decode()


def test_the_week_page_works_for_a_plan_without_days(client, patient):
    plan = Plan.objects.create(owner=patient, name="No days")
    client.force_login(patient)
    for name in URL_NAMES:
        assert client.get(reverse(name, args=[plan.pk])).status_code == 200


def test_the_chart_is_accessible_svg_without_inline_style_or_script(plan, adult_woman):
    charts = chart.charts(week.build(plan, resolve(adult_woman)))

    assert [c.title for c in charts] == ["Magnesium per day", "Potassium per day"]
    for c in charts:
        svg = str(c.svg)
        assert svg.startswith("<svg")
        assert 'role="img"' in svg
        labelled_by = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        for element_id in labelled_by:
            assert f'id="{element_id}"' in svg
        assert "<title " in svg and "<desc " in svg
        assert "style=" not in svg and "<script" not in svg and "<style" not in svg


def test_the_chart_draws_target_and_limit_lines_and_hatches_supplements(
    patient, foods, adult_woman
):
    adult_woman.kidney_status = "hd"
    adult_woman.save()
    plan = Plan.objects.create(owner=patient, name="Lines")
    day = PlanDay.objects.create(plan=plan, name="Monday")
    MealItem.objects.create(day=day, meal="lunch", food=foods["spinach"], grams=100)
    MealItem.objects.create(day=day, meal="snack", food=foods["tablet"], grams=1)

    mg_chart, k_chart = chart.charts(week.build(plan, resolve(adult_woman)))

    mg_svg, k_svg = str(mg_chart.svg), str(k_chart.svg)
    assert 'fill="url(#chart-mg-hatch)"' in mg_svg  # the supplement part of the bar
    assert "stroke-dasharray" in mg_svg  # the RDA as a dashed line
    assert "target 320" in mg_svg
    assert "limit 3,000" in k_svg  # the dialysis potassium limit as a solid line
    assert "0 days over the limit" in k_svg
    assert [name for name, _ in k_chart.table] == ["Monday"]


def test_chart_labels_are_escaped(patient, foods, adult_woman):
    plan = Plan.objects.create(owner=patient, name="Escaping")
    PlanDay.objects.create(plan=plan, name="<script>alert(1)</script>")
    svg = str(chart.charts(week.build(plan, resolve(adult_woman)))[0].svg)
    assert "<script>" not in svg


def test_the_week_page_has_no_inline_style_or_script_for_the_csp(client, patient, plan):
    client.force_login(patient)
    html = client.get(reverse("planner:plan_week", args=[plan.pk])).content.decode()
    main = html[html.index('<main id="main"') : html.index("</main>")]
    assert " style=" not in main and "<script" not in main and "<style" not in main


def test_day_names_sit_straight_slant_or_become_numbers_as_days_multiply():
    assert not chart.day_axis(["Mon", "Tue"], slot=140).rotated
    slanted = chart.day_axis(["Wednesday", "A very long day name"], slot=40)
    assert slanted.rotated and slanted.labels == ["Wednesday", "A very long…"]
    numbered = chart.day_axis([f"Day {i}" for i in range(40)], slot=7)
    assert numbered.labels[:5] == ["1", "", "", "", "5"]


def test_a_day_whose_items_all_lack_a_value_gets_a_question_mark(patient, foods, adult_woman):
    plan = Plan.objects.create(owner=patient, name="Unknown K")
    day = PlanDay.objects.create(plan=plan, name="Monday")
    MealItem.objects.create(day=day, meal="lunch", food=foods["mystery"], grams=100)
    k_chart = chart.charts(week.build(plan, resolve(adult_woman)))[1]
    assert "Monday: unknown (no item has a value)" in str(k_chart.svg)
    assert ">?</text>" in str(k_chart.svg)


def test_nice_scale_gives_round_steps():
    assert chart.nice_scale(3348) == (4000, 1000)
    assert chart.nice_scale(345) == (400, 100)
    assert chart.nice_scale(0) == (1, 0.2)


# --- exports -------------------------------------------------------------------------------


def test_the_csv_has_one_row_per_item_then_a_total_per_day(client, patient, plan, foods):
    client.force_login(patient)
    response = client.get(reverse("planner:plan_export_csv", args=[plan.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="mgk-plan-{plan.pk}-my-first-week.csv"'
    )
    rows = _csv(response)
    assert [(r["row_type"], r["day"], r["meal"]) for r in rows] == [
        ("item", "Monday", "breakfast"),
        ("item", "Monday", "lunch"),
        ("item", "Monday", "dinner"),
        ("day_total", "Monday", ""),
        ("item", "Tuesday", "lunch"),
        ("item", "Tuesday", "dinner"),
        ("item", "Tuesday", "snack"),
        ("day_total", "Tuesday", ""),
        ("day_total", "Wednesday", ""),
    ]
    spinach_cups = rows[1]
    assert spinach_cups["food"] == "Spinach, raw"
    assert spinach_cups["food_id"] == str(foods["spinach"].pk)
    assert spinach_cups["source"] == "usda-sr24"
    assert spinach_cups["amount"] == "2 × 1 cup"
    assert float(spinach_cups["grams"]) == 60
    assert float(spinach_cups["magnesium_mg"]) == pytest.approx(47.4)
    assert float(spinach_cups["potassium_mg"]) == pytest.approx(334.8)
    assert float(spinach_cups["protein_g"]) == pytest.approx(1.716)
    assert spinach_cups["items"] == ""  # a total-only column

    monday = rows[3]
    assert float(monday["magnesium_mg"]) == pytest.approx(185)
    assert float(monday["potassium_mg"]) == pytest.approx(1474)
    assert float(monday["energy_kcal"]) == pytest.approx(135)
    assert monday["items"] == "3"
    assert monday["potassium_mg_missing"] == "0"
    assert float(monday["supplement_magnesium_mg"]) == 0


def test_an_item_lacking_potassium_is_empty_in_the_csv_and_counted(client, patient, plan):
    client.force_login(patient)
    rows = _csv(client.get(reverse("planner:plan_export_csv", args=[plan.pk])))

    stew = next(r for r in rows if r["food"] == "Mystery stew")
    assert stew["potassium_mg"] == ""
    assert stew["magnesium_mg"] == "50.0"
    tuesday = next(r for r in rows if r["row_type"] == "day_total" and r["day"] == "Tuesday")
    assert float(tuesday["potassium_mg"]) == pytest.approx(716)
    assert tuesday["potassium_mg_missing"] == "1"
    assert tuesday["energy_kcal_missing"] == "1"
    assert float(tuesday["supplement_magnesium_mg"]) == pytest.approx(241)
    wednesday = rows[-1]
    assert wednesday["items"] == "0"
    assert wednesday["magnesium_mg"] == "" and wednesday["potassium_mg"] == ""


def test_the_csv_defuses_spreadsheet_formulas_in_names(client, patient, food):
    plan = Plan.objects.create(owner=patient, name="=HYPERLINK()")
    day = PlanDay.objects.create(plan=plan, name="+Monday")
    MealItem.objects.create(day=day, meal="lunch", food=food("=1+1", source="user"), grams=10)
    client.force_login(patient)
    response = client.get(reverse("planner:plan_export_csv", args=[plan.pk]))
    rows = _csv(response)
    assert rows[0]["food"] == "'=1+1"
    assert rows[0]["day"] == "'+Monday"
    assert f"mgk-plan-{plan.pk}-hyperlink.csv" in response["Content-Disposition"]


def test_the_json_export_follows_its_documented_structure(client, patient, plan, foods):
    client.force_login(patient)
    response = client.get(reverse("planner:plan_export_json", args=[plan.pk]))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert f'filename="mgk-plan-{plan.pk}-my-first-week.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["format"] == exports.FORMAT
    assert data["plan"]["name"] == "My first week"
    assert data["units"]["magnesium_mg"] == "mg" and data["units"]["energy_kcal"] == "kcal"
    assert [d["name"] for d in data["days"]] == ["Monday", "Tuesday", "Wednesday"]

    monday, tuesday, wednesday = data["days"]
    cups = monday["items"][1]
    assert cups["meal"] == "lunch"
    assert cups["food"] == {
        "id": foods["spinach"].pk,
        "name": "Spinach, raw",
        "source": "usda-sr24",
        "source_id": foods["spinach"].source_id,
        "kind": "food",
    }
    assert cups["amount"] == "2 × 1 cup"
    assert cups["portion"]["label"] == "1 cup" and cups["quantity"] == 2
    assert cups["nutrients"]["magnesium_mg"] == pytest.approx(47.4)
    assert monday["totals"]["nutrients"]["magnesium_mg"] == pytest.approx(185)
    assert monday["totals"]["items"] == 3

    stew = tuesday["items"][0]
    assert stew["food"]["name"] == "Mystery stew"
    assert stew["nutrients"]["potassium_mg"] is None
    assert tuesday["totals"]["missing"]["potassium_mg"] == 1
    assert tuesday["totals"]["nutrients"]["potassium_mg"] == pytest.approx(716)
    assert tuesday["totals"]["supplement_magnesium_mg"] == pytest.approx(241)
    assert tuesday["totals"]["food_magnesium_mg"] == pytest.approx(104)
    assert wednesday["items"] == []
    assert wednesday["totals"]["nutrients"]["magnesium_mg"] is None


# --- query counts ------------------------------------------------------------------------------


def _plan_with_items(owner, foods, count: int) -> Plan:
    plan = Plan.objects.create(owner=owner, name=f"{count} items")
    days = [PlanDay.objects.create(plan=plan, position=i, name=f"Day {i + 1}") for i in range(7)]
    pool = list(foods.values())
    cup = foods["spinach"].portions.get()
    MealItem.objects.bulk_create(
        MealItem(
            day=days[i % 7],
            meal=("breakfast", "lunch", "dinner", "snack")[i % 4],
            food=pool[i % len(pool)],
            grams=50 + i,
            portion=cup if pool[i % len(pool)] == foods["spinach"] else None,
            quantity=1 if pool[i % len(pool)] == foods["spinach"] else None,
        )
        for i in range(count)
    )
    return plan


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# Session, user (with roles), plan, profile, days, totals, custom targets, medicines,
# the items for the warnings, and the unread-comments count of the menu.
WEEK_QUERIES = 10
# Session, user, plan, days, items with food and portion, totals, and the owner's
# profile, custom targets and medicines for the warnings.
EXPORT_QUERIES = 9


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("planner:plan_week", WEEK_QUERIES),
        ("planner:plan_export_csv", EXPORT_QUERIES),
        ("planner:plan_export_json", EXPORT_QUERIES),
    ],
)
def test_query_counts_do_not_grow_with_the_number_of_items(
    client, patient, foods, adult_woman, name, expected
):
    client.force_login(patient)
    counts = {
        size: _queries(client, reverse(name, args=[_plan_with_items(patient, foods, size).pk]))
        for size in (5, 40, 160)
    }
    assert counts == {5: expected, 40: expected, 160: expected}


def test_warnings_reach_the_week_view_and_both_exports(client, patient, food, plan_for, item):
    from planner.access import profile_for

    profile = profile_for(patient)
    profile.kidney_status = "g4"
    profile.save()
    plan = plan_for(patient, days=2)
    saturday = plan.days.last()
    item(saturday, food("Potatoes, baked", potassium_mg=535), grams=600)  # 3,210 mg
    client.force_login(patient)

    week_page = client.get(reverse("planner:plan_week", args=[plan.pk])).content.decode()
    assert 'data-code="K_ABOVE_LIMIT"' in week_page

    csv_text = client.get(reverse("planner:plan_export_csv", args=[plan.pk])).content.decode()
    totals = [line for line in csv_text.splitlines() if line.startswith("day_total")]
    assert "K_ABOVE_LIMIT (danger)" in totals[1]
    assert "K_ABOVE_LIMIT" not in totals[0]

    data = client.get(reverse("planner:plan_export_json", args=[plan.pk])).json()
    codes = [w["code"] for w in data["days"][1]["warnings"]]
    assert "K_ABOVE_LIMIT" in codes and "K_HIGH_ITEM" in codes
    assert data["days"][0]["warnings"] == []
