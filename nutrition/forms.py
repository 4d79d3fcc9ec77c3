from __future__ import annotations

from django import forms

from clinical import nutrients
from nutrition.models import Food, FoodGroup
from nutrition.rankings import BASES, NUTRIENTS


def _group_choices() -> list[tuple[str, str]]:
    return [("", "All groups"), *FoodGroup.objects.values_list("code", "name")]


class SearchForm(forms.Form):
    q = forms.CharField(label="Search foods", max_length=100, required=False, strip=True)
    group = forms.ChoiceField(label="Food group", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Foods and supplements"), *Food.Kind.choices]
    )
    limit = forms.IntegerField(min_value=1, max_value=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = _group_choices()
        self.fields["q"].widget.attrs.update(
            {"type": "search", "autocomplete": "off", "placeholder": "e.g. spinach, banana"}
        )


class RankingForm(forms.Form):
    nutrient = forms.ChoiceField(
        label="Rank by", choices=[(key, label) for key, (_, label) in NUTRIENTS.items()]
    )
    basis = forms.ChoiceField(label="Basis", choices=[(b.key, b.label) for b in BASES.values()])
    group = forms.ChoiceField(label="Food group", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[*Food.Kind.choices, ("", "Foods and supplements")]
    )
    max_k = forms.FloatField(
        label="Potassium per portion at most (mg)",
        required=False,
        min_value=0,
        max_value=10_000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = _group_choices()
        self.fields["max_k"].widget.attrs.update({"step": "any", "inputmode": "decimal"})


DEFAULT_RANKING = {"nutrient": "mg", "basis": "100g", "kind": "food"}


class PortionForm(forms.Form):
    """The food page's calculator: a household portion and a count, or grams."""

    portion = forms.TypedChoiceField(label="Portion", required=False, coerce=int, empty_value=None)
    quantity = forms.FloatField(
        label="How many", required=False, min_value=0.01, max_value=100, initial=1
    )
    grams = forms.FloatField(label="Or grams", required=False, min_value=0.1, max_value=5000)
    unit = forms.ChoiceField(
        label="Show Mg, K and Na in",
        required=False,
        choices=list(nutrients.UNIT_LABELS.items()),
    )

    def __init__(self, *args, food: Food, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["portion"].choices = [("", "grams")] + [
            (p.id, str(p)) for p in food.portions.all()
        ]
        for name in ("quantity", "grams"):
            self.fields[name].widget.attrs.update({"step": "any", "inputmode": "decimal"})
