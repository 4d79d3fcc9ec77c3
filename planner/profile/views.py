"""The profile page: a person edits their own facts and medicines, and sees their targets.

There is no profile id in any URL: every view works on `profile_for(request.user)`,
so nobody can reach another person's profile here. Each live section is a
named partial of templates/planner/profile.html; without JavaScript the same
forms post normally and redirect back.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from clinical import medicines as catalogue
from clinical import nutrients
from clinical import targets as dri
from planner import targets as planner_targets
from planner.access import profile_for
from planner.models import Nutrient, Profile, ProfileMedicine
from planner.profile.forms import (
    MedicineAddForm,
    MedicineRemoveForm,
    MedicineSearchForm,
    ProfileForm,
    egfr_status_note,
)

TEMPLATE = "planner/profile/profile.html"
MAX_MEDICINE_RESULTS = 8
# Sent after medicines change, so the targets section (whose potassium limit
# depends on them) refreshes itself.
PROFILE_CHANGED_EVENT = "profile-changed"
LEVELS = {"success": messages.SUCCESS, "info": messages.INFO, "error": messages.ERROR}

KIND_LABELS = {
    "RDA": "Recommended Dietary Allowance (RDA)",
    "AI": "Adequate Intake (AI)",
    "UL": "Tolerable Upper Intake Level (UL)",
    "renal limit": "Renal limit",
    "custom": "Custom target",
}


# --- What the template shows ------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    text: str
    css: str  # a tag-* class of site.css


@dataclass(frozen=True)
class MedicineInfo:
    code: str
    name: str
    class_name: str
    effects: tuple[Effect, ...]
    notes: tuple[str, ...]
    source: str
    known: bool = True  # False: a stored code the catalogue no longer lists
    chosen: bool = False


def _effects(medicine: catalogue.Medicine) -> tuple[Effect, ...]:
    effects = []
    if medicine.raises_k:
        effects.append(Effect("raises potassium", "tag-high"))
    if medicine.lowers_k:
        effects.append(Effect("lowers potassium", "tag-medium"))
    if medicine.raises_mg:
        effects.append(Effect("raises magnesium", "tag-high"))
    if medicine.lowers_mg:
        effects.append(Effect("lowers magnesium", "tag-medium"))
    if medicine.kcl_contraindicated:
        effects.append(Effect("no potassium chloride supplements", "tag-very-high"))
    if medicine.spacing_hours:
        low, high = medicine.spacing_hours
        effects.append(Effect(f"keep magnesium {low:g}–{high:g} h apart", "tag-medium"))
    return tuple(effects)


def medicine_info(medicine: catalogue.Medicine, chosen: bool = False) -> MedicineInfo:
    notes = tuple(n for n in (medicine.medicine_class.note, medicine.spacing_note) if n)
    return MedicineInfo(
        code=medicine.code,
        name=medicine.label,
        class_name=medicine.medicine_class.name,
        effects=_effects(medicine),
        notes=notes,
        source=medicine.source,
        chosen=chosen,
    )


def _unknown_medicine(code: str) -> MedicineInfo:
    return MedicineInfo(
        code=code,
        name=code,
        class_name="No longer in the catalogue",
        effects=(),
        notes=("The app has no rule for this entry any more; you can remove it.",),
        source="",
        known=False,
    )


def chosen_medicines(codes: list[str]) -> list[MedicineInfo]:
    rows = []
    for code in codes:
        medicine = catalogue.get_medicine(code)
        rows.append(medicine_info(medicine, chosen=True) if medicine else _unknown_medicine(code))
    return rows


@dataclass(frozen=True)
class AmountText:
    shown: str  # in the person's display unit: "76.7 mmol"
    in_mg: str  # the stored mg figure when the display unit is not mg, else ""


def display_unit_of(profile: Profile) -> str:
    # A value outside the choices (set in the admin, say) must not break the page.
    unit = profile.display_unit
    return unit if unit in nutrients.UNITS else "mg"


def amount_text(amount: float | None, nutrient: str, unit: str) -> AmountText | None:
    if amount is None:
        return None
    if nutrients.is_convertible(nutrient):
        shown = nutrients.format_amount(amount, nutrient, unit)
        in_mg = nutrients.format_amount(amount, nutrient, "mg") if unit != "mg" else ""
        return AmountText(shown, in_mg)
    # Phosphorus and calcium have no conversion that dietitians use: mg stays mg.
    return AmountText(f"{amount:,.0f} {nutrients.unit_label(nutrient, 'mg')}", "")


@dataclass(frozen=True)
class TargetRow:
    target: planner_targets.NutrientTarget
    minimum: AmountText | None
    maximum: AmountText | None
    kind_label: str


@dataclass(frozen=True)
class SupplementLimit:
    maximum: AmountText
    kind_label: str
    note: str
    source: str


def target_rows(resolved: planner_targets.ProfileTargets, unit: str) -> list[TargetRow]:
    return [
        TargetRow(
            target=t,
            minimum=amount_text(t.minimum, t.nutrient, unit),
            maximum=amount_text(t.maximum, t.nutrient, unit),
            kind_label=KIND_LABELS.get(t.kind, t.kind),
        )
        for t in resolved
    ]


def supplement_limit(target: dri.Target | None, unit: str) -> SupplementLimit | None:
    if target is None:
        return None
    maximum = amount_text(target.value_mg, Nutrient.MAGNESIUM, unit)
    assert maximum is not None  # value_mg is always a number
    return SupplementLimit(maximum, KIND_LABELS["UL"], target.note, target.source)


def hyperkalaemia_reasons(profile: Profile, codes: list[str]) -> list[str]:
    """Why planner.targets found a hyperkalaemia risk, in the words of clinical.md §3."""
    reasons = []
    serum_k = profile.serum_k_mmol
    if serum_k is not None and serum_k > dri.HYPERKALAEMIA_MMOL_L:
        reasons.append(
            f"your latest serum potassium ({serum_k:g} {profile.serum_k_unit}) is above "
            f"{dri.HYPERKALAEMIA_MMOL_L:g}"
        )
    raising = [m for m in catalogue.medicines_for(codes) if m.raises_k]
    if raising:
        names = ", ".join(f"{m.name} ({m.medicine_class.name})" for m in raising)
        reasons.append(f"you take {names}, which can raise potassium")
    return reasons


def missing_basics(profile: Profile, resolved: planner_targets.ProfileTargets) -> list[str]:
    """What to fill in before the DRI can be looked up, in words for the page."""
    if not resolved.missing_basics:
        return []
    missing = []
    if profile.birth_date is None:
        missing.append("birth date")
    if not profile.sex:
        missing.append("sex")
    # A birth date after today (stored before validation existed, or through the
    # admin) gives no age either: ask for it to be checked.
    return missing or ["birth date (it is after today)"]


# --- Context -------------------------------------------------------------------------


def _medicine_context(codes: list[str], query: str) -> dict:
    chosen = set(codes)
    found = catalogue.find_medicines(query) if query else []
    return {
        "medicine_query": query,
        "medicine_results": [
            medicine_info(m, chosen=m.code in chosen) for m in found[:MAX_MEDICINE_RESULTS]
        ],
        "medicine_result_count": len(found),
        "max_medicine_results": MAX_MEDICINE_RESULTS,
    }


def _targets_context(profile: Profile, codes: list[str]) -> dict:
    # One query for the custom targets (with who set them); the medicine codes
    # are passed in, so resolve() adds no queries of its own.
    custom = list(profile.custom_targets.select_related("set_by"))
    resolved = planner_targets.resolve(profile, custom=custom, medicine_codes=codes)
    unit = display_unit_of(profile)
    return {
        "targets": target_rows(resolved, unit),
        "resolved": resolved,
        "supplement_limit": supplement_limit(resolved.magnesium_supplement_ul, unit),
        "missing": missing_basics(profile, resolved),
        "hyperkalaemia_reasons": (
            hyperkalaemia_reasons(profile, codes) if resolved.hyperkalaemia_risk else []
        ),
        "display_unit_label": nutrients.UNIT_LABELS[unit],
    }


def _page_context(form: ProfileForm, search: MedicineSearchForm, saved: Profile) -> dict:
    """`saved` is the profile as stored: a rejected form must not leak into the targets."""
    codes = list(saved.medicines.values_list("code", flat=True))
    query = search.cleaned_data["q"] if search.is_valid() else ""
    return {
        "form": form,
        "search_form": search,
        "profile": saved,
        "chosen_medicines": chosen_medicines(codes),
        "kidney_note": egfr_status_note(saved.kidney_status, saved.egfr),
        **_medicine_context(codes, query),
        **_targets_context(saved, codes),
    }


def _profile_url(query: str = "", anchor: str = "") -> str:
    url = reverse("planner:profile")
    if query:
        url += "?" + urlencode({"q": query})
    return url + (f"#{anchor}" if anchor else "")


# --- Views ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    saved = profile_for(request.user)
    search = MedicineSearchForm(request.GET)
    if request.method == "POST":
        # The form writes cleaned values onto its instance even when invalid, so
        # it gets a copy: the page keeps showing what is really stored.
        form = ProfileForm(request.POST, instance=copy.copy(saved))
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, "Your profile is saved. Your targets below are updated.")
            return redirect(_profile_url())
        messages.error(request, "Nothing was saved: please correct the marked fields.")
    else:
        form = ProfileForm(instance=saved)
    return render(request, TEMPLATE, _page_context(form, search, saved))


@login_required
@require_GET
@vary_on_headers("HX-Request")
def profile_targets(request: HttpRequest) -> HttpResponse:
    if not request.htmx:
        return redirect(_profile_url(anchor="targets"))
    saved = profile_for(request.user)
    codes = list(saved.medicines.values_list("code", flat=True))
    context = _targets_context(saved, codes)
    return render(request, f"{TEMPLATE}#targets", context)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def medicine_search(request: HttpRequest) -> HttpResponse:
    search = MedicineSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    if not request.htmx:
        return redirect(_profile_url(query, anchor="medicines"))
    saved = profile_for(request.user)
    codes = list(saved.medicines.values_list("code", flat=True))
    context = {"search_form": search, **_medicine_context(codes, query)}
    return render(request, f"{TEMPLATE}#medicine-results", context)


def _medicine_response(
    request: HttpRequest,
    profile: Profile,
    message: str,
    level: str,
    *,
    query: str = "",
    changed: bool = False,
    focus_list: bool = False,
) -> HttpResponse:
    if not request.htmx:
        messages.add_message(request, LEVELS[level], message)
        return redirect(_profile_url(query, anchor="medicines"))
    codes = list(profile.medicines.values_list("code", flat=True))
    context = {
        "chosen_medicines": chosen_medicines(codes),
        "medicine_message": message,
        "medicine_message_level": level,
        "focus_list": focus_list,
    }
    response = render(request, "planner/profile/medicine_update.html", context)
    if changed:
        trigger_client_event(response, PROFILE_CHANGED_EVENT)
    return response


@login_required
@require_POST
@vary_on_headers("HX-Request")
def medicine_add(request: HttpRequest) -> HttpResponse:
    profile = profile_for(request.user)
    form = MedicineAddForm(request.POST)
    valid = form.is_valid()
    # Kept even when the code is wrong, so the person lands on the same results.
    query = form.cleaned_data.get("q", "")
    if not valid:
        error = "; ".join(e for errors in form.errors.values() for e in errors)
        return _medicine_response(request, profile, error, "error", query=query)
    medicine = catalogue.get_medicine(form.cleaned_data["code"])
    assert medicine is not None  # clean_code checked it
    with transaction.atomic():
        _, created = ProfileMedicine.objects.get_or_create(profile=profile, code=medicine.code)
    already = f"{medicine.name} is already in your list."
    added = f"Added {medicine.name}."
    return _medicine_message(request, profile, created, added, already, query=query)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def medicine_remove(request: HttpRequest) -> HttpResponse:
    profile = profile_for(request.user)
    form = MedicineRemoveForm(request.POST)
    if not form.is_valid():
        return _medicine_response(
            request, profile, "Choose a medicine from your list to remove.", "error"
        )
    code = form.cleaned_data["code"]
    medicine = catalogue.get_medicine(code)
    name = medicine.name if medicine else code
    with transaction.atomic():
        deleted, _ = ProfileMedicine.objects.filter(profile=profile, code=code).delete()
    missing = f"{name} is not in your list."
    removed = f"Removed {name}."
    return _medicine_message(request, profile, bool(deleted), removed, missing, focus_list=True)


def _medicine_message(
    request: HttpRequest, profile, changed: bool, done: str, unchanged: str, **options
) -> HttpResponse:
    """Say what happened to the list; a change updates the targets too."""
    if not changed:
        return _medicine_response(request, profile, unchanged, "info", **options)
    done = f"{done} Your targets are updated."
    return _medicine_response(request, profile, done, "success", changed=True, **options)
