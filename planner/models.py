from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from nutrition.models import Food, Portion

MAX_ITEM_GRAMS = 5000.0


class KidneyStatus(models.TextChoices):
    NONE = "none", "No known kidney disease"
    G1 = "g1", "CKD G1 (eGFR ≥ 90)"
    G2 = "g2", "CKD G2 (eGFR 60–89)"
    G3A = "g3a", "CKD G3a (eGFR 45–59)"
    G3B = "g3b", "CKD G3b (eGFR 30–44)"
    G4 = "g4", "CKD G4 (eGFR 15–29)"
    G5 = "g5", "CKD G5 (eGFR < 15), not on dialysis"
    HD = "hd", "Hemodialysis"
    PD = "pd", "Peritoneal dialysis"
    TRANSPLANT = "transplant", "Kidney transplant"


class DisplayUnit(models.TextChoices):
    MG = "mg", "mg"
    MMOL = "mmol", "mmol"
    MEQ = "meq", "mEq"


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
        if self.serum_mg_unit == self.SerumMgUnit.MG_DL:
            return self.serum_mg * 0.4114  # clinical.md §6
        if self.serum_mg_unit == self.SerumMgUnit.MEQ_L:
            return self.serum_mg / 2  # Mg is divalent
        return self.serum_mg

    @property
    def medicine_codes(self) -> list[str]:
        return [m.code for m in self.medicines.all()]


class ProfileMedicine(models.Model):
    """A medicine the person takes, as a code of the catalogue in nutrition.medicines."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="medicines")
    code = models.CharField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "code"], name="profile_medicine_unique")
        ]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Nutrient(models.TextChoices):
    MAGNESIUM = "magnesium_mg", "Magnesium"
    POTASSIUM = "potassium_mg", "Potassium"
    SODIUM = "sodium_mg", "Sodium"
    PHOSPHORUS = "phosphorus_mg", "Phosphorus"
    CALCIUM = "calcium_mg", "Calcium"
    ENERGY = "energy_kcal", "Energy"
    PROTEIN = "protein_g", "Protein"


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

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("planner:plan_detail", args=[self.pk])


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
    # (planner.public_report decides what each option lets through).
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
