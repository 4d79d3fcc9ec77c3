from __future__ import annotations

import datetime as dt

import pytest

from planner.access import profile_for
from planner.assessment import Owner, assess_day, assess_days
from planner.models import CustomTarget, Profile, ProfileMedicine


@pytest.fixture
def owner_profile(patient):
    profile = profile_for(patient)
    profile.birth_date = dt.date(1960, 5, 1)
    profile.sex = "male"
    profile.kidney_status = "g4"
    profile.save()
    ProfileMedicine.objects.create(profile=profile, code="lisinopril")
    return profile


@pytest.fixture
def week(plan_for, patient, owner_profile, food, item):
    plan = plan_for(patient, days=3)
    monday, tuesday, _empty = plan.days.all()
    potato = food("Potatoes, baked", magnesium_mg=28, potassium_mg=535)
    mystery = food("Mystery stew")  # no values at all
    item(monday, potato, grams=700)
    item(tuesday, potato, grams=100)
    item(tuesday, mystery, grams=200)
    return plan


def test_a_day_reads_each_nutrient_against_the_owners_targets(week, patient):
    monday = week.days.first()
    assessed = assess_day(monday)
    potassium = assessed.reading("potassium_mg")
    assert potassium.value == pytest.approx(3745)
    assert potassium.maximum == 3000  # CKD G4 with a potassium-raising medicine
    assert potassium.status == "over"
    assert "K_ABOVE_LIMIT" in {w.code for w in assessed.warnings}
    assert assessed.reading("calcium_mg").status == "none"  # no target


def test_a_lower_bound_reads_at_least_and_an_empty_day_reads_empty(week, patient):
    owner = Owner.of(patient.id)
    _monday, tuesday, empty = week.days.all()
    assessed = assess_days([tuesday.pk, empty.pk], owner)
    tuesday_mg = assessed[tuesday.pk].reading("magnesium_mg")
    assert (tuesday_mg.value, tuesday_mg.missing, tuesday_mg.status) == (28, 1, "at-least")
    assert assessed[empty.pk].reading("magnesium_mg").status == "empty"


def test_a_custom_target_overrides_the_default(week, patient, owner_profile):
    CustomTarget.objects.create(profile=owner_profile, nutrient="potassium_mg", maximum=4000)
    assessed = assess_day(week.days.first())
    assert assessed.reading("potassium_mg").status == "ok"


def test_many_days_cost_the_same_queries_as_one(
    week, patient, plan_for, item, food, django_assert_num_queries
):
    owner = Owner.of(patient.id)
    ids = [d.pk for d in week.days.all()]
    with django_assert_num_queries(2):  # totals, items
        assess_days(ids[:1], owner)
    with django_assert_num_queries(2):
        assess_days(ids, owner)


def test_the_owner_costs_three_queries_and_writes_no_profile(
    make_user, patient, owner_profile, django_assert_num_queries
):
    with django_assert_num_queries(3):  # profile, custom targets, medicines
        Owner.of(patient.id)
    newcomer = make_user("newcomer")
    with django_assert_num_queries(1):
        owner = Owner.of(newcomer.id)
    assert owner.targets.missing_basics
    assert not Profile.objects.filter(user=newcomer).exists()


def test_one_day_and_many_days_agree(week, patient):
    owner = Owner.of(patient.id)
    for day in week.days.all():
        alone = assess_day(day, owner, suggest=False)
        together = assess_days([day.pk], owner)[day.pk]
        assert alone.readings == together.readings
        assert alone.warnings == together.warnings
