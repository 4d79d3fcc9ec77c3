"""Security properties of the whole site.

- CSP without 'unsafe-inline' on every page type, signed in and not, and no
  inline script, style attribute, event handler or javascript: URL in the HTML.
- CSRF on every POST: with checks enforced, every URL answers a POST without
  the token with 403, and every POST endpoint accepts the X-CSRFToken header
  that htmx sends from <body hx-headers>.
- No open redirect through `next` (login, logout, signup, unit toggle).
- Ids in URLs never reach another user's data, beyond tests/planner/test_access_matrix.py:
  the JSON API, the exports, user foods, the comments inbox, invitations, care
  links, templates, share links and the review queue.

`check --deploy` is tested in tests/config/test_settings.py; the dependency audit runs
in .ci/run (pip-audit).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.roles import CURATORS_GROUP, DIETITIANS_GROUP
from clinical import catalogue
from nutrition.models import Food
from planner.models import (
    CareLink,
    Comment,
    CustomTarget,
    MealItem,
    Plan,
    PlanDay,
    Profile,
    ShareLink,
)
from tests.conftest import PASSWORD

SECRET = "Their secret soup"


@dataclass
class World:
    me: object  # owner of a plan, a dietitian and a curator: may POST to everything
    client_user: object  # my client
    other: object  # someone else, with their own everything
    other_dietitian: object
    plan: Plan
    day: PlanDay
    item: MealItem
    share: ShareLink
    template: Plan
    my_food: Food
    pending_food: Food
    invite_to_me: CareLink
    my_invite: CareLink
    care_link: CareLink
    food: Food
    # the other user's
    other_plan: Plan
    other_day: PlanDay
    other_item: MealItem
    other_share: ShareLink
    other_food: Food
    other_invite: CareLink
    other_link: CareLink
    other_template: Plan


def _link(dietitian, client=None, status="pending") -> CareLink:
    return CareLink.objects.create(
        dietitian=dietitian, client=client, status=status, token=secrets.token_urlsafe(16)
    )


@pytest.fixture
def world(make_user, food, plan_for, item) -> World:
    me = make_user("me", is_staff=True)
    client_user = make_user("myclient")
    other = make_user("other")
    other_dietitian = make_user("otherdiet")
    dietitians = Group.objects.get_or_create(name=DIETITIANS_GROUP)[0]
    me.groups.add(dietitians, Group.objects.get(name=CURATORS_GROUP))
    other_dietitian.groups.add(dietitians)
    for user in (me, client_user, other):
        Profile.objects.get_or_create(user=user)
    banana = food(
        "Bananas, raw",
        potassium_mg=358,
        magnesium_mg=27,
        energy_kcal=89,
        portions=[("1 medium", 118)],
    )
    food("Apples, raw", potassium_mg=107, energy_kcal=60)
    plan = plan_for(me, name="My plan", days=2)
    day = plan.days.order_by("position").first()
    later = timezone.now() + dt.timedelta(days=5)

    def share(of: Plan, by) -> ShareLink:
        return ShareLink.objects.create(
            plan=of, token=secrets.token_urlsafe(32), created_by=by, expires_at=later
        )

    def template(owner) -> Plan:
        made = Plan.objects.create(owner=owner, author=owner, name="Template", is_template=True)
        PlanDay.objects.create(plan=made, name="Monday")
        return made

    def private_food(owner, name: str, status: str) -> Food:
        made = Food.objects.create(
            name=name,
            source=Food.Source.USER,
            source_id=secrets.token_hex(6),
            owner=owner,
            created_by=owner,
            review_status=status,
            potassium_mg=100,
            submitted_at=timezone.now() if status == Food.Review.PENDING else None,
        )
        made.portions.create(label="1 bar", grams=40, seq=0)
        return made

    other_plan = plan_for(other, name=SECRET)
    other_day = other_plan.days.get()
    Comment.objects.create(plan=other_plan, day=other_day, author=other, body=SECRET)
    return World(
        me=me,
        client_user=client_user,
        other=other,
        other_dietitian=other_dietitian,
        plan=plan,
        day=day,
        item=item(day, banana, 118, "lunch"),
        share=share(plan, me),
        template=template(me),
        my_food=private_food(me, "My oat bar", Food.Review.PRIVATE),
        pending_food=private_food(other, "Their pending bar", Food.Review.PENDING),
        invite_to_me=_link(other_dietitian),
        my_invite=_link(me),
        care_link=_link(me, client_user, "active"),
        food=banana,
        other_plan=other_plan,
        other_day=other_day,
        other_item=item(other_day, banana, 50),
        other_share=share(other_plan, other),
        other_food=private_food(other, SECRET, Food.Review.PRIVATE),
        other_invite=_link(other_dietitian),
        other_link=_link(other_dietitian, other, "active"),
        other_template=template(other_dietitian),
    )


def _args(name: str, w: World) -> list:
    """The arguments of every named URL, for the signed-in `me`."""
    by_name = {
        "planner:share_revoke": [w.share.pk],
        "planner:share_page": [w.share.token],
        "planner:share_pdf": [w.share.token],
        "planner:share_print": [w.share.token],
        "planner:care_end": [w.care_link.pk],
        "planner:invite_detail": [w.invite_to_me.token],
        "planner:invite_accept": [w.invite_to_me.token],
        "planner:invite_decline": [w.invite_to_me.token],
        "planner:invite_withdraw": [w.my_invite.pk],
        "planner:template_unmark": [w.template.pk],
        "planner:warning_detail": [sorted(catalogue.CODES)[0]],
        "nutrition:food_detail": [w.food.pk],
        "nutrition:api_food_item": [w.food.pk],
        "nutrition:review_approve": [w.pending_food.pk],
        "nutrition:review_reject": [w.pending_food.pk],
        "password_reset_confirm": ["MQ", "set-password"],
    }
    if name in by_name:
        return by_name[name]
    route = ROUTES[name]
    if "<" not in route:
        return []
    if route.startswith("plans/<"):
        return [w.plan.pk]
    if route.startswith("days/<"):
        return [w.day.pk]
    if route.startswith("items/<"):
        return [w.item.pk]
    if route.startswith("clients/<"):
        return [w.client_user.pk]
    if route.startswith("foods/mine/<"):
        return [w.my_food.pk]
    raise AssertionError(f"{name} ({route}) is new: give its arguments in _args()")


def _routes() -> dict[str, str]:
    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                yield from walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, prefix + str(pattern.pattern)

    return dict(walk(get_resolver().url_patterns))


ROUTES = _routes()
# Every view that takes a POST; the others answer a POST with 405 (tested below).
POST_VIEWS = {
    "signup",
    "login",
    "logout",
    "password_change",
    "password_reset",
    "password_reset_confirm",
    "nutrition:user_food_new",
    "nutrition:user_food_edit",
    "nutrition:user_food_submit",
    "nutrition:user_food_delete",
    "nutrition:review_approve",
    "nutrition:review_reject",
    "planner:plan_create",
    "planner:plan_rename",
    "planner:plan_delete",
    "planner:plan_duplicate",
    "planner:day_add",
    "planner:item_add",
    "planner:item_undo",
    "planner:day_copy",
    "planner:day_move",
    "planner:day_rename",
    "planner:day_delete",
    "planner:meal_copy",
    "planner:unit_set",
    "planner:item_update",
    "planner:item_delete",
    "planner:item_swap",
    "planner:profile",
    "planner:profile_medicine_add",
    "planner:profile_medicine_remove",
    "planner:comments_mark_read",
    "planner:plan_comment_add",
    "planner:day_comment_add",
    "planner:item_comment_add",
    "planner:share_create",
    "planner:share_revoke",
    "planner:care_end",
    "planner:invite_accept",
    "planner:invite_decline",
    "planner:invite_create",
    "planner:invite_withdraw",
    "planner:template_create",
    "planner:template_mark",
    "planner:template_unmark",
    "planner:template_apply",
    "planner:client_target_set",
    "planner:client_target_remove",
    "planner:client_plan_create",
}
ADMIN_POSTS = ["admin:login", "admin:nutrition_food_import", "admin:logout"]


# --- CSRF ---------------------------------------------------------------------------------

HX_TOKEN = re.compile(r"""<body[^>]*hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""")


def _csrf_client(world: World) -> tuple[Client, str]:
    """A browser that enforces CSRF, signed in, holding the token as htmx gets it."""
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username=world.me.username, password=PASSWORD)
    page = browser.get(reverse("planner:day_editor", args=[world.day.pk]))
    found = HX_TOKEN.search(page.content.decode())
    assert found, "the base template puts the CSRF token in <body hx-headers>"
    return browser, found.group(1)


def _is_csrf_failure(response) -> bool:
    return response.status_code == 403 and b"CSRF verification failed" in response.content


def test_every_url_is_known_to_these_tests(world):
    # A new URL must be given arguments here, and a POST view added to POST_VIEWS.
    for name in ROUTES:
        reverse(name, args=_args(name, world))


@pytest.mark.parametrize("name", sorted(ROUTES) + ADMIN_POSTS)
def test_a_post_without_the_token_is_refused_everywhere(world, name):
    browser, _ = _csrf_client(world)
    args = _args(name, world) if name in ROUTES else []
    before = (Plan.objects.count(), MealItem.objects.count(), ShareLink.objects.count())
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = browser.post(reverse(name, args=args), {"name": "x"}, **headers)
        assert _is_csrf_failure(response), (name, response.status_code)
    assert (Plan.objects.count(), MealItem.objects.count(), ShareLink.objects.count()) == before


def test_a_wrong_token_is_refused_too(world):
    browser, token = _csrf_client(world)
    url = reverse("planner:plan_create")
    wrong = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    assert _is_csrf_failure(
        browser.post(url, {"name": "x"}, HTTP_X_CSRFTOKEN=wrong, HTTP_HX_REQUEST="true")
    )
    assert not Plan.objects.filter(name="x").exists()


@pytest.mark.parametrize("name", sorted(POST_VIEWS))
def test_every_post_view_accepts_the_token_in_the_htmx_header(world, name):
    browser, token = _csrf_client(world)
    response = browser.post(
        reverse(name, args=_args(name, world)),
        {},
        HTTP_X_CSRFTOKEN=token,
        HTTP_HX_REQUEST="true",
    )
    assert not _is_csrf_failure(response), name
    assert response.status_code in (200, 204, 302, 400, 404), (name, response.status_code)


@pytest.mark.parametrize("name", sorted(set(ROUTES) - POST_VIEWS))
def test_every_other_view_refuses_a_post(world, name):
    browser, token = _csrf_client(world)
    response = browser.post(reverse(name, args=_args(name, world)), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 405, (name, response.status_code)


def test_the_plain_form_field_works_as_well(world):
    browser, _ = _csrf_client(world)
    page = browser.get(reverse("planner:plan_list")).content.decode()
    field = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(
        reverse("planner:plan_create"), {"name": "Plain", "csrfmiddlewaretoken": field}
    )
    assert response.status_code == 302
    assert Plan.objects.filter(name="Plain", owner=world.me).exists()


# --- Content Security Policy --------------------------------------------------------------


class InlineFinder(HTMLParser):
    """Collects whatever a CSP without 'unsafe-inline' would block, or htmx would eval."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src"):
            self.problems.append("an inline <script>")
        if tag == "style":
            self.problems.append("a <style> element")
        for name, value in attrs:
            text = (value or "").strip().lower()
            if name == "style":
                self.problems.append(f'style= on <{tag}>: "{value}"')
            elif name.startswith("on"):
                self.problems.append(f"an event handler {name}= on <{tag}>")
            elif name.startswith(("hx-on", "data-hx-on")):
                self.problems.append(f"{name}= on <{tag}> (evaluated by htmx)")
            elif name in ("href", "src", "action", "formaction") and text.startswith("javascript:"):
                self.problems.append(f"a javascript: URL in {name}= on <{tag}>")
            elif name in ("hx-vals", "hx-headers") and text.startswith(("js:", "javascript:")):
                self.problems.append(f"{name}= evaluated as script on <{tag}>")


def _inline_problems(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.problems


def test_the_inline_finder_finds_what_the_policy_would_block():
    html = (
        '<script>alert(1)</script><script src="/static/js/site.js"></script>'
        '<p style="color:red" onclick="x()">a</p><style>p{}</style>'
        '<a href="javascript:alert(1)">b</a><button hx-on:click="x()">c</button>'
        "<div hx-vals='js:{a: 1}'></div>"
    )
    assert len(_inline_problems(html)) == 7
    assert _inline_problems('<p class="x"><script src="/a.js" defer></script></p>') == []


def _check_csp(response, where: str) -> None:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{where}: no Content-Security-Policy header"
    directives = {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}
    for directive in ("default-src", "script-src", "style-src"):
        assert directive in directives, f"{where}: no {directive}"
        assert "'unsafe-inline'" not in directives[directive], where
        assert "'unsafe-eval'" not in directives[directive], where
        assert "*" not in directives[directive], where
    assert directives["object-src"] == ["'none'"], where
    assert directives["frame-ancestors"] == ["'none'"], where
    if response["Content-Type"].startswith("text/html"):
        problems = _inline_problems(response.content.decode())
        assert not problems, f"{where}: {problems}"


PUBLIC_PAGES = [
    "home",
    "login",
    "signup",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "nutrition:search",
    "nutrition:rankings",
    "nutrition:sources",
    "nutrition:food_detail",
    "planner:warning_index",
    "planner:warning_detail",
    "planner:learn_index",
    "planner:learn_mg_k",
    "planner:learn_symptoms",
    "planner:learn_supplements",
    "planner:share_page",
]
SIGNED_IN_PAGES = [
    name
    for name in sorted(set(ROUTES) - set(POST_VIEWS))
    if name
    not in (
        "healthz",
        "nutrition:api_food_list",
        "nutrition:api_food_item",
        "planner:plan_export_csv",
        "planner:plan_export_json",
        "planner:plan_pdf",
        "planner:share_pdf",
        "planner:item_comment_close",
    )
] + ["planner:profile", "nutrition:user_food_new", "nutrition:user_food_edit", "signup"]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_have_a_strict_csp_and_no_inline_code(client, world, name):
    response = client.get(reverse(name, args=_args(name, world)), {"q": "banana"})
    assert response.status_code == 200, name
    _check_csp(response, name)


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("name", sorted(set(SIGNED_IN_PAGES)))
def test_signed_in_pages_and_partials_have_a_strict_csp_and_no_inline_code(
    client, world, name, htmx
):
    client.force_login(world.me)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(reverse(name, args=_args(name, world)), {"q": "banana"}, **headers)
    assert response.status_code in (200, 302), (name, response.status_code)
    _check_csp(response, name)


def test_error_and_lockout_pages_have_a_strict_csp_and_no_inline_code(client, world):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _check_csp(response, "404")
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "me", "password": "wrong"})
    assert response.status_code == 429
    _check_csp(response, "lockout")


def test_the_admin_has_a_csp_header(client, world):
    # Django's admin is not ours to rewrite; it gets the same header, which blocks
    # any inline script it might add.
    client.force_login(world.me)
    response = client.get(reverse("admin:nutrition_food_changelist"))
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


# --- no open redirect through `next` ------------------------------------------------------

OUTSIDE = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    " //evil.example",
    "\t//evil.example",
    "https:evil.example",
    "http:/evil.example",
    "https://testserver@evil.example/",
    "javascript:alert(1)",
    "data:text/html,hi",
    "planner:plan_list",
    "a b",
]


def _stays_here(response) -> None:
    assert response.status_code in (200, 302, 204), response.status_code
    if response.status_code != 302:
        return
    location = response["Location"]
    # Read it as a browser does: tabs and newlines dropped, backslashes taken for slashes.
    seen = re.sub(r"[\t\n\r]", "", location).strip().replace("\\", "/")
    parts = urlsplit(seen)
    assert parts.scheme in ("", "http", "https") and parts.netloc in ("", "testserver"), location


@pytest.mark.parametrize("target", OUTSIDE)
def test_login_does_not_redirect_off_site(client, world, target):
    page = client.get(reverse("login"), {"next": target})
    assert page.status_code == 200
    response = client.post(
        reverse("login"), {"username": "me", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    _stays_here(response)


@pytest.mark.parametrize("target", OUTSIDE)
def test_signup_does_not_redirect_off_site(client, db, target):
    page = client.get(reverse("signup"), {"next": target})
    assert page.status_code == 200
    assert target not in page.content.decode() or target in ("a b",)
    response = client.post(
        reverse("signup") + "?next=" + target,
        {
            "username": "newcomer",
            "email": "new@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": target,
        },
    )
    assert response.status_code == 302
    _stays_here(response)


@pytest.mark.parametrize("target", OUTSIDE)
def test_the_unit_toggle_and_logout_do_not_redirect_off_site(client, world, target):
    client.force_login(world.me)
    _stays_here(client.post(reverse("planner:unit_set"), {"unit": "mmol", "next": target}))
    _stays_here(client.post(reverse("logout"), {"next": target}))


def test_a_bare_word_as_next_is_not_a_500(client, world):
    # Regression: redirect() took "a b" for a view name and raised NoReverseMatch.
    client.force_login(world.me)
    response = client.post(reverse("planner:unit_set"), {"unit": "mg", "next": "a b"})
    assert response.status_code == 302 and response["Location"] == reverse("planner:plan_list")
    client.logout()
    response = client.post(
        reverse("signup"),
        {
            "username": "wordy",
            "email": "w@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "a b",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_local_next_is_kept(client, world):
    day = reverse("planner:day_editor", args=[world.day.pk])
    response = client.post(reverse("login"), {"username": "me", "password": PASSWORD, "next": day})
    assert response["Location"] == day
    response = client.post(reverse("planner:unit_set"), {"unit": "mg", "next": day})
    assert response["Location"] == day


# --- ids in URLs never reach another user's data ------------------------------------------


def _body(response) -> str:
    return response.content.decode(errors="replace")


def _state() -> tuple:
    return (
        list(Plan.objects.order_by("pk").values_list("pk", "name", "is_template")),
        list(PlanDay.objects.order_by("pk").values_list("pk", "name", "position")),
        list(MealItem.objects.order_by("pk").values_list("pk", "grams", "meal", "food_id")),
        list(ShareLink.objects.order_by("pk").values_list("pk", "revoked_at")),
        list(CareLink.objects.order_by("pk").values_list("pk", "status")),
        list(Food.objects.order_by("pk").values_list("pk", "name", "review_status")),
        list(CustomTarget.objects.values_list("pk", "maximum")),
        Comment.objects.count(),
    )


def _theirs(w: World) -> list[tuple[str, str, list]]:
    """(method, url name, args) pointing at the other user's (or dietitian's) things."""
    return [
        ("get", "planner:plan_export_csv", [w.other_plan.pk]),
        ("get", "planner:plan_export_json", [w.other_plan.pk]),
        ("get", "planner:plan_pdf", [w.other_plan.pk]),
        ("get", "planner:plan_print", [w.other_plan.pk]),
        ("get", "planner:plan_week", [w.other_plan.pk]),
        ("get", "planner:share_list", [w.other_plan.pk]),
        ("get", "planner:plan_comments", [w.other_plan.pk]),
        ("get", "planner:day_comments", [w.other_day.pk]),
        ("get", "planner:item_comment_form", [w.other_item.pk]),
        ("get", "nutrition:user_food_detail", [w.other_food.pk]),
        ("get", "nutrition:user_food_edit", [w.other_food.pk]),
        ("post", "nutrition:user_food_edit", [w.other_food.pk]),
        ("post", "nutrition:user_food_submit", [w.other_food.pk]),
        ("post", "nutrition:user_food_delete", [w.other_food.pk]),
        ("get", "nutrition:food_detail", [w.other_food.pk]),
        ("get", "nutrition:api_food_item", [w.other_food.pk]),
        ("post", "planner:share_revoke", [w.other_share.pk]),
        ("post", "planner:invite_withdraw", [w.other_invite.pk]),
        ("get", "planner:care_end", [w.other_link.pk]),
        ("post", "planner:care_end", [w.other_link.pk]),
        ("post", "planner:template_unmark", [w.other_template.pk]),
        ("get", "planner:client_detail", [w.other.pk]),
        ("post", "planner:client_target_set", [w.other.pk]),
        ("post", "planner:client_plan_create", [w.other.pk]),
    ]


def test_another_users_ids_answer_404_and_change_nothing(client, world):
    client.force_login(world.me)
    before = _state()
    for method, name, args in _theirs(world):
        url = reverse(name, args=args)
        data = {"name": "Mine now", "nutrient": "potassium_mg", "maximum": "1", "reason": "x"}
        response = client.get(url) if method == "get" else client.post(url, data)
        assert response.status_code == 404, (method, name, response.status_code)
        assert SECRET not in _body(response), name
    assert _state() == before


def test_the_json_api_lists_no_private_food_by_any_search(client, world):
    client.force_login(world.me)
    for params in ({"q": "secret soup"}, {"q": "their"}, {}, {"limit": "100"}, {"kind": "food"}):
        data = client.get(reverse("nutrition:api_food_list"), params).json()
        names = {food["name"] for food in data["results"]}
        assert SECRET not in names and "My oat bar" not in names


def test_the_exports_hold_only_the_plans_own_items(client, world):
    client.force_login(world.me)
    text = _body(client.get(reverse("planner:plan_export_csv", args=[world.plan.pk])))
    assert SECRET not in text
    data = client.get(reverse("planner:plan_export_json", args=[world.plan.pk])).json()
    assert SECRET not in json.dumps(data)


def test_the_comments_inbox_shows_only_threads_one_may_see(client, world):
    Comment.objects.create(plan=world.plan, day=world.day, author=world.client_user, body="Hi")
    client.force_login(world.me)
    body = _body(client.get(reverse("planner:comments_inbox")))
    assert SECRET not in body
    before = _state()
    client.post(reverse("planner:comments_mark_read"))
    from planner.models import CommentRead

    read = set(CommentRead.objects.filter(user=world.me).values_list("comment__plan_id", flat=True))
    assert world.other_plan.pk not in read
    assert _state() == before


def test_a_private_food_of_another_user_cannot_be_put_in_a_menu(client, world):
    client.force_login(world.me)
    before = _state()
    client.post(
        reverse("planner:item_add", args=[world.day.pk]),
        {"food": world.other_food.pk, "meal": "lunch", "grams": "100"},
    )
    search = client.get(reverse("planner:day_food_search", args=[world.day.pk]), {"q": "secret"})
    assert SECRET not in _body(search)
    assert _state() == before


def test_a_meal_cannot_be_copied_into_another_users_day(client, world):
    client.force_login(world.me)
    before = _state()
    response = client.post(
        reverse("planner:meal_copy", args=[world.day.pk]),
        {"source_meal": "lunch", "target_day": world.other_day.pk, "target_meal": "lunch"},
    )
    assert response.status_code in (302, 404)
    assert world.other_day.items.count() == 1
    assert _state() == before


def test_an_invitation_token_opens_only_that_invitation(client, world):
    client.force_login(world.me)
    made_up = secrets.token_urlsafe(16)
    for name in ("planner:invite_detail", "planner:invite_accept", "planner:invite_decline"):
        method = client.get if name == "planner:invite_detail" else client.post
        assert method(reverse(name, args=[made_up])).status_code == 404
    # Someone else's pending invitation cannot be withdrawn, or answered for them by id.
    assert (
        client.post(reverse("planner:invite_withdraw", args=[world.other_invite.pk])).status_code
        == 404
    )
    assert CareLink.objects.get(pk=world.other_invite.pk).status == "pending"


def test_the_review_queue_is_a_404_for_everyone_but_curators(client, world):
    client.force_login(world.other)
    before = _state()
    assert client.get(reverse("nutrition:review_queue")).status_code == 404
    for name in ("nutrition:review_approve", "nutrition:review_reject"):
        url = reverse(name, args=[world.pending_food.pk])
        assert client.post(url, {"reason": "no"}).status_code == 404
    assert _state() == before


def test_history_shows_only_ones_own(client, world):
    from planner import history

    history.record(world.other, world.other, "plan-created", SECRET, world.other_plan)
    client.force_login(world.me)
    assert SECRET not in _body(client.get(reverse("planner:history")))
    assert SECRET not in _body(
        client.get(reverse("planner:client_detail", args=[world.client_user.pk]))
    )
