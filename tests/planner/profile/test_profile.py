from __future__ import annotations

import datetime as dt
import re

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from planner.models import CustomTarget, Profile, ProfileMedicine
from planner.profile.forms import egfr_status_note, serum_mg_range_in, years_before

PROFILE_URL = "/profile/"
HTMX = {"HX-Request": "true"}
TODAY = dt.date.today()


def born_years_ago(years: int) -> dt.date:
    # A month past the birthday, so the age is `years` whatever today is.
    return years_before(TODAY, years) - dt.timedelta(days=31)


def valid_data(**overrides) -> dict:
    data = {
        "birth_date": born_years_ago(40).isoformat(),
        "sex": "female",
        "reproductive": "none",
        "kidney_status": "none",
        "egfr": "",
        "serum_k": "",
        "serum_k_unit": "mmol/L",
        "serum_mg": "",
        "serum_mg_unit": "mmol/L",
        "labs_date": "",
        "display_unit": "mg",
    }
    data.update(overrides)
    return data


def make_profile(user, **fields) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    return profile


def stored(user) -> dict:
    profile = Profile.objects.get(user=user)
    fields = model_to_dict(profile)
    fields["medicines"] = sorted(profile.medicine_codes)
    return fields


def card(html: str, key: str) -> str:
    """The text of one target card, tags stripped and spaces collapsed."""
    match = re.search(rf'id="target-card-{key}".*?</article>', html, re.S)
    assert match, f"no target card for {key}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def patient_client(client, patient):
    client.force_login(patient)
    return client


# --- Access ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "planner:profile"),
        ("post", "planner:profile"),
        ("get", "planner:profile_targets"),
        ("get", "planner:profile_medicines"),
        ("post", "planner:profile_medicine_add"),
        ("post", "planner:profile_medicine_remove"),
    ],
)
def test_an_anonymous_visitor_is_sent_to_log_in(client, db, method, name):
    url = reverse(name)
    response = getattr(client, method)(url, {"code": "lisinopril"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not ProfileMedicine.objects.exists()


def test_the_profile_url_is_profile():
    assert reverse("planner:profile") == PROFILE_URL


def test_a_user_sees_their_own_profile_and_not_anyone_elses(client, patient, stranger):
    make_profile(patient, birth_date=dt.date(1980, 5, 17), kidney_status="g3b", egfr=38)
    client.force_login(stranger)
    html = client.get(PROFILE_URL).content.decode()
    assert "1980-05-17" not in html
    assert 'value="38"' not in html
    client.force_login(patient)
    html = client.get(PROFILE_URL).content.decode()
    assert 'value="1980-05-17"' in html
    assert 'value="38' in html


def test_a_user_saves_their_profile_and_is_sent_back_to_it(patient_client, patient):
    data = valid_data(
        kidney_status="g3a",
        egfr="52",
        serum_k="4.8",
        serum_k_unit="mEq/L",
        serum_mg="1.9",
        serum_mg_unit="mg/dL",
        labs_date=(TODAY - dt.timedelta(days=3)).isoformat(),
        display_unit="mmol",
    )
    response = patient_client.post(PROFILE_URL, data)
    assert response.status_code == 302
    assert response["Location"].startswith(PROFILE_URL)
    profile = Profile.objects.get(user=patient)
    assert profile.birth_date == born_years_ago(40)
    assert profile.sex == "female"
    assert profile.kidney_status == "g3a"
    assert profile.egfr == 52
    assert (profile.serum_k, profile.serum_k_unit) == (4.8, "mEq/L")
    assert (profile.serum_mg, profile.serum_mg_unit) == (1.9, "mg/dL")
    assert profile.display_unit == "mmol"
    page = patient_client.get(response["Location"])
    assert "Your profile is saved." in page.content.decode()


def test_a_post_changes_only_the_posters_own_profile(client, patient, stranger):
    make_profile(patient, birth_date=dt.date(1970, 1, 1), sex="male")
    before = stored(patient)
    client.force_login(stranger)
    # Whatever is posted, there is no way to name another profile.
    response = client.post(PROFILE_URL, {**valid_data(sex="female"), "user": patient.pk})
    assert response.status_code == 302
    assert stored(patient) == before
    assert Profile.objects.get(user=stranger).sex == "female"


# --- Validation: a clear message, and nothing saved -----------------------------------


REJECTED = [
    pytest.param(
        {"birth_date": (TODAY + dt.timedelta(days=1)).isoformat()},
        "birth_date",
        "cannot be in the future",
        id="birth-date-in-the-future",
    ),
    pytest.param(
        {"birth_date": (years_before(TODAY, 120) - dt.timedelta(days=1)).isoformat()},
        "birth_date",
        "more than 120 years ago",
        id="birth-date-over-120-years-ago",
    ),
    pytest.param(
        {"birth_date": "31/02/1980"}, "birth_date", "Enter a valid date", id="birth-date-garbage"
    ),
    pytest.param(
        {"sex": "male", "reproductive": "pregnant"},
        "reproductive",
        "only be recorded when sex is female",
        id="pregnant-man",
    ),
    pytest.param(
        {"sex": "", "reproductive": "lactating"},
        "reproductive",
        "only be recorded when sex is female",
        id="breastfeeding-without-sex",
    ),
    pytest.param(
        {"birth_date": "", "reproductive": "pregnant"},
        "reproductive",
        "Enter your birth date",
        id="pregnant-without-birth-date",
    ),
    pytest.param(
        {"birth_date": born_years_ago(9).isoformat(), "reproductive": "pregnant"},
        "reproductive",
        "design choice of this app",
        id="pregnant-at-9",
    ),
    pytest.param(
        {"birth_date": born_years_ago(61).isoformat(), "reproductive": "lactating"},
        "reproductive",
        "between the ages of 10 and 60",
        id="breastfeeding-at-61",
    ),
    pytest.param({"egfr": "-1"}, "egfr", "between 0 and 200", id="egfr-negative"),
    pytest.param({"egfr": "200.5"}, "egfr", "between 0 and 200", id="egfr-over-200"),
    pytest.param({"egfr": "nan"}, "egfr", "Enter a number", id="egfr-nan"),
    pytest.param({"egfr": "inf"}, "egfr", "Enter a number", id="egfr-infinite"),
    pytest.param({"serum_k": "1.4"}, "serum_k", "between 1.5 and 9.0 mmol/L", id="k-too-low"),
    pytest.param({"serum_k": "9.1"}, "serum_k", "between 1.5 and 9.0 mmol/L", id="k-too-high"),
    pytest.param(
        {"serum_k": "45", "serum_k_unit": "mEq/L"},
        "serum_k",
        "between 1.5 and 9.0 mEq/L (the same numbers as mmol/L)",
        id="k-in-meq",
    ),
    pytest.param(
        {"serum_mg": "5.1"}, "serum_mg", "between 0.2 and 5.0 mmol/L", id="mg-mmol-too-high"
    ),
    pytest.param(
        {"serum_mg": "0.1"}, "serum_mg", "between 0.2 and 5.0 mmol/L", id="mg-mmol-too-low"
    ),
    pytest.param(
        # 13 mg/dL = 5.35 mmol/L: allowed as a number, too high once converted.
        {"serum_mg": "13", "serum_mg_unit": "mg/dL"},
        "serum_mg",
        "between 0.49 and 12.15 mg/dL",
        id="mg-mgdl-too-high",
    ),
    pytest.param(
        {"serum_mg": "0.45", "serum_mg_unit": "mg/dL"},
        "serum_mg",
        "between 0.49 and 12.15 mg/dL",
        id="mg-mgdl-too-low",
    ),
    pytest.param(
        {"serum_mg": "10.5", "serum_mg_unit": "mEq/L"},
        "serum_mg",
        "between 0.4 and 10.0 mEq/L",
        id="mg-meq-too-high",
    ),
    pytest.param(
        {"serum_mg": "2", "serum_mg_unit": "g/L"},
        "serum_mg_unit",
        "Select a valid choice",
        id="mg-unit",
    ),
    pytest.param(
        {"labs_date": (TODAY + dt.timedelta(days=2)).isoformat()},
        "labs_date",
        "cannot be in the future",
        id="labs-in-the-future",
    ),
    pytest.param({"kidney_status": "g9"}, "kidney_status", "Select a valid choice", id="status"),
    pytest.param({"display_unit": "g"}, "display_unit", "Select a valid choice", id="unit"),
]


@pytest.mark.parametrize(("changes", "field", "message"), REJECTED)
def test_each_invalid_value_is_rejected_with_a_clear_message_and_nothing_changes(
    patient_client, patient, changes, field, message
):
    make_profile(patient, birth_date=dt.date(1960, 3, 3), sex="male", kidney_status="g2", egfr=70)
    ProfileMedicine.objects.create(profile=patient.profile, code="furosemide")
    before = stored(patient)
    data = valid_data(**changes)
    response = patient_client.post(PROFILE_URL, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    page = text(response)
    assert "Nothing was saved" in page
    assert message in page.replace("&quot;", '"')
    assert stored(patient) == before


def test_a_rejected_post_does_not_leak_into_the_targets_shown(patient_client, patient):
    make_profile(patient, birth_date=born_years_ago(40), sex="female", kidney_status="none")
    response = patient_client.post(PROFILE_URL, valid_data(kidney_status="g4", egfr="500"))
    assert response.status_code == 200
    # The page shows the stored status (no renal limits), not the rejected one.
    assert "target-card-sodium_mg" not in response.content.decode()


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"reproductive": "pregnant"}, id="pregnant-at-40"),
        pytest.param(
            {"birth_date": born_years_ago(10).isoformat(), "reproductive": "lactating"}, id="at-10"
        ),
        pytest.param(
            {"birth_date": born_years_ago(60).isoformat(), "reproductive": "pregnant"}, id="at-60"
        ),
        pytest.param({"egfr": "0"}, id="egfr-0"),
        pytest.param({"egfr": "200"}, id="egfr-200"),
        pytest.param({"serum_k": "1.5"}, id="k-1.5"),
        pytest.param({"serum_k": "9.0", "serum_k_unit": "mEq/L"}, id="k-9-meq"),
        pytest.param({"serum_mg": "12.15", "serum_mg_unit": "mg/dL"}, id="mg-12.15-mgdl"),
        pytest.param({"serum_mg": "0.49", "serum_mg_unit": "mg/dL"}, id="mg-0.49-mgdl"),
        pytest.param({"serum_mg": "10", "serum_mg_unit": "mEq/L"}, id="mg-10-meq"),
        pytest.param({"serum_mg": "0.2"}, id="mg-0.2-mmol"),
        pytest.param({"serum_k": "4.1", "labs_date": ""}, id="lab-value-without-date"),
        pytest.param({"birth_date": "", "sex": ""}, id="nothing-known"),
        pytest.param({"birth_date": years_before(TODAY, 120).isoformat()}, id="exactly-120"),
    ],
)
def test_values_at_the_edges_of_the_ranges_are_accepted(patient_client, patient, changes):
    response = patient_client.post(PROFILE_URL, valid_data(**changes))
    assert response.status_code == 302, response.context["form"].errors


def test_the_serum_magnesium_range_is_said_in_the_chosen_unit():
    assert serum_mg_range_in("mmol/L") == ("0.2", "5.0")
    assert serum_mg_range_in("mg/dL") == ("0.49", "12.15")
    assert serum_mg_range_in("mEq/L") == ("0.4", "10.0")


def test_a_kidney_status_that_contradicts_the_egfr_is_saved_with_a_note(patient_client, patient):
    response = patient_client.post(PROFILE_URL, valid_data(kidney_status="g2", egfr="20"))
    assert response.status_code == 302
    profile = Profile.objects.get(user=patient)
    assert (profile.kidney_status, profile.egfr) == ("g2", 20)
    page = text(patient_client.get(PROFILE_URL))
    assert "Your eGFR of 20 is in the range of CKD G4" in page
    assert "not CKD G2" in page


def test_the_egfr_note_stays_quiet_when_status_and_egfr_agree():
    assert egfr_status_note("g4", 20) == ""
    assert egfr_status_note("none", 95) == ""
    assert egfr_status_note("none", 75) == ""
    assert egfr_status_note("hd", 8) == ""
    assert egfr_status_note("g3a", None) == ""
    assert "no known kidney disease" in egfr_status_note("none", 25)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"birth_date": "x" * 10_000, "egfr": "1e400", "serum_k": "--1", "sex": ["a", "b"]},
        {"serum_mg": "3", "serum_mg_unit": ""},
        {"serum_k": "3", "serum_k_unit": "mg/dL"},
        {"birth_date": "0001-01-01", "labs_date": "9999-12-31"},
        {"egfr": "\x00"},
    ],
)
def test_nonsense_posts_get_a_form_back_not_a_server_error(patient_client, patient, data):
    make_profile(patient, sex="male")
    before = stored(patient)
    response = patient_client.post(PROFILE_URL, data)
    assert response.status_code == 200
    assert stored(patient) == before


# --- Medicines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("lisin", "lisinopril"),
        ("losartan", "losartan"),
        ("spironolactone", "spironolactone"),
        ("eplerenone", "eplerenone"),
        ("amiloride", "amiloride"),
        ("triamterene", "triamterene"),
        ("furosemide", "furosemide"),
        ("Lasix", "furosemide"),
        ("hydrochlorothiazide", "hydrochlorothiazide"),
        ("omeprazole", "omeprazole"),
        ("trimethoprim", "trimethoprim"),
        ("ibuprofen", "ibuprofen"),
    ],
)
def test_the_medicine_search_finds_the_names_people_type(patient_client, typed, code):
    response = patient_client.get(reverse("planner:profile_medicines"), {"q": typed}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="medicine-results"')
    assert f'name="code" value="{code}"' in html
    assert "<html" not in html


def test_each_search_result_shows_its_class_its_effect_and_its_source(patient_client):
    response = patient_client.get(
        reverse("planner:profile_medicines"), {"q": "spironolactone"}, headers=HTMX
    )
    page = text(response)
    assert "Spironolactone (Aldactone)" in page
    assert "Aldosterone antagonist" in page
    assert "raises potassium" in page
    assert "Source: Ben Salem et al., Drug-induced hyperkalaemia, Drug Saf 2014" in page
    omeprazole = text(
        patient_client.get(reverse("planner:profile_medicines"), {"q": "omeprazole"}, headers=HTMX)
    )
    assert "lowers magnesium" in omeprazole
    assert "FDA Drug Safety Communication 2011" in omeprazole
    furosemide = text(
        patient_client.get(reverse("planner:profile_medicines"), {"q": "furosemide"}, headers=HTMX)
    )
    assert "lowers potassium" in furosemide
    assert "lowers magnesium" in furosemide


def test_the_search_works_without_javascript_on_the_profile_page(patient_client):
    response = patient_client.get(PROFILE_URL, {"q": "lisin"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="code" value="lisinopril"' in html
    # The plain form sends the search to the profile page itself.
    assert f'action="{PROFILE_URL}#medicines"' in html
    redirect = patient_client.get(reverse("planner:profile_medicines"), {"q": "lisin"})
    assert redirect.status_code == 302
    assert redirect["Location"] == f"{PROFILE_URL}?q=lisin#medicines"


def test_a_search_that_matches_nothing_says_so(patient_client):
    response = patient_client.get(reverse("planner:profile_medicines"), {"q": "zzzz"}, headers=HTMX)
    assert "No medicine in the catalogue matches “zzzz”" in response.content.decode()


def test_a_very_long_search_is_not_an_error(patient_client):
    response = patient_client.get(
        reverse("planner:profile_medicines"), {"q": "a" * 5000}, headers=HTMX
    )
    assert response.status_code == 200


def test_a_medicine_is_added_with_a_plain_post_and_the_page_redirects(patient_client, patient):
    response = patient_client.post(
        reverse("planner:profile_medicine_add"), {"code": "lisinopril", "q": "lisin"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{PROFILE_URL}?q=lisin#medicines"
    assert patient.profile.medicine_codes == ["lisinopril"]
    page = text(patient_client.get(response["Location"]))
    assert "Added Lisinopril" in page
    assert "Already in your list" in page


def test_a_medicine_is_added_with_htmx_and_the_targets_are_told_to_refresh(patient_client, patient):
    response = patient_client.post(
        reverse("planner:profile_medicine_add"), {"code": "spironolactone"}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="medicine-list"')
    assert "Spironolactone" in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "Added Spironolactone" in html
    assert "profile-changed" in response["HX-Trigger"]
    assert patient.profile.medicine_codes == ["spironolactone"]


def test_adding_a_medicine_twice_keeps_one(patient_client, patient):
    url = reverse("planner:profile_medicine_add")
    patient_client.post(url, {"code": "losartan"}, headers=HTMX)
    response = patient_client.post(url, {"code": "losartan"}, headers=HTMX)
    assert "already in your list" in response.content.decode()
    assert "HX-Trigger" not in response
    assert patient.profile.medicine_codes == ["losartan"]


@pytest.mark.parametrize("code", ["aspirin-9000", "", "LISINOPRIL", "x" * 500])
def test_an_unknown_medicine_code_is_rejected(patient_client, patient, code):
    url = reverse("planner:profile_medicine_add")
    response = patient_client.post(url, {"code": code}, headers=HTMX)
    assert response.status_code == 200
    assert "message-error" in response.content.decode()
    assert "HX-Trigger" not in response
    plain = patient_client.post(url, {"code": code}, follow=True)
    assert plain.status_code == 200
    assert "message-error" in plain.content.decode()
    assert not ProfileMedicine.objects.exists()


def test_a_medicine_is_removed_with_htmx(patient_client, patient):
    profile = make_profile(patient)
    ProfileMedicine.objects.create(profile=profile, code="ibuprofen")
    ProfileMedicine.objects.create(profile=profile, code="omeprazole")
    response = patient_client.post(
        reverse("planner:profile_medicine_remove"), {"code": "ibuprofen"}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Removed Ibuprofen" in html
    assert "autofocus" in html  # focus lands on the list, not on a vanished button
    assert "profile-changed" in response["HX-Trigger"]
    assert profile.medicine_codes == ["omeprazole"]


def test_a_medicine_is_removed_with_a_plain_post(patient_client, patient):
    profile = make_profile(patient)
    ProfileMedicine.objects.create(profile=profile, code="ibuprofen")
    response = patient_client.post(
        reverse("planner:profile_medicine_remove"), {"code": "ibuprofen"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{PROFILE_URL}#medicines"
    assert profile.medicine_codes == []


def test_a_code_the_catalogue_no_longer_lists_can_still_be_removed(patient_client, patient):
    profile = make_profile(patient)
    ProfileMedicine.objects.create(profile=profile, code="retired-drug")
    page = text(patient_client.get(PROFILE_URL))
    assert "retired-drug" in page
    assert "No longer in the catalogue" in page
    patient_client.post(reverse("planner:profile_medicine_remove"), {"code": "retired-drug"})
    assert profile.medicine_codes == []


def test_removing_only_touches_the_users_own_medicines(client, patient, stranger):
    ProfileMedicine.objects.create(profile=make_profile(patient), code="ibuprofen")
    client.force_login(stranger)
    response = client.post(
        reverse("planner:profile_medicine_remove"), {"code": "ibuprofen"}, headers=HTMX
    )
    assert "not in your list" in response.content.decode()
    assert patient.profile.medicine_codes == ["ibuprofen"]


def test_medicine_forms_are_not_reachable_with_get(patient_client):
    assert patient_client.get(reverse("planner:profile_medicine_add")).status_code == 405
    assert patient_client.get(reverse("planner:profile_medicine_remove")).status_code == 405


# --- Targets ---------------------------------------------------------------------------


def test_a_40_year_old_woman_sees_her_magnesium_rda_and_potassium_ai(patient_client, patient):
    make_profile(patient, birth_date=born_years_ago(40), sex="female")
    html = patient_client.get(PROFILE_URL).content.decode()
    mg = card(html, "magnesium_mg")
    assert "At least 320 mg a day" in mg
    assert "Recommended Dietary Allowance (RDA)" in mg
    assert "Source: IOM 1997" in mg
    k = card(html, "potassium_mg")
    assert "At least 2,600 mg a day" in k
    assert "Adequate Intake (AI)" in k
    assert "NASEM 2019" in k
    assert "target-card-sodium_mg" not in html
    assert "planning support, not diagnosis" in html
    assert "Talk to your clinician" in html


def test_the_magnesium_supplement_limit_is_shown_as_concerning_supplements_only(
    patient_client, patient
):
    make_profile(patient, birth_date=born_years_ago(40), sex="female")
    ul = card(patient_client.get(PROFILE_URL).content.decode(), "mg-supplements")
    assert "At most 350 mg a day" in ul
    assert "supplements only" in ul
    assert "magnesium in food has no upper limit" in ul
    assert "IOM 1997" in ul


def test_ckd_g4_brings_renal_limits_with_their_sources(patient_client, patient):
    make_profile(patient, birth_date=born_years_ago(65), sex="male", kidney_status="g4", egfr=22)
    html = patient_client.get(PROFILE_URL).content.decode()
    k = card(html, "potassium_mg")
    assert "At most 3,000 mg a day" in k
    assert "Renal limit" in k
    assert "design choice of this app" in k
    assert "NKF Council on Renal Nutrition" in k
    na = card(html, "sodium_mg")
    assert "At most 2,300 mg a day" in na
    assert "KDOQI 2020" in na
    assert "design choice of this app" not in na
    p = card(html, "phosphorus_mg")
    assert "At most 1,000 mg a day" in p
    assert "Source: Project default [D]" in p
    assert "design choice of this app" in p
    assert "Recommended Dietary Allowance (RDA)" in card(html, "magnesium_mg")


def test_lisinopril_at_ckd_g2_limits_potassium_through_hyperkalaemia_risk(patient_client, patient):
    profile = make_profile(
        patient, birth_date=born_years_ago(50), sex="male", kidney_status="g2", egfr=70
    )
    before = card(patient_client.get(PROFILE_URL).content.decode(), "potassium_mg")
    assert "At least 3,400 mg a day" in before
    ProfileMedicine.objects.create(profile=profile, code="lisinopril")
    k = card(patient_client.get(PROFILE_URL).content.decode(), "potassium_mg")
    assert "At most 3,000 mg a day" in k
    assert "Renal limit" in k
    assert "hyperkalaemia" in k
    assert "you take Lisinopril (ACE inhibitor), which can raise potassium" in k


def test_a_high_serum_potassium_is_named_as_the_reason_for_the_limit(patient_client, patient):
    make_profile(patient, birth_date=born_years_ago(50), sex="male", serum_k=5.6)
    k = card(patient_client.get(PROFILE_URL).content.decode(), "potassium_mg")
    assert "At most 3,000 mg a day" in k
    assert "your latest serum potassium (5.6 mmol/L) is above 5" in k


def test_a_custom_target_overrides_the_default_and_says_who_set_it_and_why(
    patient_client, patient, make_user
):
    dietitian = make_user("dana", first_name="Dana", last_name="Diet")
    profile = make_profile(patient, birth_date=born_years_ago(40), sex="female", kidney_status="g4")
    CustomTarget.objects.create(
        profile=profile,
        nutrient="potassium_mg",
        minimum=2000,
        maximum=2500,
        reason="Serum K 5.4 at the last two visits",
        set_by=dietitian,
    )
    k = card(patient_client.get(PROFILE_URL).content.decode(), "potassium_mg")
    assert "Between 2,000 mg and 2,500 mg a day" in k
    assert "Custom target" in k
    assert "Set by Dana Diet — Serum K 5.4 at the last two visits" in k
    assert "3,000" not in k


def test_the_display_unit_mmol_shows_3000_mg_of_potassium_as_76_7_mmol(patient_client, patient):
    make_profile(
        patient, birth_date=born_years_ago(65), sex="male", kidney_status="hd", display_unit="mmol"
    )
    html = patient_client.get(PROFILE_URL).content.decode()
    k = card(html, "potassium_mg")
    assert "At most 76.7 mmol a day" in k
    assert "(3,000 mg)" in k
    assert "At most 100.0 mmol a day" in card(html, "sodium_mg")
    # Phosphorus has no mmol convention in the app: it stays in mg.
    assert "At most 1,000 mg a day" in card(html, "phosphorus_mg")


def test_the_display_unit_meq_shows_magnesium_in_milliequivalents(patient_client, patient):
    make_profile(patient, birth_date=born_years_ago(40), sex="male", display_unit="meq")
    mg = card(patient_client.get(PROFILE_URL).content.decode(), "magnesium_mg")
    assert "At least 34.6 mEq a day" in mg  # 420 mg / 24.3 × 2
    assert "(420 mg)" in mg


def test_without_birth_date_and_sex_the_page_says_what_to_fill_in(patient_client, patient):
    make_profile(patient, kidney_status="g4")
    html = patient_client.get(PROFILE_URL).content.decode()
    assert "Fill in your birth date and sex above" in html
    assert "target-card-magnesium_mg" not in html
    # Renal limits do not depend on age or sex, so they still show.
    assert "At most 3,000 mg a day" in card(html, "potassium_mg")


def test_without_sex_only_sex_is_asked_for(patient_client, patient):
    make_profile(patient, birth_date=born_years_ago(30))
    assert "Fill in your sex above" in text(patient_client.get(PROFILE_URL))


def test_the_targets_partial_answers_htmx_and_redirects_a_plain_visit(patient_client, patient):
    make_profile(patient, birth_date=born_years_ago(40), sex="female")
    url = reverse("planner:profile_targets")
    response = patient_client.get(url, headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="targets"')
    assert "At least 320 mg a day" in html
    assert response["Vary"] and "HX-Request" in response["Vary"]
    plain = patient_client.get(url)
    assert plain.status_code == 302
    assert plain["Location"] == f"{PROFILE_URL}#targets"


def test_the_profile_page_takes_a_fixed_number_of_queries(
    client, patient, make_user, django_assert_num_queries
):
    profile = make_profile(
        patient, birth_date=born_years_ago(40), sex="female", kidney_status="g3b"
    )
    for code in ("lisinopril", "furosemide", "omeprazole", "spironolactone"):
        ProfileMedicine.objects.create(profile=profile, code=code)
    dietitian = make_user("dana")
    for nutrient in ("potassium_mg", "sodium_mg", "calcium_mg"):
        CustomTarget.objects.create(
            profile=profile, nutrient=nutrient, maximum=2000, reason="r", set_by=dietitian
        )
    client.force_login(patient)
    # session, user (with roles), profile, medicine codes, custom targets with who set
    # them, the user's dietitians, and the menu's unread-comments count
    with django_assert_num_queries(7):
        response = client.get(PROFILE_URL, {"q": "pril"})
    assert response.status_code == 200


def test_the_nav_links_to_the_profile_for_logged_in_users_only(client, patient):
    assert 'href="/profile/"' not in client.get("/").content.decode()
    client.force_login(patient)
    assert 'href="/profile/"' in client.get("/").content.decode()


def test_a_results_date_before_the_birth_date_is_rejected(patient_client, patient):
    response = patient_client.post(
        PROFILE_URL,
        valid_data(birth_date="1990-06-01", serum_k="4", labs_date="1989-01-01"),
    )
    assert response.status_code == 200
    assert "cannot be before the birth date" in text(response)
    assert Profile.objects.get(user=patient).birth_date is None


def test_a_stored_birth_date_after_today_asks_for_it_to_be_checked(patient_client, patient):
    # Validation stops this on the page; the admin or old data might not.
    make_profile(patient, birth_date=TODAY + dt.timedelta(days=400), sex="female")
    response = patient_client.get(PROFILE_URL)
    assert response.status_code == 200
    assert "Fill in your birth date (it is after today) above" in text(response)


def test_a_custom_target_whose_setter_is_gone_still_shows_its_reason(patient_client, patient):
    profile = make_profile(patient, birth_date=born_years_ago(40), sex="female")
    CustomTarget.objects.create(
        profile=profile, nutrient="sodium_mg", maximum=1800, reason="Blood pressure"
    )
    na = card(patient_client.get(PROFILE_URL).content.decode(), "sodium_mg")
    assert "At most 1,800 mg a day" in na
    assert "Reason: Blood pressure" in na
    assert "Custom target" in na
