"""Property-based tests of the JSON API: any query string gets JSON, never a 500.

GET /api/foods/?… answers 200 with a consistent list or 400 with an error
object; GET /api/foods/<id>/ answers 200 or a JSON 404 for any id. Neither
writes anything, nor ever shows a user's private food.
"""

from __future__ import annotations

import json
import math
from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from nutrition.models import NUTRIENT_FIELDS, Food
from tests.test_robustness_common import (
    ROBUST,
    assert_no_server_error,
    choice,
    form,
    number,
    snapshot,
    texts,
)

pytestmark = pytest.mark.property

SECRET = "Grandma secret stew"

raw_query_strings = st.one_of(
    st.text(max_size=200),
    st.text(alphabet="q=&%;+#?groupkindlimit0123456789-.eE", max_size=80),
    st.lists(
        st.tuples(
            st.sampled_from(["q", "group", "kind", "limit", "page", "", "q[]", "%00"]),
            texts,
        ),
        max_size=6,
    ).map(lambda pairs: "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs)),
    st.just("q=" + "a" * 10_000),
)
API_PARAMS = {
    "q": st.one_of(st.sampled_from(["banana", "stew", "secret", ""]), texts),
    "group": choice(["", "11", "09"]),
    "kind": choice(["", "food", "supplement"]),
    "limit": number(1, 100),
}


@pytest.fixture
def foods(food, make_user):
    owner = make_user("owner")
    food("Bananas, raw", potassium_mg=358, magnesium_mg=27, portions=[("1 medium", 118)])
    food("Beef stew", potassium_mg=250, sodium_mg=None)
    Food.objects.create(
        name=SECRET, source=Food.Source.USER, source_id="u-1", owner=owner, potassium_mg=300
    )


def _check_list(response) -> None:
    assert_no_server_error(response)
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    if response.status_code == 400:
        event("400")
        assert data["error"]
        return
    event("200")
    assert response.status_code == 200
    assert data["count"] == len(data["results"]) <= 100
    for food in data["results"]:
        assert food["source"] != Food.Source.USER and food["name"] != SECRET
        for name in NUTRIENT_FIELDS:
            value = food["per_100g"][name]
            assert value is None or math.isfinite(value)


@ROBUST
@given(query=raw_query_strings)
def test_the_food_list_answers_any_query_string_with_json(client, foods, query):
    before = snapshot()
    _check_list(client.get(reverse("nutrition:api_food_list") + "?" + query))
    assert snapshot() == before


@ROBUST
@given(params=form(API_PARAMS))
def test_the_food_list_answers_any_parameters_with_json(client, foods, params):
    _check_list(client.get(reverse("nutrition:api_food_list"), params))


@ROBUST
@given(pk=st.one_of(st.integers(min_value=0, max_value=10**30), st.sampled_from(["@food"])))
def test_a_food_by_any_id_is_json(client, foods, pk):
    if pk == "@food":
        pk = Food.objects.exclude(source=Food.Source.USER).first().pk
    response = client.get(reverse("nutrition:api_food_item", args=[pk]))
    assert_no_server_error(response)
    assert response.status_code in (200, 404)
    data = json.loads(response.content)
    assert ("error" in data) == (response.status_code == 404)


@pytest.mark.parametrize("suffix", ["-1/", "abc/", "1.5/", "%00/", "1/extra/", "1e3/"])
def test_ids_that_are_not_whole_numbers_do_not_reach_the_api(client, foods, suffix):
    response = client.get("/api/foods/" + suffix)
    assert response.status_code == 404


def test_the_private_food_is_not_found_by_id(client, foods):
    secret = Food.objects.get(name=SECRET)
    response = client.get(reverse("nutrition:api_food_item", args=[secret.pk]))
    assert response.status_code == 404
    assert SECRET not in response.content.decode()
