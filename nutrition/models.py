from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from nutrition.text import normalize

# The seven per-100 g nutrients the app tracks, in display order.
NUTRIENT_FIELDS = (
    "energy_kcal",
    "protein_g",
    "magnesium_mg",
    "potassium_mg",
    "sodium_mg",
    "phosphorus_mg",
    "calcium_mg",
)


class FoodGroup(models.Model):
    # USDA SR food group code: the first two digits of the NDB number ("09" = fruits).
    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Food(models.Model):
    class Kind(models.TextChoices):
        FOOD = "food", "Food"
        SUPPLEMENT = "supplement", "Supplement"

    class Source(models.TextChoices):
        USDA_SR24 = "usda-sr24", "USDA SR24"
        FDC = "fdc", "USDA FoodData Central"
        CURATED = "curated", "Curated"
        USER = "user", "User food"

    name = models.CharField(max_length=255)
    # Case- and accent-folded copy of the name that search matches against.
    search_name = models.CharField(max_length=255, editable=False, db_index=True)
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

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
        self.search_name = normalize(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("nutrition:food_detail", args=[self.pk])

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

    class Meta:
        ordering = ["food", "seq", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(grams__gt=0), name="portion_grams_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.grams:g} g)"


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

    def __str__(self) -> str:
        return f"{self.food.name}: {self.elemental_mg_per_unit:g} mg per {self.unit}"
