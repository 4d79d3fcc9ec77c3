from __future__ import annotations

from django.urls import reverse


def test_api_search_returns_values_per_100g_with_null_for_unknown(client, food):
    food(
        "Bananas, raw",
        magnesium_mg=27,
        potassium_mg=358,
        sodium_mg=None,
        portions=[("1 medium", 118)],
    )
    response = client.get(reverse("nutrition:api_food_list"), {"q": "banana"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    banana = data["results"][0]
    assert banana["per_100g"]["potassium_mg"] == 358
    assert banana["per_100g"]["sodium_mg"] is None
    assert banana["portions"] == [
        {"id": banana["portions"][0]["id"], "label": "1 medium", "grams": 118}
    ]
    assert banana["group"]["code"] == "11"
    assert banana["source"] == "usda-sr24"


def test_api_detail_and_404(client, food):
    item = food("Kale, raw", magnesium_mg=47)
    response = client.get(reverse("nutrition:api_food_item", args=[item.id]))
    assert response.json()["name"] == "Kale, raw"
    missing = client.get(reverse("nutrition:api_food_item", args=[item.id + 1000]))
    assert missing.status_code == 404
    assert missing.json()["error"]


def test_api_rejects_bad_parameters_with_400(client, db):
    url = reverse("nutrition:api_food_list")
    for params in (
        {"limit": "abc"},
        {"limit": "0"},
        {"limit": "5000"},
        {"kind": "rock"},
        {"group": "zz"},
    ):
        response = client.get(url, params)
        assert response.status_code == 400, params
        assert "error" in response.json()


def test_api_filters_by_kind(client, food):
    food("Magnesium citrate capsule", kind="supplement")
    food("Magnesium-rich bread")
    response = client.get(
        reverse("nutrition:api_food_list"), {"q": "magnesium", "kind": "supplement"}
    )
    assert [f["name"] for f in response.json()["results"]] == ["Magnesium citrate capsule"]


def test_api_is_read_only(client, db):
    assert client.post(reverse("nutrition:api_food_list")).status_code == 405
