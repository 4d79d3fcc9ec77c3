"""A food typed in from a product label: values per serving, stored per 100 g."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from nutrition import plausibility
from nutrition.models import NUTRIENT_FIELDS, Food, Portion

# A serving on a label is a few grams (a sweetener sachet) up to a family pack.
SERVING_MIN_GRAMS = 0.1
SERVING_MAX_GRAMS = 5_000.0
# Per-serving values are shown with this many significant digits when editing, so that
# per serving → per 100 g → per serving does not show float noise (5.000000000000001).
EDIT_DIGITS = 6


@dataclass(frozen=True)
class ConversionRow:
    label: str
    unit: str
    per_serving: float | None
    per_100g: float | None


def per_100g(value: float | None, serving_grams: float) -> float | None:
    return None if value is None else value * 100 / serving_grams


class UserFoodForm(forms.Form):
    name = forms.CharField(
        max_length=Food._meta.get_field("name").max_length,
        help_text="As on the package, e.g. “Oat bar, dark chocolate (Brand)”.",
    )
    serving_label = forms.CharField(
        label="Serving",
        max_length=Portion._meta.get_field("label").max_length,
        initial="1 serving",
        help_text="How the label names one serving, e.g. “1 bar” or “1 cup”.",
    )
    serving_grams = forms.FloatField(
        label="Serving size (g)",
        min_value=SERVING_MIN_GRAMS,
        max_value=SERVING_MAX_GRAMS,
        help_text="The weight of one serving, from the label.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in NUTRIENT_FIELDS:
            unit = plausibility.UNITS[name]
            self.fields[name] = forms.FloatField(
                label=f"{plausibility.LABELS[name]} per serving ({unit})",
                required=False,
                min_value=0,
                help_text="Leave empty if the label does not say (empty is unknown, not 0).",
            )
        for field in self.fields.values():
            if isinstance(field, forms.FloatField):
                field.widget.attrs.update({"step": "any", "inputmode": "decimal"})

    def clean_serving_label(self) -> str:
        label = " ".join(self.cleaned_data["serving_label"].split())
        if "|" in label:
            raise forms.ValidationError("A serving name cannot contain “|”.")
        return label

    def clean(self):
        cleaned = super().clean()
        grams = cleaned.get("serving_grams")
        if grams is None or self.errors:
            return cleaned
        values = self.per_100g()
        for field, message in plausibility.value_problems(Food.Kind.FOOD, values):
            self.add_error(
                field,
                f"{message} (Per serving of {grams:g} g this is "
                f"{cleaned.get(field) or 0:g} {plausibility.UNITS[field]}.)",
            )
        return cleaned

    def per_100g(self) -> dict[str, float | None]:
        grams = self.cleaned_data["serving_grams"]
        return {name: per_100g(self.cleaned_data.get(name), grams) for name in NUTRIENT_FIELDS}

    def conversion(self) -> list[ConversionRow]:
        """Per serving and per 100 g side by side, for the page; [] until the form is valid."""
        if not self.is_valid():
            return []
        values = self.per_100g()
        return [
            ConversionRow(
                plausibility.LABELS[name],
                plausibility.UNITS[name],
                self.cleaned_data.get(name),
                values[name],
            )
            for name in NUTRIENT_FIELDS
        ]

    @classmethod
    def initial_for(cls, food: Food) -> dict:
        serving = food.default_portion()
        grams = serving.grams if serving else 100.0
        initial: dict = {
            "name": food.name,
            "serving_label": serving.label if serving else "100 g",
            "serving_grams": int(grams) if float(grams).is_integer() else grams,
        }
        for name in NUTRIENT_FIELDS:
            value = getattr(food, name)
            if value is not None:
                value = float(f"{value * grams / 100:.{EDIT_DIGITS}g}")
                # 140, not 140.0, in the field the user typed 140 into.
                value = int(value) if value.is_integer() else value
            initial[name] = value
        return initial


class RejectForm(forms.Form):
    reason = forms.CharField(
        max_length=Food._meta.get_field("review_note").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The author sees this on their “My foods” page.",
    )
