from __future__ import annotations

from django import forms

from clinical import nutrients
from planner.models import CustomTarget, Nutrient, Plan

# Ceilings far above any sensible daily target, to catch a slipped digit
# (25000 for 2500) rather than to judge clinical choices [D].
CEILINGS = {
    Nutrient.MAGNESIUM: 20_000.0,
    Nutrient.POTASSIUM: 20_000.0,
    Nutrient.SODIUM: 20_000.0,
    Nutrient.PHOSPHORUS: 20_000.0,
    Nutrient.CALCIUM: 20_000.0,
    Nutrient.ENERGY: 10_000.0,  # kcal
    Nutrient.PROTEIN: 1_000.0,  # g
}
REASON_MAX = CustomTarget._meta.get_field("reason").max_length


def _decimal(field: forms.Field) -> None:
    field.widget.attrs.update({"step": "any", "inputmode": "decimal"})


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Client's e-mail (optional)",
        required=False,
        help_text="We e-mail the invitation link there. Leave empty to pass the link on yourself.",
    )


class CustomTargetForm(forms.Form):
    nutrient = forms.ChoiceField(choices=Nutrient.choices, label="Nutrient")
    minimum = forms.FloatField(
        required=False, min_value=0, label="Minimum a day", help_text="mg (energy kcal, protein g)"
    )
    maximum = forms.FloatField(
        required=False, min_value=0, label="Maximum a day", help_text="mg (energy kcal, protein g)"
    )
    reason = forms.CharField(
        max_length=REASON_MAX,
        label="Reason (the client sees it)",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: “Serum K 5.6 mmol/L on 3 March; limit agreed with Dr Lee.”",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _decimal(self.fields["minimum"])
        _decimal(self.fields["maximum"])

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError("Give a reason: the client sees who set this and why.")
        return reason

    def clean(self):
        cleaned = super().clean()
        nutrient = cleaned.get("nutrient")
        minimum = cleaned.get("minimum")
        maximum = cleaned.get("maximum")
        if self.has_error("minimum") or self.has_error("maximum") or not nutrient:
            return cleaned
        if minimum is None and maximum is None:
            raise forms.ValidationError("Give a minimum, a maximum or both.")
        if minimum is not None and maximum is not None and minimum > maximum:
            raise forms.ValidationError(
                "The minimum is above the maximum: swap them or change one."
            )
        ceiling = CEILINGS[nutrient]
        unit = nutrients.unit_label(nutrient, "mg")
        label = nutrients.label(nutrient).lower()
        for name, value in (("minimum", minimum), ("maximum", maximum)):
            if value is not None and value > ceiling:
                self.add_error(
                    name,
                    f"{value:,g} {unit} of {label} a day is not a sensible target; "
                    f"the highest allowed is {ceiling:,g} {unit}.",
                )
        return cleaned


class RemoveTargetForm(forms.Form):
    nutrient = forms.ChoiceField(choices=Nutrient.choices)


class PlanNameForm(forms.Form):
    name = forms.CharField(max_length=120, label="Plan name")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the plan a name.")
        return name


class TemplateMarkForm(forms.Form):
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.none(), label="Your plan", empty_label="Choose a plan"
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans


class TemplateApplyForm(forms.Form):
    """A template and a client; each page shows one as a hidden field, the other as a choice."""

    template = forms.TypedChoiceField(coerce=int, label="Template")
    client = forms.TypedChoiceField(coerce=int, label="Client")
    name = forms.CharField(
        max_length=120,
        required=False,
        label="Name of the client's plan",
        help_text="Leave empty to use the template's name.",
    )

    def __init__(
        self, *args, templates: list[tuple[int, str]], clients: list[tuple[int, str]], **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = templates
        self.fields["client"].choices = clients
