"""Plain helpers the tests share; the fixtures live in tests/conftest.py."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone


def linked(dietitian, client, **fields):
    """An active care link: from now on the dietitian looks after the client."""
    from planner.care import logic as care
    from planner.models import CareLink

    fields = {
        "token": care.new_token(),
        "status": CareLink.Status.ACTIVE,
        "responded_at": timezone.now(),
        **fields,
    }
    return CareLink.objects.create(dietitian=dietitian, client=client, **fields)


def filled_profile(user, *medicines: str, **fields):
    """Anna's profile, CKD G4 with lab values and medicines (the private details that must
    never reach a share page); `fields` change any of them."""
    from planner.access import profile_for
    from planner.models import ProfileMedicine

    profile = profile_for(user)
    values = {
        "birth_date": dt.date(1961, 3, 14),
        "sex": "female",
        "kidney_status": "g4",
        "egfr": 23.5,
        "serum_k": 5.7,
        "serum_mg": 0.61,
        "labs_date": dt.date(2026, 1, 5),
        **fields,
    }
    for name, value in values.items():
        setattr(profile, name, value)
    profile.save()
    for code in medicines:
        ProfileMedicine.objects.create(profile=profile, code=code)
    return profile


def potato_and_rice_plan(plan_for, food, item, owner, name: str, notes: str, potato_grams: float):
    """Two days: potato for dinner and rice for lunch on Monday, rice for lunch on Tuesday."""
    plan = plan_for(owner, name=name, days=2)
    plan.notes = notes
    plan.save()
    monday, tuesday = plan.days.all()
    potato = food("Potatoes, baked", magnesium_mg=28, potassium_mg=535, sodium_mg=10)
    rice = food("Rice, white, cooked", magnesium_mg=12, potassium_mg=35, sodium_mg=1)
    item(monday, potato, grams=potato_grams, meal="dinner")
    item(monday, rice, grams=150, meal="lunch")
    item(tuesday, rice, grams=200, meal="lunch")
    return plan


def make_link(plan, user, *, days: int = 14, **extra):
    """A share link for the plan, made by `user`, expiring in `days` days."""
    from planner.models import ShareLink
    from planner.sharing.views import new_token

    return ShareLink.objects.create(
        plan=plan,
        token=new_token(),
        created_by=user,
        expires_at=timezone.now() + dt.timedelta(days=days),
        **extra,
    )


def supplement_facts(food, mineral: str, elemental_mg_per_unit: float, **fields):
    """The SupplementFacts that make `food` a supplement: `mineral` is "mg" or "k"."""
    from nutrition.models import SupplementFacts

    fields = {
        "salt_form": "test salt",
        "unit": "tablet",
        "side_effects": "test",
        "reference": "test",
        **fields,
    }
    return SupplementFacts.objects.create(
        food=food, mineral=mineral, elemental_mg_per_unit=elemental_mg_per_unit, **fields
    )


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


# Per 100 g, as USDA SR24 gives them: the foods several test files build with food(...).
SPINACH = dict(energy_kcal=23, protein_g=2.86, magnesium_mg=79, potassium_mg=558, sodium_mg=79, phosphorus_mg=49, calcium_mg=99)  # fmt: skip  # noqa: E501
BANANA = dict(energy_kcal=89, protein_g=1.09, magnesium_mg=27, potassium_mg=358, sodium_mg=1, phosphorus_mg=22, calcium_mg=5)  # fmt: skip  # noqa: E501
POTATO = dict(energy_kcal=93, protein_g=2.5, magnesium_mg=28, potassium_mg=535, sodium_mg=10, phosphorus_mg=70, calcium_mg=15)  # fmt: skip  # noqa: E501
