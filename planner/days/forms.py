from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest

from clinical import nutrients
from config.forms import form_errors
from nutrition.models import Food, Portion
from planner import history
from planner.models import MAX_ITEM_GRAMS, Meal, Plan, PlanDay

MAX_QUANTITY = 50.0


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["name"]
        labels = {"name": "Plan name"}


class DayNameForm(forms.ModelForm):
    class Meta:
        model = PlanDay
        fields = ["name"]
        labels = {"name": "Day name"}


def rename(request: HttpRequest, form: PlanForm | DayNameForm, kind: str, summary: str) -> None:
    """Save a plan's or a day's new name with its history entry ("{kind}-renamed",
    `summary` filled with {old} and {new}), or show why the name was refused."""
    old = form.instance.name
    if not form.is_valid():
        for error in form_errors(form):
            messages.error(request, error)
        return
    instance = form.instance
    plan = instance if isinstance(instance, Plan) else instance.plan
    with transaction.atomic():
        form.save()
        history.record(
            request.user,
            plan.owner,
            f"{kind}-renamed",
            summary.format(old=old, new=instance.name),
            plan,
        )
    messages.success(request, f"{kind.capitalize()} renamed.")


def _number_attrs(field: forms.Field, step: str = "any") -> None:
    field.widget.attrs.update({"step": step, "inputmode": "decimal"})


class AmountForm(forms.Form):
    """A portion × quantity, or grams. Shared by adding and changing an item."""

    # Adding straight from the search list gives neither: take the first portion.
    default_to_first_portion = False

    portion = forms.IntegerField(required=False, widget=forms.Select)
    quantity = forms.FloatField(
        required=False, min_value=0.01, max_value=MAX_QUANTITY, label="Quantity"
    )
    grams = forms.FloatField(required=False, min_value=0.1, max_value=MAX_ITEM_GRAMS, label="Grams")
    meal = forms.ChoiceField(choices=Meal.choices, label="Meal")

    def __init__(self, *args, food: Food | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.food = food
        _number_attrs(self.fields["quantity"])
        _number_attrs(self.fields["grams"])

    def portion_choices(self) -> list[Portion]:
        return list(self.food.portions.all()) if self.food else []

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        portion_id = cleaned.get("portion")
        quantity = cleaned.get("quantity")
        grams = cleaned.get("grams")
        portion = None
        if portion_id is None and grams is None and self.default_to_first_portion:
            portions = self.portion_choices()
            if portions:
                portion_id = portions[0].id
            else:
                grams = 100.0
        if portion_id is not None:
            portion = next((p for p in self.portion_choices() if p.id == portion_id), None)
            if portion is None:
                raise forms.ValidationError("That portion does not belong to this food.")
            quantity = quantity or 1.0
            grams = portion.grams * quantity
            if grams > MAX_ITEM_GRAMS:
                raise forms.ValidationError(
                    f"{quantity:g} × {portion.label} is {grams:,.0f} g; "
                    f"one item can be at most {MAX_ITEM_GRAMS:,.0f} g."
                )
        elif grams is None:
            raise forms.ValidationError("Enter the grams, or choose a portion.")
        else:
            quantity = None
        cleaned.update({"portion_obj": portion, "quantity": quantity, "grams": grams})
        return cleaned


class AddItemForm(AmountForm):
    default_to_first_portion = True
    food = forms.IntegerField(widget=forms.HiddenInput)
    key = forms.RegexField(regex=r"^[A-Za-z0-9_-]{8,40}$", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # `user` is the plan's owner: public foods and the owner's own private foods.
        self.user = user

    def clean_food(self):
        food_id = self.cleaned_data["food"]
        food = (
            Food.objects.visible_to(self.user)
            .prefetch_related("portions")
            .filter(pk=food_id)
            .first()
        )
        if food is None:
            raise forms.ValidationError("That food is not in the database.")
        self.food = food
        return food


class CopyMealForm(forms.Form):
    source_meal = forms.ChoiceField(choices=Meal.choices, label="Meal to copy")
    target_day = forms.TypedChoiceField(coerce=int, label="Copy to day")
    target_meal = forms.ChoiceField(choices=Meal.choices, label="Meal")

    def __init__(self, *args, days: list[PlanDay], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_day"].choices = [(d.id, f"{d.plan.name} · {d.name}") for d in days]


class MoveDayForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Earlier"), ("down", "Later")])


class UnitForm(forms.Form):
    unit = forms.ChoiceField(choices=list(nutrients.UNIT_LABELS.items()))
