"""Property-based tests of every planner form and POST endpoint.

Each test sends arbitrary form bodies (unicode, huge numbers, NaN and infinity,
negatives, NUL bytes, missing and stray fields) to one endpoint through the
Django test client, as a page and as htmx, and checks two things:

- never a 500 (the test client re-raises a view's exception, so one fails here);
- never a partial write: a rejected request leaves every table as it was, and
  an accepted one changes only the tables it should, with values in range.

Every example runs in a transaction that is rolled back, so each starts from
the same data (the `world` below).
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, given
from hypothesis import strategies as st

from accounts.roles import DIETITIANS_GROUP
from clinical import medicines as catalogue
from nutrition.models import Food, Portion
from planner.models import (
    MAX_ITEM_GRAMS,
    CareLink,
    Comment,
    CustomTarget,
    KidneyStatus,
    Meal,
    MealItem,
    Nutrient,
    Plan,
    PlanDay,
    Profile,
    ProfileMedicine,
    ShareLink,
)
from tests.helpers import BANANA
from tests.test_robustness_common import (
    FEW,
    ROBUST,
    assert_no_server_error,
    changed_tables,
    choice,
    form,
    ids,
    number,
    rolled_back,
    snapshot,
    texts,
)

pytestmark = pytest.mark.property

HISTORY = "planner.HistoryEvent"
MEALS = [m.value for m in Meal]


@dataclass
class World:
    patient: object
    dietitian: object
    stranger: object
    plan: Plan
    day: PlanDay
    other_day: PlanDay
    item: MealItem
    food: Food
    swap: Food
    portion: Portion
    private_food: Food
    strangers_food: Food
    strangers_plan: Plan
    strangers_day: PlanDay
    strangers_item: MealItem
    strangers_share: ShareLink
    share: ShareLink
    invite: CareLink

    def ids(self) -> dict[str, str]:
        """Placeholders that strategies use for this world's real ids."""
        return {
            "@food": str(self.food.pk),
            "@private_food": str(self.private_food.pk),
            "@strangers_food": str(self.strangers_food.pk),
            "@swap": str(self.swap.pk),
            "@portion": str(self.portion.pk),
            "@day": str(self.day.pk),
            "@other_day": str(self.other_day.pk),
            "@strangers_day": str(self.strangers_day.pk),
            "@plan": str(self.plan.pk),
            "@strangers_plan": str(self.strangers_plan.pk),
            "@patient": str(self.patient.pk),
        }


def resolve(data: dict[str, str], world: World) -> dict[str, str]:
    known = world.ids()
    return {key: known.get(value, value) for key, value in data.items()}


@pytest.fixture
def world(make_user, food, plan_for, item) -> World:
    patient = make_user("patient")
    dietitian = make_user("dietitian")
    stranger = make_user("stranger")
    dietitian.groups.add(Group.objects.get_or_create(name=DIETITIANS_GROUP)[0])
    CareLink.objects.create(
        dietitian=dietitian, client=patient, status="active", token=secrets.token_urlsafe(16)
    )
    invite = CareLink.objects.create(dietitian=dietitian, token=secrets.token_urlsafe(16))
    for user in (patient, dietitian, stranger):
        Profile.objects.get_or_create(user=user)
    banana = food("Bananas, raw", **BANANA, portions=[("1 medium", 118)])
    apples = food("Apples, raw", potassium_mg=107, magnesium_mg=5, energy_kcal=60)
    private = Food.objects.create(
        name="My oat bar", source=Food.Source.USER, source_id="u-mine", owner=patient
    )
    strangers_food = Food.objects.create(
        name="Their stew", source=Food.Source.USER, source_id="u-theirs", owner=stranger
    )
    plan = plan_for(patient, days=2)
    day, other_day = plan.days.order_by("position")
    meal_item = item(day, banana, 118, "lunch", portion=banana.portions.get(), quantity=1)
    item(day, banana, 50, "breakfast")
    strangers_plan = plan_for(stranger, name="Their plan")
    strangers_day = strangers_plan.days.get()
    strangers_item = item(strangers_day, banana, 80)
    Comment.objects.create(plan=plan, day=day, author=dietitian, body="Less banana?")
    later = timezone.now() + dt.timedelta(days=3)

    def share(owned_plan, user):
        return ShareLink.objects.create(
            plan=owned_plan, token=secrets.token_urlsafe(32), created_by=user, expires_at=later
        )

    return World(
        patient=patient,
        dietitian=dietitian,
        stranger=stranger,
        plan=plan,
        day=day,
        other_day=other_day,
        item=meal_item,
        food=banana,
        swap=apples,
        portion=banana.portions.get(),
        private_food=private,
        strangers_food=strangers_food,
        strangers_plan=strangers_plan,
        strangers_day=strangers_day,
        strangers_item=strangers_item,
        strangers_share=share(strangers_plan, stranger),
        share=share(plan, patient),
        invite=invite,
    )


@pytest.fixture
def as_patient(client, world):
    client.force_login(world.patient)
    return client


@pytest.fixture
def as_dietitian(client, world):
    client.force_login(world.dietitian)
    return client


def _post(client, url: str, data: dict, htmx: bool, allowed: set[str]) -> tuple[object, set]:
    """POST and check: no 500, and only `allowed` tables changed. Returns (response, changed)."""
    before = snapshot()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(url, data, **headers)
    assert_no_server_error(response)
    changed = changed_tables(before, snapshot())
    assert changed <= allowed, f"unexpected writes to {changed - allowed}"
    # --hypothesis-show-statistics tells how many examples were accepted.
    event("accepted" if changed else "rejected")
    return response, changed


def _all_or_nothing(changed: set[str], main: str) -> None:
    """A request that did not write its main table wrote nothing at all."""
    if main not in changed:
        assert not changed, f"partial write: {changed} without {main}"


def _finite_float(text: str | None) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


# --- profile ---------------------------------------------------------------------------

dates = st.one_of(
    st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2100, 1, 1)).map(str),
    st.sampled_from(["2024-02-30", "0001-01-01", "9999-12-31", "10000-01-01", "-1", "today"]),
    texts,
)
PROFILE = {
    "birth_date": dates,
    "sex": choice(["", *Profile.Sex.values]),
    "reproductive": choice(Profile.Reproductive.values),
    "kidney_status": choice(KidneyStatus.values),
    "egfr": number(0, 200),
    "serum_k": number(1.5, 9),
    "serum_k_unit": choice(Profile.SerumKUnit.values),
    "serum_mg": number(0.2, 5),
    "serum_mg_unit": choice(Profile.SerumMgUnit.values),
    "labs_date": dates,
    "display_unit": choice(["mg", "mmol", "meq"]),
}


@ROBUST
@given(data=form(PROFILE), htmx=st.booleans())
def test_the_profile_form_saves_sensible_values_or_nothing(as_patient, world, data, htmx):
    with rolled_back():
        response, changed = _post(
            as_patient, reverse("planner:profile"), data, htmx, {"planner.Profile"}
        )
        if response.status_code == 302:
            profile = Profile.objects.get(user=world.patient)
            today = dt.date.today()
            assert profile.birth_date is None or profile.birth_date <= today
            assert profile.labs_date is None or profile.labs_date <= today
            assert profile.egfr is None or 0 <= profile.egfr <= 200
            for value in (profile.egfr, profile.serum_k, profile.serum_mg):
                assert value is None or math.isfinite(value)
            assert profile.serum_k_mmol is None or 1.5 <= profile.serum_k_mmol <= 9.0
            assert profile.serum_mg_mmol is None or 0.19 <= profile.serum_mg_mmol <= 5.01
        else:
            assert response.status_code == 200
            assert not changed


medicine_codes = st.one_of(st.sampled_from([m.code for m in catalogue.MEDICINES[:20]]), st.just(""))


@ROBUST
@given(
    data=form({"code": medicine_codes, "q": st.text(max_size=20)}),
    htmx=st.booleans(),
    add=st.booleans(),
)
def test_adding_and_removing_medicines_changes_one_row_or_nothing(
    as_patient, world, data, htmx, add
):
    ProfileMedicine.objects.get_or_create(
        profile=world.patient.profile, code=catalogue.MEDICINES[0].code
    )
    name = "planner:profile_medicine_add" if add else "planner:profile_medicine_remove"
    with rolled_back():
        before = set(ProfileMedicine.objects.values_list("code", flat=True))
        _post(as_patient, reverse(name), data, htmx, {"planner.ProfileMedicine"})
        after = set(ProfileMedicine.objects.values_list("code", flat=True))
        assert len(before ^ after) <= 1
        if add:
            assert after >= before
            assert all(catalogue.get_medicine(code) for code in after - before)
        else:
            assert after <= before


# --- the day editor: items --------------------------------------------------------------

food_refs = st.one_of(st.sampled_from(["@food", "@private_food", "@strangers_food", "@swap"]), ids)
AMOUNT = {
    "portion": st.one_of(st.sampled_from(["", "@portion"]), ids),
    "quantity": number(0.01, 50),
    "grams": number(0.1, 5000),
    "meal": choice(MEALS),
}
ITEM_ADD = {
    **AMOUNT,
    "food": food_refs,
    "key": st.one_of(st.just(""), st.from_regex(r"\A[A-Za-z0-9_-]{8,40}\Z"), texts),
}
ITEM_TABLES = {"planner.MealItem", "planner.Plan", HISTORY}


def _check_item(item: MealItem, world: World) -> None:
    assert item.day.plan.owner_id == world.patient.pk
    assert item.meal in MEALS
    assert math.isfinite(item.grams) and 0 < item.grams <= MAX_ITEM_GRAMS
    assert item.food.owner_id in (None, world.patient.pk)
    if item.portion_id is not None:
        assert item.portion.food_id == item.food_id
        assert item.quantity is not None and math.isfinite(item.quantity) and item.quantity > 0
        assert item.grams == pytest.approx(item.portion.grams * item.quantity)


def _plainly_valid_grams(data: dict[str, str], world: World) -> bool:
    grams = _finite_float(data.get("grams"))
    return (
        data.get("food") in (str(world.food.pk), str(world.private_food.pk))
        and data.get("meal") in MEALS
        and not data.get("portion")
        and not data.get("quantity")
        and not data.get("key")
        and grams is not None
        and data["grams"] == repr(grams)
        and 0.1 <= grams <= MAX_ITEM_GRAMS
    )


@ROBUST
@given(data=form(ITEM_ADD), htmx=st.booleans())
def test_adding_an_item_adds_one_sensible_item_or_nothing(as_patient, world, data, htmx):
    data = resolve(data, world)
    with rolled_back():
        before = set(MealItem.objects.values_list("pk", flat=True))
        url = reverse("planner:item_add", args=[world.day.pk])
        _, changed = _post(as_patient, url, data, htmx, ITEM_TABLES)
        _all_or_nothing(changed, "planner.MealItem")
        added = MealItem.objects.exclude(pk__in=before)
        assert len(added) <= 1
        assert MealItem.objects.filter(pk__in=before).count() == len(before)
        for new in added:
            assert new.day_id == world.day.pk
            _check_item(new, world)
        if _plainly_valid_grams(data, world):
            assert len(added) == 1, data
            assert added[0].grams == float(data["grams"])


@ROBUST
@given(data=form(AMOUNT), htmx=st.booleans())
def test_changing_an_item_keeps_it_sensible_or_unchanged(as_patient, world, data, htmx):
    data = resolve(data, world)
    with rolled_back():
        url = reverse("planner:item_update", args=[world.item.pk])
        plan_before = Plan.objects.filter(pk=world.plan.pk).values().get()
        _, changed = _post(as_patient, url, data, htmx, ITEM_TABLES)
        if changed == {"planner.Plan"}:
            # The same amount sent again: accepted, the item saved as it was and the
            # plan marked as just edited; nothing else, no history line.
            plan_after = Plan.objects.filter(pk=world.plan.pk).values().get()
            assert {k for k in plan_after if plan_after[k] != plan_before[k]} == {"updated_at"}
        else:
            _all_or_nothing(changed, "planner.MealItem")
        _check_item(MealItem.objects.get(pk=world.item.pk), world)
        assert MealItem.objects.count() == 3


@ROBUST
@given(data=form({"food": st.one_of(st.just("@swap"), food_refs)}), htmx=st.booleans())
def test_a_swap_takes_only_a_suggested_food(as_patient, world, data, htmx):
    data = resolve(data, world)
    with rolled_back():
        url = reverse("planner:item_swap", args=[world.item.pk])
        _, changed = _post(as_patient, url, data, htmx, ITEM_TABLES)
        _all_or_nothing(changed, "planner.MealItem")
        item = MealItem.objects.get(pk=world.item.pk)
        _check_item(item, world)
        if changed:
            assert item.food.potassium_mg < world.food.potassium_mg


@FEW
@given(data=form({"token": texts}), htmx=st.booleans())
def test_undo_with_a_made_up_token_changes_nothing(as_patient, world, data, htmx):
    with rolled_back():
        url = reverse("planner:item_undo", args=[world.day.pk])
        _, changed = _post(as_patient, url, data, htmx, set())
        assert not changed


# --- days, meals and plans --------------------------------------------------------------

day_refs = st.one_of(st.sampled_from(["@day", "@other_day", "@strangers_day"]), ids)


@ROBUST
@given(
    data=form(
        {
            "source_meal": choice(MEALS),
            "target_day": day_refs,
            "target_meal": choice(MEALS),
        }
    ),
    htmx=st.booleans(),
)
def test_copying_a_meal_copies_into_the_owners_own_day_or_nothing(as_patient, world, data, htmx):
    data = resolve(data, world)
    with rolled_back():
        before = set(MealItem.objects.values_list("pk", flat=True))
        url = reverse("planner:meal_copy", args=[world.day.pk])
        _, changed = _post(as_patient, url, data, htmx, ITEM_TABLES)
        _all_or_nothing(changed, HISTORY)
        added = list(MealItem.objects.exclude(pk__in=before))
        for new in added:
            assert str(new.day_id) == data["target_day"]
            assert new.meal == data["target_meal"]
            _check_item(new, world)
        assert world.strangers_day.items.count() == 1


names = st.one_of(st.text(min_size=1, max_size=60), st.text(min_size=55, max_size=130))


@ROBUST
@given(data=form({"name": names}), htmx=st.booleans())
def test_renaming_a_day_saves_a_sensible_name_or_nothing(as_patient, world, data, htmx):
    with rolled_back():
        url = reverse("planner:day_rename", args=[world.day.pk])
        _, changed = _post(as_patient, url, data, htmx, {"planner.PlanDay", HISTORY})
        _all_or_nothing(changed, "planner.PlanDay")
        name = PlanDay.objects.get(pk=world.day.pk).name
        assert name.strip() and len(name) <= 60 and "\x00" not in name


@FEW
@given(data=form({"direction": choice(["up", "down"])}), htmx=st.booleans())
def test_moving_a_day_keeps_the_positions_a_permutation(as_patient, world, data, htmx):
    with rolled_back():
        url = reverse("planner:day_move", args=[world.other_day.pk])
        _post(as_patient, url, data, htmx, {"planner.PlanDay", HISTORY})
        positions = sorted(world.plan.days.values_list("position", flat=True))
        assert positions in ([0, 1], [world.day.position, world.other_day.position])


@ROBUST
@given(data=form({"name": names}), htmx=st.booleans(), rename=st.booleans())
def test_creating_or_renaming_a_plan_saves_a_sensible_name_or_nothing(
    as_patient, world, data, htmx, rename
):
    with rolled_back():
        if rename:
            url = reverse("planner:plan_rename", args=[world.plan.pk])
            tables = {"planner.Plan", HISTORY}
        else:
            url = reverse("planner:plan_create")
            tables = {"planner.Plan", "planner.PlanDay", HISTORY}
        _, changed = _post(as_patient, url, data, htmx, tables)
        _all_or_nothing(changed, "planner.Plan")
        for plan in Plan.objects.filter(owner=world.patient):
            assert plan.name.strip() and len(plan.name) <= 120 and "\x00" not in plan.name
            assert plan.days.exists()


@FEW
@given(
    data=form(
        {
            "unit": choice(["mg", "mmol", "meq"]),
            "next": st.sampled_from(
                [
                    "/plans/",
                    "/days/1/",
                    "",
                    "//evil.example",
                    "https://evil.example/",
                    "a b",
                    "planner:plan_list",
                    "/\\evil.example",
                ]
            ),
        }
    ),
    htmx=st.booleans(),
)
def test_the_unit_toggle_stores_a_known_unit_and_redirects_home(as_patient, world, data, htmx):
    with rolled_back():
        response, _ = _post(
            as_patient, reverse("planner:unit_set"), data, htmx, {"planner.Profile"}
        )
        assert Profile.objects.get(user=world.patient).display_unit in ("mg", "mmol", "meq")
        if response.status_code == 302:
            assert response["Location"].startswith("/")
            assert not response["Location"].startswith("//")


# --- dietitians: targets, invitations, plans for clients ---------------------------------

TARGET = {
    "nutrient": choice(Nutrient.values),
    "minimum": number(0, 3000),
    "maximum": number(0, 25_000),
    "reason": st.text(min_size=1, max_size=310),
}


@ROBUST
@given(data=form(TARGET), htmx=st.booleans())
def test_a_custom_target_is_sensible_or_not_saved(as_dietitian, world, data, htmx):
    with rolled_back():
        url = reverse("planner:client_target_set", args=[world.patient.pk])
        _, changed = _post(as_dietitian, url, data, htmx, {"planner.CustomTarget", HISTORY})
        _all_or_nothing(changed, "planner.CustomTarget")
        for target in CustomTarget.objects.all():
            bounds = [v for v in (target.minimum, target.maximum) if v is not None]
            assert bounds and all(math.isfinite(v) and v >= 0 for v in bounds)
            if len(bounds) == 2:
                assert target.minimum <= target.maximum
            assert target.reason.strip() and "\x00" not in target.reason
            assert target.set_by_id == world.dietitian.pk


@FEW
@given(
    data=form({"nutrient": st.one_of(st.just("potassium_mg"), choice(Nutrient.values))}),
    htmx=st.booleans(),
)
def test_removing_a_custom_target_removes_one_or_nothing(as_dietitian, world, data, htmx):
    with rolled_back():
        CustomTarget.objects.create(
            profile=world.patient.profile,
            nutrient=Nutrient.POTASSIUM,
            maximum=2500,
            reason="Serum K 5.6",
            set_by=world.dietitian,
        )
        url = reverse("planner:client_target_remove", args=[world.patient.pk])
        _, changed = _post(as_dietitian, url, data, htmx, {"planner.CustomTarget", HISTORY})
        _all_or_nothing(changed, "planner.CustomTarget")


@ROBUST
@given(
    data=form({"email": st.one_of(st.emails().map(str), st.just(""))}),
    htmx=st.booleans(),
)
def test_an_invitation_is_created_whole_or_not_at_all(as_dietitian, world, data, htmx, mailoutbox):
    with rolled_back():
        _, changed = _post(
            as_dietitian,
            reverse("planner:invite_create"),
            data,
            htmx,
            {"planner.CareLink", HISTORY},
        )
        _all_or_nothing(changed, "planner.CareLink")
        for link in CareLink.objects.filter(status="pending"):
            assert "\x00" not in link.email


tokens = st.one_of(st.from_regex(r"\A[-a-zA-Z0-9_]{1,80}\Z"), st.just("@invite"))


@FEW
@given(token=tokens, action=st.sampled_from(["invite_accept", "invite_decline", "invite_detail"]))
def test_answering_an_invitation_by_a_made_up_token_is_a_404(client, world, token, action):
    client.force_login(world.stranger)
    token = world.invite.token if token == "@invite" else token
    with rolled_back():
        before = snapshot()
        url = reverse(f"planner:{action}", args=[token])
        response = client.get(url) if action == "invite_detail" else client.post(url)
        assert_no_server_error(response)
        if token != world.invite.token:
            assert response.status_code == 404
            assert snapshot() == before


@ROBUST
@given(data=form({"name": names}), htmx=st.booleans(), template=st.booleans())
def test_a_plan_for_a_client_or_a_template_is_created_whole_or_not_at_all(
    as_dietitian, world, data, htmx, template
):
    with rolled_back():
        if template:
            url = reverse("planner:template_create")
        else:
            url = reverse("planner:client_plan_create", args=[world.patient.pk])
        tables = {"planner.Plan", "planner.PlanDay", HISTORY}
        _, changed = _post(as_dietitian, url, data, htmx, tables)
        _all_or_nothing(changed, "planner.Plan")
        for plan in Plan.objects.all():
            assert plan.name.strip() and "\x00" not in plan.name and plan.days.exists()


@ROBUST
@given(
    data=form(
        {
            "template": st.one_of(
                st.just("@plan"), st.sampled_from(["@plan", "@strangers_plan"]), ids
            ),
            "client": st.one_of(st.sampled_from(["@patient"]), ids),
            "name": names,
            "back": choice(["client", ""]),
        }
    ),
    htmx=st.booleans(),
)
def test_applying_a_template_copies_only_the_dietitians_own_template(
    as_dietitian, world, data, htmx
):
    data = resolve(data, world)
    with rolled_back():
        template = Plan.objects.create(
            owner=world.dietitian, author=world.dietitian, name="Low K week", is_template=True
        )
        PlanDay.objects.create(plan=template, name="Monday")
        if data.get("template") == str(world.plan.pk):
            data["template"] = str(template.pk)
        before = set(Plan.objects.values_list("pk", flat=True))
        tables = {"planner.Plan", "planner.PlanDay", "planner.MealItem", HISTORY}
        response, changed = _post(
            as_dietitian, reverse("planner:template_apply"), data, htmx, tables
        )
        _all_or_nothing(changed, "planner.Plan")
        for plan in Plan.objects.exclude(pk__in=before):
            assert plan.owner_id == world.patient.pk and not plan.is_template
        if response.status_code == 302:
            assert response["Location"].startswith("/")


# --- comments and share links ------------------------------------------------------------

bodies = st.one_of(st.text(min_size=1, max_size=300), st.text(min_size=1990, max_size=2010))


@ROBUST
@given(
    data=form({"body": bodies}),
    htmx=st.booleans(),
    where=st.sampled_from(["plan", "day", "item"]),
)
def test_a_comment_is_saved_whole_or_not_at_all(as_patient, world, data, htmx, where):
    url = {
        "plan": reverse("planner:plan_comment_add", args=[world.plan.pk]),
        "day": reverse("planner:day_comment_add", args=[world.day.pk]),
        "item": reverse("planner:item_comment_add", args=[world.item.pk]),
    }[where]
    with rolled_back():
        before = set(Comment.objects.values_list("pk", flat=True))
        tables = {"planner.Comment", "planner.CommentRead", "planner.Plan"}
        _, changed = _post(as_patient, url, data, htmx, tables)
        added = list(Comment.objects.exclude(pk__in=before))
        assert len(added) <= 1
        if not added:
            # Reading the thread again marks the dietitian's comment read; nothing else.
            assert changed <= {"planner.CommentRead"}
        for comment in added:
            assert comment.body.strip() and len(comment.body) <= 2000
            assert "\x00" not in comment.body
            assert comment.author_id == world.patient.pk and comment.plan_id == world.plan.pk


@FEW
@given(htmx=st.booleans())
def test_marking_the_inbox_read_writes_only_read_receipts(as_patient, world, htmx):
    with rolled_back():
        _, changed = _post(
            as_patient, reverse("planner:comments_mark_read"), {}, htmx, {"planner.CommentRead"}
        )
        assert changed == {"planner.CommentRead"}


SHARE = {
    "days": number(1, 90),
    "label": st.one_of(st.text(max_size=40), st.text(min_size=115, max_size=125)),
    "show_name": choice(["on", "", "true", "false"]),
}


@ROBUST
@given(data=form(SHARE), htmx=st.booleans())
def test_a_share_link_is_made_whole_and_within_limits_or_not_at_all(as_patient, world, data, htmx):
    with rolled_back():
        before = set(ShareLink.objects.values_list("pk", flat=True))
        url = reverse("planner:share_create", args=[world.plan.pk])
        _, changed = _post(as_patient, url, data, htmx, {"planner.ShareLink", HISTORY})
        _all_or_nothing(changed, "planner.ShareLink")
        for link in ShareLink.objects.exclude(pk__in=before):
            days = (link.expires_at - timezone.now()).total_seconds() / 86400
            assert 0 < days <= 90
            assert len(link.label) <= 120 and "\x00" not in link.label
            assert link.plan_id == world.plan.pk


@FEW
@given(pk=st.one_of(st.sampled_from(["@share", "@strangers_share"]), st.integers(0, 10**18)))
def test_withdrawing_a_share_link_by_id_touches_only_ones_own(as_patient, world, pk):
    pk = {"@share": world.share.pk, "@strangers_share": world.strangers_share.pk}.get(pk, pk)
    with rolled_back():
        url = reverse("planner:share_revoke", args=[pk])
        response, changed = _post(as_patient, url, {}, False, {"planner.ShareLink", HISTORY})
        if pk != world.share.pk:
            assert response.status_code == 404 and not changed
        assert ShareLink.objects.get(pk=world.strangers_share.pk).revoked_at is None
