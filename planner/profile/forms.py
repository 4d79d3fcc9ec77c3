"""Forms of the profile page: the person's own facts, and the medicine picker.

Ranges here catch typing mistakes (a serum potassium of 42, a birth date next
year); they are not clinical judgements, and the messages say which is which.
"""

from __future__ import annotations

import datetime as dt
import math

from django import forms

from clinical import medicines as catalogue
from clinical import nutrients
from clinical import targets as dri
from planner.models import KidneyStatus, Profile

MAX_AGE_YEARS = 120
# Pregnancy or breastfeeding outside this age range is far more likely a typing
# mistake in the birth date than a fact; the bounds are ours, not a guideline [D].
REPRODUCTIVE_MIN_AGE = 10
REPRODUCTIVE_MAX_AGE = 60
EGFR_MIN, EGFR_MAX = 0.0, 200.0
# Plausible serum ranges in mmol/L: wide enough for any real result, narrow
# enough to catch a wrong unit or a slipped decimal point.
SERUM_K_MIN, SERUM_K_MAX = 1.5, 9.0
SERUM_MG_MIN, SERUM_MG_MAX = 0.2, 5.0
SEARCH_MAX_LENGTH = 100


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def age_in_years(birth_date: dt.date, today: dt.date) -> int:
    """Completed years, as people count their age."""
    had_birthday = (today.month, today.day) >= (birth_date.month, birth_date.day)
    return today.year - birth_date.year - (0 if had_birthday else 1)


def serum_mg_range_in(unit: str) -> tuple[str, str]:
    """The accepted serum Mg range written in `unit`, rounded inwards.

    Rounding the low bound up and the high bound down means every number the
    message allows really passes the check made in mmol/L.
    """
    low = nutrients.serum_mg_from_mmol_l(SERUM_MG_MIN, unit)
    high = nutrients.serum_mg_from_mmol_l(SERUM_MG_MAX, unit)
    places = 2 if unit == Profile.SerumMgUnit.MG_DL else 1
    scale = 10**places
    # round() first drops float noise such as 4.000000000000001 before ceil/floor.
    low = math.ceil(round(low * scale, 6)) / scale
    high = math.floor(round(high * scale, 6)) / scale
    return f"{low:.{places}f}", f"{high:.{places}f}"


def egfr_status_note(kidney_status: str, egfr: float | None) -> str:
    """A note when the eGFR falls in another KDIGO category than the chosen status.

    Not an error: a status comes from a clinician who knows the history (one
    low result, a recent change), so we point at the mismatch and save anyway.
    Dialysis and transplant have no eGFR category to compare with.
    """
    if egfr is None or egfr < 0:
        return ""
    category = dri.egfr_category(egfr)
    category_label = KidneyStatus(category).label
    if kidney_status == KidneyStatus.NONE:
        # An eGFR of 60 or more alone is not kidney disease (KDIGO needs other
        # markers too), so only a lower one is worth a note.
        if category in ("g1", "g2"):
            return ""
        return (
            f"Your eGFR of {egfr:g} is in the range of {category_label}, but your kidney "
            "status says no known kidney disease. Please check both with your clinician."
        )
    if kidney_status in ("g1", "g2", "g3a", "g3b", "g4", "g5") and category != kidney_status:
        status_label = KidneyStatus(kidney_status).label
        return (
            f"Your eGFR of {egfr:g} is in the range of {category_label}, not {status_label}. "
            "Both are saved as you entered them; targets follow the kidney status. "
            "Please check them with your clinician."
        )
    return ""


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = [
            "birth_date",
            "sex",
            "reproductive",
            "kidney_status",
            "egfr",
            "serum_k",
            "serum_k_unit",
            "serum_mg",
            "serum_mg_unit",
            "labs_date",
            "display_unit",
        ]
        labels = {
            "birth_date": "Birth date",
            "sex": "Sex",
            "reproductive": "Pregnancy or breastfeeding",
            "kidney_status": "Kidney status",
            "egfr": "eGFR (mL/min/1.73 m²)",
            "serum_k": "Latest serum potassium",
            "serum_k_unit": "Unit",
            "serum_mg": "Latest serum magnesium",
            "serum_mg_unit": "Unit",
            "labs_date": "Date of these results",
            "display_unit": "Show potassium, magnesium and sodium in",
        }
        help_texts = {
            "birth_date": "Sets which life-stage targets apply to you.",
            "sex": "The nutrient tables are given by sex at birth.",
            "kidney_status": "As your kidney team told you. It sets the renal limits.",
            "egfr": "Optional. From your latest blood test.",
            "serum_k": "Optional.",
            "serum_mg": "Optional.",
            "labs_date": "Optional.",
            "display_unit": "mg is what food labels use; renal dietitians often count mmol.",
        }
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "labs_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.today = today or dt.date.today()
        self.fields["sex"].choices = [("", "Not set"), *Profile.Sex.choices]
        for name in ("egfr", "serum_k", "serum_mg"):
            self.fields[name].widget.attrs.update({"step": "any", "inputmode": "decimal"})
        for name in ("birth_date", "labs_date"):
            self.fields[name].widget.attrs["max"] = self.today.isoformat()

    def _check_date(self, name: str, what: str) -> dt.date | None:
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        if value > self.today:
            raise forms.ValidationError(f"{what} cannot be in the future.")
        if value < years_before(self.today, MAX_AGE_YEARS):
            raise forms.ValidationError(
                f"{what} cannot be more than {MAX_AGE_YEARS} years ago. Please check the year."
            )
        return value

    def clean_birth_date(self) -> dt.date | None:
        return self._check_date("birth_date", "The birth date")

    def clean_labs_date(self) -> dt.date | None:
        return self._check_date("labs_date", "The date of the results")

    def clean_egfr(self) -> float | None:
        value = self.cleaned_data.get("egfr")
        if value is not None and not EGFR_MIN <= value <= EGFR_MAX:
            raise forms.ValidationError(
                f"eGFR must be between {EGFR_MIN:g} and {EGFR_MAX:g} mL/min/1.73 m²."
            )
        return value

    def clean(self) -> dict:
        data = super().clean()
        birth_date, labs_date = data.get("birth_date"), data.get("labs_date")
        if birth_date and labs_date and labs_date < birth_date:
            self.add_error("labs_date", "The date of the results cannot be before the birth date.")
        self._check_reproductive(data)
        self._check_serum_k(data)
        self._check_serum_mg(data)
        return data

    def _check_reproductive(self, data: dict) -> None:
        state = data.get("reproductive")
        if not state or state == Profile.Reproductive.NONE:
            return
        if "birth_date" in self.errors:
            return  # the birth date's own message says what to fix first
        birth_date = data.get("birth_date")
        if data.get("sex") != Profile.Sex.FEMALE:
            self.add_error(
                "reproductive",
                "Pregnancy or breastfeeding can only be recorded when sex is female.",
            )
        elif birth_date is None:
            self.add_error(
                "reproductive",
                "Enter your birth date to record pregnancy or breastfeeding: "
                "the targets depend on age.",
            )
        elif not (
            REPRODUCTIVE_MIN_AGE <= age_in_years(birth_date, self.today) <= REPRODUCTIVE_MAX_AGE
        ):
            self.add_error(
                "reproductive",
                f"Pregnancy or breastfeeding can be recorded only between the ages of "
                f"{REPRODUCTIVE_MIN_AGE} and {REPRODUCTIVE_MAX_AGE}. This limit is a design "
                "choice of this app to catch a mistyped birth date; please check the birth "
                "date.",
            )

    def _check_serum_k(self, data: dict) -> None:
        value = data.get("serum_k")
        unit = data.get("serum_k_unit")
        if value is None or not unit:
            return
        mmol_l = nutrients.serum_k_to_mmol_l(value, unit)
        if not SERUM_K_MIN <= mmol_l <= SERUM_K_MAX:
            same = " (the same numbers as mmol/L)" if unit == Profile.SerumKUnit.MEQ_L else ""
            self.add_error(
                "serum_k",
                f"Serum potassium must be between {SERUM_K_MIN:.1f} and {SERUM_K_MAX:.1f} "
                f"{unit}{same}. Please check the number and the unit.",
            )

    def _check_serum_mg(self, data: dict) -> None:
        value = data.get("serum_mg")
        unit = data.get("serum_mg_unit")
        if value is None or not unit:
            return
        mmol_l = nutrients.serum_mg_to_mmol_l(value, unit)
        if not SERUM_MG_MIN <= mmol_l <= SERUM_MG_MAX:
            low, high = serum_mg_range_in(unit)
            self.add_error(
                "serum_mg",
                f"Serum magnesium must be between {low} and {high} {unit}. "
                "Please check the number and the unit.",
            )


class MedicineSearchForm(forms.Form):
    q = forms.CharField(
        label="Find a medicine",
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        strip=True,
        widget=forms.SearchInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {
                "autocomplete": "off",
                "placeholder": "e.g. lisinopril, furosemide, water pill",
                "id": "id_medicine_q",
            }
        )


class MedicineAddForm(forms.Form):
    code = forms.CharField(max_length=60)
    # The search the person came from, so a page without JavaScript can show
    # the same results again after the redirect.
    q = forms.CharField(max_length=SEARCH_MAX_LENGTH, required=False)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if catalogue.get_medicine(code) is None:
            raise forms.ValidationError(
                "That medicine is not in the catalogue. Search for it and use its Add button."
            )
        return code


class MedicineRemoveForm(forms.Form):
    # Any stored code may be removed, even one the catalogue no longer lists.
    code = forms.CharField(max_length=60)
