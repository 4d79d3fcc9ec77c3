from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from clinical import nutrients as clinical_nutrients
from clinical import targets as clinical_targets
from nutrition.models import Food, Portion

MAX_ITEM_GRAMS = 5000.0
# New days are named after the week, then "Day 8", "Day 9"…
WEEK_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def next_position(rows: models.QuerySet) -> int:
    """The position after the last of `rows` (days of a plan, items of a day).

    The one rule for a new row's place: positions count from 0, and a new row goes
    after every row committed before it (the caller holds the lock that makes that true).
    """
    last = rows.aggregate(last=models.Max("position"))["last"]
    return 0 if last is None else last + 1


# The statuses of clinical/data/kidney.toml, one list with one set of labels:
# KidneyStatus.NONE, .G3A, .HD ... (the code upper-cased).
KidneyStatus = models.TextChoices(
    "KidneyStatus",
    [(code.upper(), (code, label)) for code, label in clinical_targets.KIDNEY_STATUSES.items()],
)


# mg, mmol or mEq, as clinical.nutrients converts them: DisplayUnit.MG, .MMOL, .MEQ.
DisplayUnit = models.TextChoices(
    "DisplayUnit",
    [(key.upper(), (key, label)) for key, label in clinical_nutrients.UNIT_LABELS.items()],
)


class Profile(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"

    class Reproductive(models.TextChoices):
        NONE = "none", "Neither"
        PREGNANT = "pregnant", "Pregnant"
        LACTATING = "lactating", "Breastfeeding"

    class SerumMgUnit(models.TextChoices):
        MMOL_L = "mmol/L", "mmol/L"
        MG_DL = "mg/dL", "mg/dL"
        MEQ_L = "mEq/L", "mEq/L"

    class SerumKUnit(models.TextChoices):
        MMOL_L = "mmol/L", "mmol/L"
        MEQ_L = "mEq/L", "mEq/L"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=8, choices=Sex.choices, blank=True)
    reproductive = models.CharField(
        "pregnancy or breastfeeding",
        max_length=10,
        choices=Reproductive.choices,
        default=Reproductive.NONE,
    )
    kidney_status = models.CharField(
        max_length=12, choices=KidneyStatus.choices, default=KidneyStatus.NONE
    )
    egfr = models.FloatField(
        "eGFR (mL/min/1.73 m²)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(200)],
    )
    serum_k = models.FloatField("latest serum potassium", null=True, blank=True)
    serum_k_unit = models.CharField(
        max_length=8, choices=SerumKUnit.choices, default=SerumKUnit.MMOL_L
    )
    serum_mg = models.FloatField("latest serum magnesium", null=True, blank=True)
    serum_mg_unit = models.CharField(
        max_length=8, choices=SerumMgUnit.choices, default=SerumMgUnit.MMOL_L
    )
    labs_date = models.DateField("date of these results", null=True, blank=True)
    display_unit = models.CharField(
        max_length=4, choices=DisplayUnit.choices, default=DisplayUnit.MG
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    def age_on(self, day: dt.date) -> float | None:
        if self.birth_date is None:
            return None
        return (day - self.birth_date).days / 365.2425

    @property
    def age(self) -> float | None:
        return self.age_on(dt.date.today())

    @property
    def serum_k_mmol(self) -> float | None:
        # For potassium (valence 1) mEq/L and mmol/L are the same number.
        return self.serum_k

    @property
    def serum_mg_mmol(self) -> float | None:
        if self.serum_mg is None:
            return None
        # A unit outside the choices (set in the admin, say) is read as mmol/L.
        unit = self.serum_mg_unit
        if unit not in self.SerumMgUnit.values:
            unit = self.SerumMgUnit.MMOL_L
        return clinical_nutrients.serum_mg_to_mmol_l(self.serum_mg, unit)

    @property
    def medicine_codes(self) -> list[str]:
        return [m.code for m in self.medicines.all()]


class ProfileMedicine(models.Model):
    """A medicine the person takes, as a code of the catalogue in clinical.medicines."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="medicines")
    code = models.CharField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "code"], name="profile_medicine_unique")
        ]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


# The nutrients of the registry (clinical.nutrients), minerals first:
# Nutrient.MAGNESIUM = "magnesium_mg", Nutrient.ENERGY = "energy_kcal" ...
Nutrient = models.TextChoices(
    "Nutrient",
    [
        (n.field.split("_")[0].upper(), (n.field, n.label))
        for n in clinical_nutrients.MINERALS_FIRST
    ],
)


class CustomTarget(models.Model):
    """A personal minimum and/or maximum that overrides the default target."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="custom_targets")
    nutrient = models.CharField(max_length=16, choices=Nutrient.choices)
    minimum = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    maximum = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    reason = models.CharField(max_length=300)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "nutrient"], name="custom_target_unique"),
            models.CheckConstraint(
                condition=models.Q(minimum__isnull=False) | models.Q(maximum__isnull=False),
                name="custom_target_has_a_bound",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_nutrient_display()} for {self.profile.user}"


class PlanManager(models.Manager["Plan"]):
    def create_plan(
        self,
        owner,
        author,
        name: str,
        *,
        days: tuple[str, ...] = WEEK_DAY_NAMES[:1],
        is_template: bool = False,
    ) -> Plan:
        """A plan with its days (a first day unless told), recorded in the owner's history.

        `author` plans for `owner`: themselves, or a dietitian for a client.
        """
        from planner import history  # planner.history imports this module

        kind = "template" if is_template else "plan"
        with transaction.atomic(savepoint=False):
            plan = self.create(owner=owner, author=author, name=name, is_template=is_template)
            PlanDay.objects.bulk_create(
                PlanDay(plan=plan, position=position, name=day_name)
                for position, day_name in enumerate(days)
            )
            # The history shows who acted beside each summary, so the summary names
            # only what happened: it reads right to the client and the dietitian.
            history.record(author, owner, f"{kind}-created", f"Created the {kind} “{name}”", plan)
        return plan


class Plan(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans"
    )
    # Who built it: the owner, or a dietitian planning for the owner.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_plans",
    )
    name = models.CharField(max_length=120)
    notes = models.TextField(blank=True)
    # A dietitian's reusable plan: applied to a client as a copy, never shared as is.
    is_template = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanManager()

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("planner:plan_detail", args=[self.pk])

    def lock(self, *, days: bool = False) -> None:
        """Make writes to this plan's days take turns, until this transaction ends.

        Days added at once each get their own next position. With `days`, the plan's
        days are locked first (in id order, the same in every session): item writes
        take a day and then its plan (PlanDay.lock, then touch), so deleting the plan
        takes them in that order too and an item added meanwhile cannot fail at commit.
        A write that finds its plan deleted meanwhile answers 404, as its lookup would.
        """
        if days:
            list(self.days.select_for_update(no_key=True).order_by("id").values_list("id"))
        if not Plan.objects.select_for_update(no_key=True).filter(pk=self.pk).exists():
            raise Http404("That plan was deleted meanwhile.")

    def touch(self) -> None:
        # "Changed" lists sort by updated_at: any change to a day or an item bumps it.
        self.save(update_fields=["updated_at"])

    def add_day(self, name: str | None = None) -> PlanDay:
        """A new last day, named after the week unless `name` is given."""
        with transaction.atomic(savepoint=False):
            self.lock()
            if name is None:
                count = self.days.count()
                name = WEEK_DAY_NAMES[count] if count < len(WEEK_DAY_NAMES) else f"Day {count + 1}"
            day = PlanDay.objects.create(plan=self, position=next_position(self.days), name=name)
            self.touch()
        return day

    def copy(self, owner, author, name: str, *, is_template: bool = False) -> Plan:
        """A full copy owned by `owner`: notes, days and items; this plan is not touched.

        Five queries whatever its size: read the days and the items, write the plan,
        its days, its items (SQLite splits a bulk insert of more than ~100 items).
        """
        days = list(self.days.order_by("position", "id"))
        # Items of the days read above only: a day added meanwhile is not in this copy.
        items = MealItem.objects.filter(day__in=days).order_by("day_id", "position", "id")
        with transaction.atomic(savepoint=False):
            copy = Plan.objects.create(
                owner=owner, author=author, name=name, notes=self.notes, is_template=is_template
            )
            new_days = PlanDay.objects.bulk_create(
                [PlanDay(plan=copy, position=day.position, name=day.name) for day in days]
            )
            day_map = {old.id: new for old, new in zip(days, new_days, strict=True)}
            MealItem.objects.bulk_create(
                [item.unsaved_copy(day_map[item.day_id], item.position) for item in items]
            )
        return copy


class PlanDay(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="days")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return f"{self.plan.name}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("planner:day_editor", args=[self.pk])

    def lock(self) -> None:
        """Make writes to this day's items take turns, until this transaction ends.

        Two sessions may edit a day at once (a client and their dietitian, two tabs).
        Under the lock the next position is read after the other's item is in, and an
        item the other removed is seen as gone instead of being saved back (an UPDATE
        that finds no row makes Django INSERT it again). On SQLite the IMMEDIATE
        transaction already lets one writer in at a time; FOR UPDATE is skipped there.
        A write that finds its day deleted meanwhile answers 404, as its lookup would.
        """
        if not PlanDay.objects.select_for_update(no_key=True).filter(pk=self.pk).exists():
            raise Http404("That day was deleted meanwhile.")

    def next_position(self) -> int:
        # One sequence for the whole day, not one per meal: positions order the items
        # as they were added, also across meals (an item moved to another meal goes last).
        return next_position(self.items)

    def add_item(
        self,
        *,
        meal: str,
        food: Food,
        grams: float,
        portion: Portion | None = None,
        quantity: float | None = None,
        submission_key: str | None = None,
        position: int | None = None,
    ) -> MealItem:
        """A new item, last in the day unless `position` puts it back where it was."""
        with transaction.atomic(savepoint=False):
            self.lock()
            item = MealItem.objects.create(
                day=self,
                meal=meal,
                food=food,
                grams=grams,
                portion=portion,
                quantity=quantity,
                position=self.next_position() if position is None else position,
                submission_key=submission_key,
            )
            self.plan.touch()
        return item

    def add_items(self, items, *, meal: str | None = None) -> list[MealItem]:
        """Copies of `items` (of any day) last in this day, in their order, in one insert.

        `meal` puts every copy in that meal instead of the meal of its original.
        """
        with transaction.atomic(savepoint=False):
            self.lock()
            start = self.next_position()
            copies = MealItem.objects.bulk_create(
                [item.unsaved_copy(self, start + n, meal) for n, item in enumerate(items)]
            )
            self.plan.touch()
        return copies

    def copy(self, name: str | None = None) -> PlanDay:
        """A copy of this day and its items, last in its plan; "<name> (copy)" unless named."""
        with transaction.atomic(savepoint=False):
            copy = self.plan.add_day(name or f"{self.name} (copy)"[:60])
            copy.add_items(self.items.order_by("position", "id"))
        return copy


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", "Breakfast"
    LUNCH = "lunch", "Lunch"
    DINNER = "dinner", "Dinner"
    SNACK = "snack", "Snacks"


MEAL_ORDER = [m.value for m in Meal]


class MealItem(models.Model):
    day = models.ForeignKey(PlanDay, on_delete=models.CASCADE, related_name="items")
    meal = models.CharField(max_length=10, choices=Meal.choices)
    food = models.ForeignKey(Food, on_delete=models.PROTECT, related_name="meal_items")
    # Grams eaten, always set: portion.grams × quantity when a portion is used.
    grams = models.FloatField(
        validators=[MinValueValidator(0.001), MaxValueValidator(MAX_ITEM_GRAMS)]
    )
    portion = models.ForeignKey(
        Portion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    quantity = models.FloatField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # The one-time key of the form that added this item: a double submit of the
    # same form hits the unique constraint instead of adding the item twice. NULL (not "")
    # for items made any other way, so the partial unique constraint ignores them.
    submission_key = models.CharField(  # noqa: DJ001
        max_length=40, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["day", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grams__gt=0) & models.Q(grams__lte=MAX_ITEM_GRAMS),
                name="meal_item_grams_range",
            ),
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=models.Q(submission_key__isnull=False),
                name="meal_item_submission_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount_label} {self.food.name}"

    @property
    def amount_label(self) -> str:
        if self.portion_id and self.quantity:
            return f"{self.quantity:g} × {self.portion.label}"
        return f"{self.grams:g} g"

    def unsaved_copy(self, day: PlanDay, position: int, meal: str | None = None) -> MealItem:
        # What a copy keeps; never the submission key, which belongs to one form.
        return MealItem(
            day=day,
            meal=meal or self.meal,
            food_id=self.food_id,
            grams=self.grams,
            portion_id=self.portion_id,
            quantity=self.quantity,
            position=position,
        )

    def _still_there(self) -> bool:
        # Under the day's lock: removed by another session (or a double click) meanwhile?
        self.day.lock()
        return MealItem.objects.filter(pk=self.pk).exists()

    def change(
        self, *, meal: str, grams: float, portion: Portion | None, quantity: float | None
    ) -> bool:
        """Change the amount or meal; False (nothing saved) if the item was removed meanwhile."""
        with transaction.atomic(savepoint=False):
            if not self._still_there():
                return False
            if meal != self.meal:
                self.position = self.day.next_position()
            self.meal, self.grams, self.portion, self.quantity = meal, grams, portion, quantity
            self.save()
            self.day.plan.touch()
        return True

    def swap_for(self, food: Food) -> bool:
        """Another food, same grams; False (nothing saved) if the item was removed meanwhile."""
        with transaction.atomic(savepoint=False):
            if not self._still_there():
                return False
            # Same grams: swaps have similar energy per 100 g, so the meal stays about as big.
            self.food, self.portion, self.quantity = food, None, None
            self.save()
            self.day.plan.touch()
        return True

    def remove(self) -> bool:
        """Delete the item; False if it was removed meanwhile."""
        with transaction.atomic(savepoint=False):
            if not self._still_there():
                return False
            self.delete()
            self.day.plan.touch()
        return True


class CareLink(models.Model):
    """A dietitian's link to a client: an invitation first, then an active link.

    Either side can end it; the history of links is kept, so a client can see
    who had access and when.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Invited"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"

    dietitian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_links"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dietitian_links",
    )
    email = models.EmailField("client's e-mail", blank=True)
    token = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dietitian", "client"],
                condition=models.Q(status="active"),
                name="carelink_one_active_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["client", "status"], name="carelink_client_status")]

    def __str__(self) -> str:
        return f"{self.dietitian} → {self.client or self.email or 'invite'} ({self.status})"

    def close(self, by) -> None:
        """End the link or the invitation: access stops when this is committed."""
        self.status = CareLink.Status.ENDED
        self.ended_at = timezone.now()
        self.ended_by = by
        self.save(update_fields=["status", "ended_at", "ended_by"])


class Comment(models.Model):
    """A note on a plan, one of its days or one item, by the client or a dietitian."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments")
    day = models.ForeignKey(
        PlanDay, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    # A comment on an item stays with its day when the item is removed.
    item = models.ForeignKey(
        MealItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    item_label = models.CharField(max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_comments"
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["plan", "created_at"], name="comment_plan_created")]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class CommentRead(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="comment_read_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} read comment {self.comment_id}"


class ShareLink(models.Model):
    """A read-only link to a plan for someone without an account."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField("who it is for", max_length=120, blank=True)
    show_name = models.BooleanField("show the plan owner's name", default=False)
    # Off by default: what a link shows beyond the meals is the sharer's choice
    # (planner.sharing.report decides what each option lets through).
    show_targets = models.BooleanField("show targets and warnings", default=False)
    show_notes = models.BooleanField("show the plan's notes", default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Share of {self.plan} ({self.label or 'no label'})"


class HistoryEvent(models.Model):
    """Who changed what in a person's plans and targets, and when."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="history_events"
    )
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="history"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    summary = models.CharField(max_length=400)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="history_owner_recent")]

    def __str__(self) -> str:
        return self.summary
