from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinical import nutrients
from nutrition import plausibility
from nutrition.text import normalize

# The seven per-100 g nutrients the app tracks, in display order: the fields of
# the nutrient registry (clinical/data/nutrients.toml).
NUTRIENT_FIELDS = nutrients.FIELDS
SEARCH_NAME_MAX = 255

# -- Change history (django-simple-history); reading it is nutrition.history ------------

BASELINE_REASON = "Values before the first recorded change"


@contextmanager
def recording_history(instance: models.Model, *, force: bool = False) -> Iterator[None]:
    """Wrap a save: write a baseline first if the row has no history, and keep no
    record for a save that changes nothing tracked.

    The bundled data is written with bulk queries that keep no history, so the
    first hand edit of a food would have nothing to compare with: the baseline is
    the row as it was in the database before that edit, which lets every later
    change show old → new values. A save that changes nothing tracked (the
    supplements sync saves every row on each run) leaves no record, unless the
    caller asks for one with `force` or the instance's `force_history`.
    """
    model = type(instance)
    skip = False
    if not instance._state.adding and instance.pk is not None:
        stored = model._default_manager.filter(pk=instance.pk).first()
        if stored is not None:
            fields = [field.attname for field in model.history.model.tracked_fields]
            if not model.history.filter(**{model._meta.pk.attname: instance.pk}).exists():
                # The baseline is dated when the loader wrote the row, when known.
                when = getattr(stored, "updated_at", None) or timezone.now()
                model.history.bulk_history_create(
                    [stored],
                    update=True,
                    default_date=when,
                    default_change_reason=BASELINE_REASON,
                    default_user=None,
                )
            unchanged = all(getattr(stored, f) == getattr(instance, f) for f in fields)
            skip = unchanged and not force and not getattr(instance, "force_history", False)
    if skip and not hasattr(instance, "skip_history_when_saving"):
        instance.skip_history_when_saving = True
        try:
            yield
        finally:
            del instance.skip_history_when_saving
    else:
        yield


class FoodGroup(models.Model):
    # USDA SR food group code: the first two digits of the NDB number ("09" = fruits).
    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def visible_to_curators(prefix: str = "") -> models.Q:
    """The foods curators may see: a user's food is private until its author sends it
    for review. `prefix` leads from another model to its food ("food__"); the
    historical food model has the same fields, so the rule works on it too."""
    return ~models.Q(**{f"{prefix}source": Food.Source.USER}) | models.Q(
        **{f"{prefix}review_status": Food.Review.PENDING}
    )


class FoodQuerySet(models.QuerySet):
    def public(self) -> FoodQuerySet:
        return self.exclude(source=Food.Source.USER)

    def visible_to(self, user) -> FoodQuerySet:
        """Public foods and, for a signed-in user, their own private foods."""
        if user is None or not user.is_authenticated:
            return self.public()
        return self.filter(~models.Q(source=Food.Source.USER) | models.Q(owner=user))


class Food(models.Model):
    class Kind(models.TextChoices):
        FOOD = "food", "Food"
        SUPPLEMENT = "supplement", "Supplement"

    class Source(models.TextChoices):
        USDA_SR24 = "usda-sr24", "USDA SR24"
        FDC = "fdc", "USDA FoodData Central"
        CURATED = "curated", "Curated"
        USER = "user", "User food"

    class Review(models.TextChoices):
        # A user food's way to the public database; blank for every other food.
        NONE = "", "—"
        PRIVATE = "private", "Private"
        PENDING = "pending", "Waiting for review"
        REJECTED = "rejected", "Not accepted"
        APPROVED = "approved", "Approved"

    name = models.CharField(max_length=255)
    # Case- and accent-folded copy of the name that search matches against.
    search_name = models.CharField(max_length=SEARCH_NAME_MAX, editable=False, db_index=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    source_id = models.CharField(max_length=32)
    group = models.ForeignKey(
        FoodGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="foods"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.FOOD)

    # Per 100 g. NULL means unknown, never zero.
    energy_kcal = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    protein_g = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    magnesium_mg = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    potassium_mg = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    sodium_mg = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    phosphorus_mg = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    calcium_mg = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])

    # Potassium-chloride salt substitutes: the warnings treat them as potassium supplements.
    contains_kcl = models.BooleanField(default=False)

    # A curator checked the values against a source.
    verified = models.BooleanField(default=False)
    # When a curator last changed the food by hand. From then on load_foods and
    # import_fdc leave it alone, so a re-run cannot undo a correction.
    curated_at = models.DateTimeField(null=True, blank=True, editable=False)

    # User foods (source "user"): private to `owner` until a curator approves them,
    # which clears the owner. `created_by` stays, so the author keeps seeing it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="private_foods",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    review_status = models.CharField(
        max_length=10, choices=Review.choices, default=Review.NONE, blank=True
    )
    # The reason a curator gave for not accepting it; the author sees it.
    review_note = models.CharField("reason", max_length=500, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # search_name and updated_at follow from the rest on every save.
    history = HistoricalRecords(
        excluded_fields=["search_name", "updated_at"],
        history_change_reason_field=models.TextField(null=True),
    )

    objects = FoodQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="food_unique_source_id"),
        ]
        indexes = [
            models.Index(fields=["kind", "group"], name="food_kind_group"),
            models.Index(fields=["-magnesium_mg"], name="food_mg_desc"),
            models.Index(fields=["-potassium_mg"], name="food_k_desc"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Folding can lengthen a name ("ß" → "ss", "ﷺ" → 18 letters): cut it to the column,
        # which PostgreSQL enforces (a 500 otherwise); the cut tail is only not searchable.
        self.search_name = normalize(self.name)[:SEARCH_NAME_MAX]
        with recording_history(self):
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("nutrition:food_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        values = {field: getattr(self, field) for field in NUTRIENT_FIELDS}
        errors: dict[str, list[str]] = {}
        for field, message in plausibility.value_problems(self.kind, values):
            errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)

    @property
    def is_supplement(self) -> bool:
        return self.kind == self.Kind.SUPPLEMENT

    def per_grams(self, field: str, grams: float) -> float | None:
        value = getattr(self, field)
        return None if value is None else value * grams / 100

    def default_portion(self) -> Portion | None:
        # Uses the prefetch cache when the caller prefetched portions.
        portions = list(self.portions.all())
        return portions[0] if portions else None


class Portion(models.Model):
    food = models.ForeignKey(Food, on_delete=models.CASCADE, related_name="portions")
    label = models.CharField(max_length=160)
    grams = models.FloatField(validators=[MinValueValidator(0.001)])
    # Order within the food; the first portion is the food's default.
    seq = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["food", "seq", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(grams__gt=0), name="portion_grams_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.grams:g} g)"

    def save(self, *args, **kwargs):
        with recording_history(self):
            super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        # The CSV format writes portions as "label:grams|label:grams".
        if "|" in (self.label or ""):
            raise ValidationError({"label": "A portion label cannot contain “|”."})


class SupplementFacts(models.Model):
    """What a supplement label and its monograph say, beside the food row.

    The elemental amount per unit is stored as given, never derived from the
    salt's weight at run time: hydration changes the share a lot (clinical.md §5).
    """

    class Mineral(models.TextChoices):
        MAGNESIUM = "mg", "Magnesium"
        POTASSIUM = "k", "Potassium"

    class Use(models.TextChoices):
        SUPPLEMENT = "supplement", "Dietary supplement"
        ANTACID = "antacid", "Antacid"
        LAXATIVE = "laxative", "Laxative"
        PRESCRIPTION = "prescription", "Prescription medicine"
        SALT_SUBSTITUTE = "salt-substitute", "Salt substitute"

    food = models.OneToOneField(Food, on_delete=models.CASCADE, related_name="supplement")
    mineral = models.CharField(max_length=2, choices=Mineral.choices)
    use = models.CharField(max_length=16, choices=Use.choices, default=Use.SUPPLEMENT)
    salt_form = models.CharField(max_length=120)
    unit = models.CharField(max_length=40, help_text='e.g. "tablet", "capsule", "5 mL"')
    salt_mg_per_unit = models.FloatField(null=True, blank=True)
    elemental_mg_per_unit = models.FloatField(validators=[MinValueValidator(0)])
    side_effects = models.TextField()
    reference = models.CharField(max_length=300)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name_plural = "supplement facts"

    def __str__(self) -> str:
        return f"{self.food.name}: {self.elemental_mg_per_unit:g} mg per {self.unit}"

    def save(self, *args, **kwargs):
        with recording_history(self):
            super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        problems = plausibility.elemental_per_unit_problems(self.elemental_mg_per_unit)
        if problems:
            raise ValidationError({"elemental_mg_per_unit": problems})


class FoodMerge(models.Model):
    """A duplicate a curator merged into another food, kept after the duplicate is gone.

    The retired food row is deleted once its menu items have moved (its history keeps
    its last values); this record remembers its source and id so that load_foods and
    import_fdc do not bring it back, and lets its old page point to the kept food.
    """

    retired_id = models.PositiveBigIntegerField(unique=True)
    retired_name = models.CharField(max_length=255)
    source = models.CharField(max_length=16, choices=Food.Source.choices)
    source_id = models.CharField(max_length=32)
    kept = models.ForeignKey(Food, on_delete=models.PROTECT, related_name="merged_from")
    items_moved = models.PositiveIntegerField(default=0)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        indexes = [models.Index(fields=["source", "source_id"], name="foodmerge_source_id")]

    def __str__(self) -> str:
        return f"{self.retired_name} → {self.kept}"
