"""Who may do what with a plan, as one matrix.

Roles: the owner, the owner's dietitian, another dietitian, another client,
an anonymous visitor, and anonymous holders of a share token (valid,
expired, withdrawn). Actions: view, edit, delete and comment on a plan, a
day and an item; targets; comments; share links; exports, the JSON export,
the PDF and the htmx partials.

The rules: the owner and their dietitian may do everything here; any other
signed-in user gets 404 (a plan's existence is not revealed) and changes
nothing; anonymous visitors, token holders included, are sent to log in.
A token opens only the read-only share page, and only while it is valid.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.roles import DIETITIANS_GROUP
from planner.models import (
    CareLink,
    Comment,
    CustomTarget,
    HistoryEvent,
    MealItem,
    Plan,
    PlanDay,
    ShareLink,
)
from tests.conftest import PASSWORD

SECRET_PLAN = "Secret kidney plan"
SECRET_FOOD = "Secret soup"


@dataclass
class World:
    owner: object
    dietitian: object
    other_dietitian: object
    other_client: object
    plan: Plan
    day: PlanDay
    item: MealItem
    comment: Comment
    share: ShareLink
    expired_share: ShareLink
    revoked_share: ShareLink


@pytest.fixture
def world(make_user, plan_for, food, item) -> World:
    owner = make_user("owner")
    dietitian = make_user("diet")
    other_dietitian = make_user("otherdiet")
    other_client = make_user("otherclient")
    group, _ = Group.objects.get_or_create(name=DIETITIANS_GROUP)
    dietitian.groups.add(group)
    other_dietitian.groups.add(group)
    for diet, client in ((dietitian, owner), (other_dietitian, other_client)):
        CareLink.objects.create(
            dietitian=diet, client=client, status="active", token=secrets.token_urlsafe(16)
        )
    plan = plan_for(owner, name=SECRET_PLAN, days=2)
    day = plan.days.first()
    meal_item = item(
        day, food(SECRET_FOOD, potassium_mg=400, energy_kcal=50, portions=[("1 cup", 240)]), 240
    )
    food("Thin broth", potassium_mg=20, energy_kcal=45)  # a lower-potassium swap
    comment = Comment.objects.create(plan=plan, day=day, author=owner, body="Is this ok?")
    now = timezone.now()

    def share(**extra):
        return ShareLink.objects.create(
            plan=plan,
            token=secrets.token_urlsafe(32),
            created_by=owner,
            expires_at=extra.pop("expires_at", now + dt.timedelta(days=14)),
            **extra,
        )

    return World(
        owner,
        dietitian,
        other_dietitian,
        other_client,
        plan,
        day,
        meal_item,
        comment,
        share(),
        share(expires_at=now - dt.timedelta(minutes=1)),
        share(revoked_at=now, revoked_by=owner),
    )


@dataclass(frozen=True)
class Action:
    name: str
    method: str
    target: str  # "plan", "day", "item", "share", "client"
    data: tuple = ()

    def url(self, w: World) -> str:
        obj = {
            "plan": w.plan.pk,
            "day": w.day.pk,
            "item": w.item.pk,
            "share": w.share.pk,
            "client": w.owner.pk,
        }[self.target]
        return reverse(f"planner:{self.name}", args=[obj])

    def payload(self, w: World) -> dict:
        values = {"FOOD": w.item.food_id, "DAY": w.day.pk}
        data = {}
        for key, value in self.data:
            data[key] = values.get(value, value) if isinstance(value, str) else value
        if self.name == "item_swap":
            from nutrition.models import Food

            data["food"] = Food.objects.get(name="Thin broth").pk
        return data


# Plan, day and item: view, edit, delete, comment; exports, PDF and htmx partials.
PLAN_ACTIONS = [
    Action("plan_detail", "get", "plan"),
    Action("plan_week", "get", "plan"),
    Action("plan_export_csv", "get", "plan"),
    Action("plan_export_json", "get", "plan"),
    Action("plan_print", "get", "plan"),
    Action("plan_pdf", "get", "plan"),
    Action("plan_comments", "get", "plan"),
    Action("share_list", "get", "plan"),
    Action("plan_rename", "post", "plan", (("name", "Renamed"),)),
    Action("plan_duplicate", "post", "plan"),
    Action("day_add", "post", "plan"),
    Action("plan_comment_add", "post", "plan", (("body", "A note"),)),
    Action("share_create", "post", "plan", (("days", "14"),)),
    Action("plan_delete", "post", "plan"),
    Action("day_editor", "get", "day"),
    Action("day_food_search", "get", "day"),
    Action("day_comments", "get", "day"),
    Action("item_add", "post", "day", (("food", "FOOD"), ("meal", "lunch"))),
    Action("day_copy", "post", "day"),
    Action("day_rename", "post", "day", (("name", "Funday"),)),
    Action("day_move", "post", "day", (("direction", "down"),)),
    Action(
        "meal_copy",
        "post",
        "day",
        (("source_meal", "lunch"), ("target_day", "DAY"), ("target_meal", "dinner")),
    ),
    Action("day_comment_add", "post", "day", (("body", "A note"),)),
    Action("day_delete", "post", "day"),
    Action("item_swaps", "get", "item"),
    Action("item_comment_form", "get", "item"),
    Action("item_update", "post", "item", (("grams", "100"), ("portion", ""), ("meal", "lunch"))),
    Action("item_swap", "post", "item"),
    Action("item_comment_add", "post", "item", (("body", "A note"),)),
    Action("item_delete", "post", "item"),
    Action("share_revoke", "post", "share"),
]
# The client's targets, set by their dietitian.
TARGET_ACTIONS = [
    Action("client_detail", "get", "client"),
    Action(
        "client_target_set",
        "post",
        "client",
        (("nutrient", "potassium_mg"), ("maximum", "2500"), ("reason", "Serum K 5.4")),
    ),
]

SIGNED_IN_STRANGERS = ["other_dietitian", "other_client"]
ANONYMOUS = ["anonymous", "token_valid", "token_expired", "token_revoked"]


def _client_as(client, world: World, role: str):
    if role in ("owner", "dietitian", "other_dietitian", "other_client"):
        assert client.login(username=getattr(world, role).username, password=PASSWORD)
    elif role.startswith("token_"):
        # A token holder is an anonymous visitor who has opened a share link.
        share = {
            "token_valid": world.share,
            "token_expired": world.expired_share,
            "token_revoked": world.revoked_share,
        }[role]
        client.get(reverse("planner:share_page", args=[share.token]))
    return client


def _snapshot(world: World) -> tuple:
    return (
        list(Plan.objects.order_by("pk").values_list("pk", "name")),
        list(PlanDay.objects.order_by("pk").values_list("pk", "name", "position")),
        list(MealItem.objects.order_by("pk").values_list("pk", "food_id", "grams", "meal")),
        Comment.objects.count(),
        list(ShareLink.objects.order_by("pk").values_list("pk", "revoked_at")),
        list(CustomTarget.objects.values_list("nutrient", "maximum")),
        HistoryEvent.objects.count(),
    )


def _call(client, action: Action, world: World, htmx: bool = False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    if action.method == "get":
        return client.get(action.url(world), **headers)
    return client.post(action.url(world), action.payload(world), **headers)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith(
        "/accounts/login/"
    )


@pytest.mark.parametrize("role", ["owner", "dietitian"])
@pytest.mark.parametrize("action", PLAN_ACTIONS, ids=lambda a: a.name)
def test_the_owner_and_their_dietitian_may_do_everything(client, world, role, action):
    response = _call(_client_as(client, world, role), action, world)
    assert response.status_code in (200, 204, 302), response.status_code
    assert not _is_login_redirect(response)
    if action.method == "post":
        assert response.status_code != 200 or action.name.endswith("_add")


@pytest.mark.parametrize("role", SIGNED_IN_STRANGERS)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("action", PLAN_ACTIONS + TARGET_ACTIONS, ids=lambda a: a.name)
def test_other_signed_in_users_get_404_and_change_nothing(client, world, role, action, htmx):
    before = _snapshot(world)
    response = _call(_client_as(client, world, role), action, world, htmx=htmx)
    assert response.status_code == 404
    body = response.content.decode(errors="replace")
    assert SECRET_PLAN not in body and SECRET_FOOD not in body
    assert _snapshot(world) == before


@pytest.mark.parametrize("role", ANONYMOUS)
@pytest.mark.parametrize("action", PLAN_ACTIONS + TARGET_ACTIONS, ids=lambda a: a.name)
def test_anonymous_visitors_and_token_holders_are_sent_to_log_in(client, world, role, action):
    before = _snapshot(world)
    response = _call(_client_as(client, world, role), action, world)
    assert _is_login_redirect(response)
    assert _snapshot(world) == before


def test_the_dietitian_sets_targets_and_the_owner_cannot_use_the_dietitian_pages(client, world):
    set_target = TARGET_ACTIONS[1]
    owner = _client_as(client, world, "owner")
    assert _call(owner, TARGET_ACTIONS[0], world).status_code == 404
    assert _call(owner, set_target, world).status_code == 404
    assert not CustomTarget.objects.exists()
    client.logout()
    dietitian = _client_as(client, world, "dietitian")
    assert _call(dietitian, TARGET_ACTIONS[0], world).status_code == 200
    assert _call(dietitian, set_target, world).status_code == 302
    assert CustomTarget.objects.get().set_by == world.dietitian


@pytest.mark.parametrize(
    ("role", "status"), [("token_valid", 200), ("token_expired", 404), ("token_revoked", 404)]
)
def test_a_share_token_opens_the_read_only_page_only_while_valid(client, world, role, status):
    share = {
        "token_valid": world.share,
        "token_expired": world.expired_share,
        "token_revoked": world.revoked_share,
    }[role]
    for name in ("share_page", "share_print", "share_pdf"):
        response = client.get(reverse(f"planner:{name}", args=[share.token]))
        assert response.status_code == status
        if status == 404:
            assert SECRET_PLAN not in response.content.decode(errors="replace")
    page = client.get(reverse("planner:share_page", args=[share.token]))
    if status == 200:
        body = page.content.decode()
        assert SECRET_FOOD in body
        assert "<form" not in body  # nothing to change from a share page


def test_a_share_token_is_not_a_key_to_anything_else(client, world):
    response = client.get(reverse("planner:share_page", args=[world.share.token]))
    assert response.status_code == 200
    # the same anonymous browser cannot reach the plan itself or its exports
    for name in ("plan_detail", "plan_export_json", "plan_pdf"):
        assert _is_login_redirect(client.get(reverse(f"planner:{name}", args=[world.plan.pk])))


def test_ending_the_link_ends_the_dietitians_access_at_once(client, world):
    _client_as(client, world, "dietitian")
    url = reverse("planner:day_editor", args=[world.day.pk])
    assert client.get(url).status_code == 200
    CareLink.objects.filter(dietitian=world.dietitian).update(status="ended")
    assert client.get(url).status_code == 404


def test_the_food_json_api_never_shows_a_private_food(client, world, make_user):
    from nutrition.models import Food

    private = Food.objects.create(
        name="Grandma's secret stew",
        source=Food.Source.USER,
        source_id="u-1",
        owner=world.owner,
        potassium_mg=300,
    )
    _client_as(client, world, "other_client")
    assert client.get(reverse("nutrition:api_food_item", args=[private.pk])).status_code == 404
    found = client.get(reverse("nutrition:api_food_list"), {"q": "secret stew"}).json()
    assert found["count"] == 0
