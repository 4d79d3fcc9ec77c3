from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner.comments.views import unread_count
from planner.models import CareLink, Comment, CommentRead, MealItem
from tests.helpers import linked

# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def plan(plan_for, patient):
    return plan_for(patient, name="Kidney week", days=2)


@pytest.fixture
def day(plan):
    return plan.days.first()


@pytest.fixture
def banana(food):
    return food("Bananas, raw", magnesium_mg=27, potassium_mg=358, portions=[("1 medium", 118)])


@pytest.fixture
def banana_item(day, banana, item):
    return item(day, banana, grams=118)


@pytest.fixture
def dietitian(dietitian, patient):
    linked(dietitian, patient)
    return dietitian


@pytest.fixture
def objects(plan, day, banana_item):
    return {"plan": plan, "day": day, "item": banana_item}


GET_VIEWS = [
    ("planner:plan_comments", "plan"),
    ("planner:day_comments", "day"),
    ("planner:item_comment_form", "item"),
    ("planner:item_comment_close", "item"),
]
POST_VIEWS = [
    ("planner:plan_comment_add", "plan"),
    ("planner:day_comment_add", "day"),
    ("planner:item_comment_add", "item"),
]


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), GET_VIEWS)
def test_the_owner_and_the_dietitian_can_read_comments(
    client, patient, dietitian, objects, name, kind
):
    for user in (patient, dietitian):
        client.force_login(user)
        assert client.get(reverse(name, args=[objects[kind].pk])).status_code == 200


@pytest.mark.parametrize(("name", "kind"), GET_VIEWS + POST_VIEWS)
def test_a_stranger_gets_404_on_every_comment_view(client, stranger, objects, name, kind):
    client.force_login(stranger)
    url = reverse(name, args=[objects[kind].pk])
    response = (
        client.post(url, {"body": "hello"}) if (name, kind) in POST_VIEWS else client.get(url)
    )
    assert response.status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("name", "kind"), GET_VIEWS + POST_VIEWS)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, objects, name, kind):
    url = reverse(name, args=[objects[kind].pk])
    response = (
        client.post(url, {"body": "hello"}) if (name, kind) in POST_VIEWS else client.get(url)
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Comment.objects.exists()


def test_a_former_dietitian_cannot_comment_any_more(client, dietitian, plan):
    CareLink.objects.filter(dietitian=dietitian).update(status="ended")
    client.force_login(dietitian)
    response = client.post(reverse("planner:plan_comment_add", args=[plan.pk]), {"body": "hi"})
    assert response.status_code == 404


def test_comment_views_refuse_the_wrong_method(client, patient, objects):
    client.force_login(patient)
    assert (
        client.get(reverse("planner:plan_comment_add", args=[objects["plan"].pk])).status_code
        == 405
    )
    assert (
        client.post(reverse("planner:plan_comments", args=[objects["plan"].pk])).status_code == 405
    )


# --- posting --------------------------------------------------------------------------------


def test_the_owner_comments_on_the_plan_with_a_plain_post_and_is_redirected(client, patient, plan):
    client.force_login(patient)
    response = client.post(
        reverse("planner:plan_comment_add", args=[plan.pk]), {"body": "  Less salt please  "}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("planner:plan_comments", args=[plan.pk]))
    comment = Comment.objects.get()
    assert (comment.plan, comment.day, comment.item, comment.author) == (plan, None, None, patient)
    assert comment.body == "Less salt please"
    page = client.get(response["Location"]).content.decode()
    assert "Less salt please" in page
    assert "Comment posted." in page


def test_the_dietitian_comments_on_a_day_with_htmx_and_the_thread_re_renders(
    client, dietitian, day
):
    client.force_login(dietitian)
    response = client.post(
        reverse("planner:day_comment_add", args=[day.pk]),
        {"body": "Swap the banana for an apple."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="comments-day-{day.pk}"' in html
    assert "<html" not in html  # the partial, not the page
    assert "Swap the banana for an apple." in html
    assert "Dana Lee" in html and "dietitian" in html
    assert Comment.objects.get().day == day


def test_a_comment_on_an_item_keeps_its_label_after_the_item_is_removed(
    client, patient, banana_item, day
):
    client.force_login(patient)
    response = client.post(
        reverse("planner:item_comment_add", args=[banana_item.pk]),
        {"body": "Is this too much?"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "comments-changed" in response["HX-Trigger"]
    comment = Comment.objects.get()
    assert (comment.day, comment.item) == (day, banana_item)
    assert comment.item_label == "Lunch: 118 g Bananas, raw"
    MealItem.objects.filter(pk=banana_item.pk).delete()
    comment.refresh_from_db()
    assert comment.item is None
    page = client.get(reverse("planner:day_comments", args=[day.pk])).content.decode()
    assert "Lunch: 118 g Bananas, raw" in page
    assert "since removed" in page


def test_an_item_comment_works_without_javascript(client, patient, banana_item, day):
    client.force_login(patient)
    form = client.get(reverse("planner:item_comment_form", args=[banana_item.pk]))
    assert form.status_code == 200
    assert "<html" in form.content.decode()
    response = client.post(
        reverse("planner:item_comment_add", args=[banana_item.pk]), {"body": "Half of it?"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("planner:day_comments", args=[day.pk])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "the comment is empty"),
        ("   \n ", "the comment is empty"),
        ("x" * 2001, "at most 2,000 characters; this one has 2,001"),
    ],
)
def test_an_empty_or_too_long_comment_is_refused_with_a_clear_message(
    client, patient, plan, banana_item, body, message
):
    client.force_login(patient)
    for url in (
        reverse("planner:plan_comment_add", args=[plan.pk]),
        reverse("planner:item_comment_add", args=[banana_item.pk]),
    ):
        plain = client.post(url, {"body": body})
        assert plain.status_code == 400
        assert message in plain.content.decode()
        htmx = client.post(url, {"body": body}, headers={"HX-Request": "true"})
        assert htmx.status_code == 200
        assert message in htmx.content.decode()
    assert not Comment.objects.exists()


def test_a_comment_of_exactly_2000_characters_is_accepted(client, patient, plan):
    client.force_login(patient)
    response = client.post(
        reverse("planner:plan_comment_add", args=[plan.pk]), {"body": "y" * 2000}
    )
    assert response.status_code == 302
    assert len(Comment.objects.get().body) == 2000


def test_comment_text_is_escaped(client, patient, plan):
    client.force_login(patient)
    client.post(
        reverse("planner:plan_comment_add", args=[plan.pk]), {"body": "<script>alert(1)</script>"}
    )
    page = client.get(reverse("planner:plan_comments", args=[plan.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_the_plan_thread_shows_day_and_item_comments_with_where_they_belong(
    client, patient, dietitian, plan, day, banana_item
):
    Comment.objects.create(plan=plan, author=dietitian, body="On the plan")
    Comment.objects.create(plan=plan, day=day, author=dietitian, body="On the day")
    Comment.objects.create(
        plan=plan, day=day, item=banana_item, item_label="Lunch: 118 g Bananas, raw",
        author=dietitian, body="On the item",
    )  # fmt: skip
    client.force_login(patient)
    page = client.get(reverse("planner:plan_comments", args=[plan.pk])).content.decode()
    assert page.index("On the plan") < page.index("On the day") < page.index("On the item")
    assert "on the plan" in page
    assert f'href="{day.get_absolute_url()}">{day.name}</a>' in page
    day_page = client.get(reverse("planner:day_comments", args=[day.pk])).content.decode()
    assert "On the day" in day_page and "On the item" in day_page
    assert "On the plan" not in day_page


def test_the_plan_page_and_day_editor_load_the_comments_lazily_with_a_link_for_no_js(
    client, patient, plan, day, banana_item
):
    client.force_login(patient)
    plan_page = client.get(plan.get_absolute_url()).content.decode()
    url = reverse("planner:plan_comments", args=[plan.pk])
    assert f'hx-get="{url}" hx-trigger="load"' in plan_page
    assert f'href="{url}"' in plan_page
    editor = client.get(day.get_absolute_url()).content.decode()
    assert reverse("planner:day_comments", args=[day.pk]) in editor
    assert reverse("planner:item_comment_form", args=[banana_item.pk]) in editor


# --- unread ---------------------------------------------------------------------------------


def test_unread_counts_comments_by_others_on_plans_the_user_can_see(
    patient, dietitian, stranger, plan, plan_for, make_user
):
    Comment.objects.create(plan=plan, author=dietitian, body="from the dietitian")
    Comment.objects.create(plan=plan, author=patient, body="from the owner")
    # A plan of another client of someone else's: invisible to both.
    other = plan_for(stranger, name="Stranger's plan")
    Comment.objects.create(plan=other, author=stranger, body="private")
    Comment.objects.create(plan=other, author=make_user("x"), body="private too")
    assert unread_count(patient) == 1  # the dietitian's
    assert unread_count(dietitian) == 1  # the owner's
    assert unread_count(stranger) == 1  # only on their own plan, by x


def test_a_dietitian_does_not_count_comments_on_plans_of_people_who_are_not_clients(
    make_user, dietitian, plan_for
):
    someone = make_user("someone")
    theirs = plan_for(someone)
    Comment.objects.create(plan=theirs, author=someone, body="mine")
    assert unread_count(dietitian) == 0
    # An invitation that is not active gives no access and no count.
    CareLink.objects.create(dietitian=dietitian, client=someone, status="pending", token="p")
    assert unread_count(dietitian) == 0


def test_a_user_outside_the_dietitians_group_does_not_count_a_clients_comments(
    make_user, patient, plan
):
    not_a_dietitian = make_user("nod")
    CareLink.objects.create(dietitian=not_a_dietitian, client=patient, status="active", token="n")
    Comment.objects.create(plan=plan, author=patient, body="hi")
    assert unread_count(not_a_dietitian) == 0


def test_a_dietitians_template_plans_count_for_the_dietitian_only(dietitian, patient, plan_for):
    template = plan_for(dietitian, name="Template")
    template.is_template = True
    template.save()
    Comment.objects.create(plan=template, author=patient, body="odd but possible")
    assert unread_count(dietitian) == 1
    assert unread_count(patient) == 0


def test_viewing_a_days_comments_marks_them_read(client, patient, dietitian, plan, day):
    other_day = plan.days.last()
    on_day = Comment.objects.create(plan=plan, day=day, author=dietitian, body="a")
    Comment.objects.create(plan=plan, day=other_day, author=dietitian, body="b")
    Comment.objects.create(plan=plan, author=dietitian, body="c")
    assert unread_count(patient) == 3
    client.force_login(patient)
    page = client.get(reverse("planner:day_comments", args=[day.pk])).content.decode()
    assert "tag-new" in page  # shown as new this once
    assert list(CommentRead.objects.values_list("comment_id", flat=True)) == [on_day.pk]
    assert unread_count(patient) == 2
    again = client.get(reverse("planner:day_comments", args=[day.pk])).content.decode()
    assert "tag-new" not in again
    assert CommentRead.objects.count() == 1


def test_viewing_a_plans_comments_marks_all_of_them_read(client, patient, dietitian, plan, day):
    Comment.objects.create(plan=plan, day=day, author=dietitian, body="a")
    Comment.objects.create(plan=plan, author=dietitian, body="b")
    client.force_login(patient)
    client.get(reverse("planner:plan_comments", args=[plan.pk]))
    assert unread_count(patient) == 0
    # The dietitian's own comments are never unread for the dietitian.
    assert unread_count(dietitian) == 0


def test_the_navigation_shows_the_unread_count(client, patient, dietitian, plan):
    Comment.objects.create(plan=plan, author=dietitian, body="a")
    Comment.objects.create(plan=plan, author=dietitian, body="b")
    client.force_login(patient)
    page = client.get(reverse("planner:plan_list")).content.decode()
    assert '<span class="badge-count">2</span>' in page
    client.get(reverse("planner:plan_comments", args=[plan.pk]))
    page = client.get(reverse("planner:plan_list")).content.decode()
    assert "badge-count" not in page


def test_the_htmx_thread_updates_the_badge_out_of_band(client, patient, dietitian, plan):
    Comment.objects.create(plan=plan, author=dietitian, body="a")
    client.force_login(patient)
    response = client.get(
        reverse("planner:plan_comments", args=[plan.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert 'id="unread-badge"' in html and 'hx-swap-oob="true"' in html
    assert "badge-count" not in html


def test_a_stranger_sees_no_count_of_someone_elses_comments(
    client, stranger, patient, dietitian, plan
):
    Comment.objects.create(plan=plan, author=dietitian, body="a")
    Comment.objects.create(plan=plan, author=patient, body="b")
    client.force_login(stranger)
    page = client.get(reverse("planner:comments_inbox")).content.decode()
    assert "badge-count" not in page
    assert "No comments from others yet" in page


def test_the_unread_count_costs_one_query_whatever_the_number_of_comments(
    client, patient, dietitian, plan, day, make_user, plan_for
):
    for n in range(3):
        client_user = make_user(f"client{n}")
        linked(dietitian, client_user)
        other = plan_for(client_user)
        Comment.objects.create(plan=other, author=client_user, body="hi")
    for n in range(20):
        Comment.objects.create(plan=plan, day=day, author=dietitian, body=f"c{n}")
    for user, expected in ((patient, 20), (dietitian, 3)):
        with CaptureQueriesContext(connection) as queries:
            assert unread_count(user) == expected
        assert len(queries) == 1


def test_the_badge_adds_one_query_to_a_page_and_none_for_anonymous_visitors(
    client, patient, dietitian, plan
):
    Comment.objects.create(plan=plan, author=dietitian, body="a")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert len(queries) == 0
    client.force_login(patient)
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    comment_queries = [q for q in queries if "planner_comment" in q["sql"]]
    assert len(comment_queries) == 1


def test_the_inbox_lists_unread_first_and_can_mark_everything_read(
    client, patient, dietitian, plan, day
):
    read = Comment.objects.create(plan=plan, author=dietitian, body="already read")
    CommentRead.objects.create(comment=read, user=patient)
    Comment.objects.create(plan=plan, day=day, author=dietitian, body="fresh news")
    client.force_login(patient)
    page = client.get(reverse("planner:comments_inbox")).content.decode()
    assert page.index("fresh news") < page.index("already read")
    response = client.post(reverse("planner:comments_mark_read"))
    assert response.status_code == 302
    assert unread_count(patient) == 0
    assert client.get(reverse("planner:comments_mark_read")).status_code == 405


def test_a_comment_on_an_item_removed_meanwhile_stays_on_the_day(
    db, make_user, plan_for, food, item
):
    from django.test import RequestFactory

    from planner.comments.views import CommentForm, Thread, _save

    owner = make_user("ida")
    plan = plan_for(owner)
    day = plan.days.get()
    gone = item(day, food("Bananas, raw", potassium_mg=358), grams=118)
    request = RequestFactory().post("/")
    request.user = owner
    form = CommentForm({"body": "Was this one ok?"})
    assert form.is_valid()
    stale = type(gone).objects.select_related("food", "portion").get(pk=gone.pk)
    gone.delete()  # another window removes it between reading and saving

    comment = _save(request, Thread(plan, day), form, item=stale)

    assert comment.item is None
    assert comment.day == day
    assert "Bananas, raw" in comment.item_label
