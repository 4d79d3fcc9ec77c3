"""Property-based tests of the account forms and the remaining small forms.

Sign-up, log-in (through django-axes), password change and reset, the
curators' rejection reason and the dietitians' "make this a template" choice:
arbitrary input never answers 500, and a rejected form writes nothing.
"""

from __future__ import annotations

import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from accounts.roles import CURATORS_GROUP, DIETITIANS_GROUP
from nutrition.models import Food
from planner.models import Plan
from tests.conftest import PASSWORD
from tests.test_robustness_common import (
    FEW,
    ROBUST,
    assert_no_server_error,
    changed_tables,
    form,
    rolled_back,
    snapshot,
    texts,
)

pytestmark = pytest.mark.property

usernames = st.one_of(
    st.from_regex(r"\A[\w.@+-]{1,150}\Z"), st.text(min_size=1, max_size=160), texts
)
passwords = st.one_of(st.just(PASSWORD), st.text(min_size=8, max_size=40), texts)
NEXT = st.sampled_from(["", "/plans/", "https://evil.example/", "//evil.example", "a b"])


@ROBUST
@given(
    data=form(
        {
            "username": usernames,
            "email": st.one_of(st.emails().map(str), texts),
            "password1": passwords,
            "password2": st.one_of(st.just("@same"), passwords),
            "next": NEXT,
        }
    ),
)
def test_sign_up_creates_one_sensible_account_or_nothing(client, db, data):
    if "password1" in data and data.get("password2") == "@same":
        data["password2"] = data["password1"]
    # The sign-up throttle counts in the cache, which every example must find empty too.
    cache.clear()
    with rolled_back():
        before = snapshot()
        response = client.post(reverse("signup"), data)
        assert_no_server_error(response)
        changed = changed_tables(before, snapshot())
        event("accepted" if changed else "rejected")
        if response.status_code == 302:
            user = get_user_model().objects.get()
            # Django keeps usernames stripped and NFKC-normalised ("ﬀ" is "ff").
            expected = unicodedata.normalize("NFKC", data["username"].strip())
            assert user.username == expected and "\x00" not in user.username
            assert user.check_password(data["password1"])
            location = response["Location"]
            assert location.startswith("/") and not location.startswith("//")
            client.logout()
        else:
            assert response.status_code == 200 and not changed


@ROBUST
@given(
    data=form({"username": st.one_of(st.just("patient"), usernames), "password": passwords}),
    address=st.sampled_from(["127.0.0.1", "10.1.2.3", "::1"]),
)
def test_log_in_with_anything_never_fails(client, patient, data, address):
    with rolled_back():
        before = snapshot()
        response = client.post(reverse("login"), data, REMOTE_ADDR=address)
        assert_no_server_error(response)
        assert response.status_code in (200, 302, 429)
        # Only the attempt log (axes) and the login time may change.
        assert changed_tables(before, snapshot()) <= {
            "axes.AccessAttempt",
            "axes.AccessLog",
            "axes.AccessFailureLog",
            "auth.User",
        }
        if response.status_code == 302:
            assert data.get("username") == "patient" and data.get("password") == PASSWORD
            client.logout()


@FEW
@given(
    data=form(
        {
            "old_password": passwords,
            "new_password1": passwords,
            "new_password2": passwords,
        }
    )
)
def test_a_password_change_with_anything_never_fails(client, patient, data):
    client.force_login(patient)
    with rolled_back():
        response = client.post(reverse("password_change"), data)
        assert_no_server_error(response)


@FEW
@given(data=form({"email": st.one_of(st.emails().map(str), texts)}))
def test_a_password_reset_request_with_anything_never_fails(client, patient, data, mailoutbox):
    cache.clear()  # the reset throttle's counters, as for sign-up
    with rolled_back():
        before = snapshot()
        response = client.post(reverse("password_reset"), data)
        assert_no_server_error(response)
        assert snapshot() == before


@pytest.fixture
def curator_and_author(client, make_user):
    curator = make_user("curator", is_staff=True)
    curator.groups.add(Group.objects.get(name=CURATORS_GROUP))
    client.force_login(curator)
    return curator, make_user("author")


@ROBUST
@given(data=form({"reason": st.one_of(st.text(min_size=1, max_size=510), texts)}))
def test_a_rejection_reason_is_saved_whole_or_not_at_all(client, curator_and_author, data):
    _, author = curator_and_author
    with rolled_back():
        pending = Food.objects.create(
            name="Bar",
            source=Food.Source.USER,
            source_id="u-bar",
            owner=author,
            created_by=author,
            review_status=Food.Review.PENDING,
        )
        before = snapshot()
        response = client.post(reverse("nutrition:review_reject", args=[pending.pk]), data)
        assert_no_server_error(response)
        changed = changed_tables(before, snapshot())
        event("accepted" if changed else "rejected")
        pending.refresh_from_db()
        if changed:
            assert pending.review_status == Food.Review.REJECTED
            assert pending.review_note.strip() and len(pending.review_note) <= 500
        else:
            assert pending.review_status == Food.Review.PENDING


@pytest.fixture
def dietitian_and_other(client, make_user):
    dietitian = make_user("dietitian")
    dietitian.groups.add(Group.objects.get_or_create(name=DIETITIANS_GROUP)[0])
    client.force_login(dietitian)
    return dietitian, make_user("other")


@FEW
@given(plan=st.one_of(st.just("@mine"), st.just("@theirs"), texts))
def test_making_a_template_takes_only_ones_own_plan(client, dietitian_and_other, plan_for, plan):
    dietitian, other = dietitian_and_other
    with rolled_back():
        mine, theirs = plan_for(dietitian), plan_for(other)
        value = {"@mine": str(mine.pk), "@theirs": str(theirs.pk)}.get(plan, plan)
        response = client.post(reverse("planner:template_mark"), {"plan": value})
        assert_no_server_error(response)
        assert not Plan.objects.get(pk=theirs.pk).is_template
        assert Plan.objects.get(pk=mine.pk).is_template == (value == str(mine.pk))
