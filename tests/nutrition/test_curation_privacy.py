"""A user's private food stays private in every admin view a curator can reach."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from nutrition.models import Food, Portion, SupplementFacts
from tests.helpers import supplement_facts
from tests.nutrition.test_curation import _form_data

SECRET = "My secret bar"
SECRET_PORTION = "1 secret slab"


@pytest.fixture
def secret(food, patient) -> Food:
    bar = food(
        SECRET,
        source="user",
        source_id="U-1",
        owner=patient,
        review_status="private",
        potassium_mg=100,
        portions=[(SECRET_PORTION, 40)],
    )
    # The owner edits it once, so it has a version to "revert" to.
    bar.potassium_mg = 110
    bar.save()
    supplement_facts(
        bar, "k", 40, salt_form="secret salt", unit="slab", side_effects="none known",
        reference="my label",
    )  # fmt: skip
    return bar


@pytest.fixture
def public(food) -> Food:
    return food("Bananas, raw", potassium_mg=358, portions=[("1 medium", 118)])


def _snapshot() -> tuple:
    return (
        list(Food.objects.order_by("pk").values()),
        list(Portion.objects.order_by("pk").values()),
        list(SupplementFacts.objects.order_by("pk").values()),
        Food.history.count(),
        Portion.history.count(),
        SupplementFacts.history.count(),
    )


def _facts_data(food: Food, **changes) -> dict:
    return {
        "food": food.pk,
        "mineral": "k",
        "use": "supplement",
        "salt_form": "changed salt",
        "unit": "slab",
        "elemental_mg_per_unit": 50,
        "side_effects": "changed",
        "reference": "changed",
        **changes,
    }


def _private_urls(bar: Food) -> list[tuple[str, str, dict]]:
    """(method, url, data) for every admin URL that names the private food or hangs off it."""
    portion = bar.portions.get()
    facts = bar.supplement
    food_version = bar.history.order_by("history_date").first().history_id
    portion_version = Portion.history.filter(id=portion.pk).first().history_id
    facts_version = SupplementFacts.history.filter(id=facts.pk).first().history_id
    food_data = _form_data(bar, name="Renamed by a curator", potassium_mg=999)
    portion_data = {"food": bar.pk, "label": "changed", "grams": 50, "seq": 0}
    content_type = ContentType.objects.get_for_model(Food)

    def admin(name: str, *args) -> str:
        return reverse(f"admin:nutrition_{name}", args=args)

    urls = [
        ("get", f"/admin/nutrition/food/{bar.pk}/", {}),
        ("get", admin("food_change", bar.pk), {}),
        ("post", admin("food_change", bar.pk), food_data),
        ("get", admin("food_history", bar.pk), {}),
        ("get", admin("food_simple_history", bar.pk, food_version), {}),
        ("post", admin("food_simple_history", bar.pk, food_version), food_data),
        ("get", admin("food_delete", bar.pk), {}),
        ("post", admin("food_delete", bar.pk), {"post": "yes"}),
        ("get", f"/admin/r/{content_type.pk}/{bar.pk}/", {}),
        ("get", admin("portion_change", portion.pk), {}),
        ("post", admin("portion_change", portion.pk), portion_data),
        ("get", admin("portion_history", portion.pk), {}),
        ("get", admin("portion_simple_history", portion.pk, portion_version), {}),
        ("post", admin("portion_simple_history", portion.pk, portion_version), portion_data),
        ("get", admin("portion_delete", portion.pk), {}),
        ("post", admin("portion_delete", portion.pk), {"post": "yes"}),
        ("get", admin("supplementfacts_change", facts.pk), {}),
        ("post", admin("supplementfacts_change", facts.pk), _facts_data(bar)),
        ("get", admin("supplementfacts_history", facts.pk), {}),
        ("get", admin("supplementfacts_simple_history", facts.pk, facts_version), {}),
        (
            "post",
            admin("supplementfacts_simple_history", facts.pk, facts_version),
            _facts_data(bar),
        ),
        ("get", admin("supplementfacts_delete", facts.pk), {}),
        ("post", admin("supplementfacts_delete", facts.pk), {"post": "yes"}),
    ]
    # The food list's actions, with only the private food selected.
    for action in ("mark_verified", "release_to_loaders", "merge_selected"):
        data = {"action": action, "_selected_action": [bar.pk], "confirm": "yes", "keep": bar.pk}
        urls.append(("post", admin("food_changelist"), data))
    for action in ("delete_selected",):
        data = {"action": action, "_selected_action": [portion.pk], "post": "yes"}
        urls.append(("post", admin("portion_changelist"), data))
    return urls


def test_every_admin_url_of_a_private_food_answers_404_or_a_redirect_and_changes_nothing(
    curator_client, secret, public
):
    # Set, so that the release action would have something to clear.
    Food.objects.filter(pk=secret.pk).update(curated_at=timezone.now())
    before = _snapshot()
    for method, url, data in _private_urls(secret):
        response = getattr(curator_client, method)(url, data)

        where = f"{method.upper()} {url}"
        # A curator may not delete a food at all: 403 is as private as 404.
        assert response.status_code in (302, 403, 404), where
        assert SECRET not in response.content.decode(), where
        assert SECRET_PORTION not in response.content.decode(), where
        assert _snapshot() == before, where


def test_merging_a_private_food_with_a_public_one_changes_nothing(curator_client, secret, public):
    before = _snapshot()
    for keep in (secret, public):
        curator_client.post(
            reverse("admin:nutrition_food_changelist"),
            {
                "action": "merge_selected",
                "_selected_action": [secret.pk, public.pk],
                "confirm": "yes",
                "keep": keep.pk,
            },
        )

    assert _snapshot() == before


@pytest.mark.parametrize("name", ["portion", "supplementfacts", "food"])
def test_the_admin_lists_and_exports_leave_out_private_foods(curator_client, secret, public, name):
    pages = [
        curator_client.get(reverse(f"admin:nutrition_{name}_changelist")),
        curator_client.get(reverse(f"admin:nutrition_{name}_changelist"), {"q": "secret"}),
    ]
    if name == "food":
        pages.append(curator_client.get(reverse("admin:nutrition_food_export")))
        pages.append(
            curator_client.get(reverse("admin:nutrition_food_export"), {"source__exact": "user"})
        )
        pages.append(
            curator_client.post(
                reverse("admin:nutrition_food_changelist"),
                {"action": "export_selected", "_selected_action": [secret.pk, public.pk]},
            )
        )

    for page in pages:
        assert page.status_code == 200
        assert SECRET not in page.content.decode()
        assert SECRET_PORTION not in page.content.decode()


def test_a_portion_or_supplement_facts_cannot_be_added_to_a_private_food(curator_client, secret):
    Portion.objects.filter(food=secret).delete()
    SupplementFacts.objects.filter(food=secret).delete()
    before = _snapshot()

    responses = [
        curator_client.post(
            reverse("admin:nutrition_portion_add"),
            {"food": secret.pk, "label": "added by a curator", "grams": 10, "seq": 0},
        ),
        curator_client.post(reverse("admin:nutrition_supplementfacts_add"), _facts_data(secret)),
    ]

    for response in responses:
        assert response.status_code == 200  # the form again, with an error
        assert SECRET not in response.content.decode()
    assert _snapshot() == before


def test_the_history_of_a_deleted_private_food_stays_private(curator_client, secret):
    food_id = secret.pk
    version = secret.history.order_by("history_date").first().history_id
    secret.delete()

    for url in (
        reverse("admin:nutrition_food_history", args=[food_id]),
        reverse("admin:nutrition_food_simple_history", args=[food_id, version]),
    ):
        response = curator_client.get(url)
        assert response.status_code == 404
        assert SECRET not in response.content.decode()


def test_a_food_sent_for_review_stays_open_to_curators(curator_client, secret):
    Food.objects.filter(pk=secret.pk).update(review_status="pending")
    portion = secret.portions.get()

    for url in (
        reverse("admin:nutrition_food_change", args=[secret.pk]),
        reverse("admin:nutrition_food_history", args=[secret.pk]),
        reverse("admin:nutrition_portion_change", args=[portion.pk]),
        reverse("admin:nutrition_portion_history", args=[portion.pk]),
        reverse("admin:nutrition_supplementfacts_change", args=[secret.supplement.pk]),
    ):
        assert curator_client.get(url).status_code == 200, url


def test_the_history_of_a_deleted_public_food_can_still_be_read(curator_client, public):
    food_id = public.pk
    public.potassium_mg = 360
    public.save()
    public.delete()

    response = curator_client.get(reverse("admin:nutrition_food_history", args=[food_id]))

    assert response.status_code == 200
    assert "Bananas, raw" in response.content.decode()
