from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core import mail

from tests.conftest import PASSWORD


def test_home_page_says_what_the_product_does(client, db):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "magnesium and potassium" in body
    assert 'href="#main"' in body  # skip link
    assert "htmx" in body


def test_pages_send_security_headers(client, db):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script(client, db):
    body = client.get("/").content.decode()
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag, tag


def sign_up(client, *, password2: str = "kidney-Beans-42", **options):
    """Amir signs up with the password "kidney-Beans-42", confirmed as `password2`."""
    data = {
        "username": "amir",
        "email": "amir@example.org",
        "password1": "kidney-Beans-42",
        "password2": password2,
    }
    return client.post("/accounts/signup/", data, **options)


def test_sign_up_creates_an_account_and_logs_in(client, db):
    response = sign_up(client, follow=True)
    assert response.status_code == 200
    assert response.context["user"].username == "amir"
    assert get_user_model().objects.filter(username="amir").exists()


def test_sign_up_with_mismatched_passwords_changes_nothing(client, db):
    response = sign_up(client, password2="kidney-Beans-43")
    assert response.status_code == 200
    assert "match" in response.content.decode()
    assert not get_user_model().objects.filter(username="amir").exists()


def test_sign_up_needs_an_email(client, db):
    response = client.post(
        "/accounts/signup/",
        {"username": "amir", "password1": "kidney-Beans-42", "password2": "kidney-Beans-42"},
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="amir").exists()


def test_log_in_and_out(client, patient):
    response = client.post("/accounts/login/", {"username": "patient", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"].is_authenticated
    assert client.get("/accounts/logout/").status_code == 405  # logging out is a POST
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


def test_log_in_with_a_wrong_password_says_so(client, patient):
    response = client.post("/accounts/login/", {"username": "patient", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_log_in_ignores_an_offsite_next(client, patient):
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": "patient", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_password_change(client, patient):
    client.force_login(patient)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "new-Secret-981",
            "new_password2": "new-Secret-981",
        },
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.check_password("new-Secret-981")


def test_password_change_needs_login(client, db):
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.headers["Location"]


def test_password_reset_sends_a_working_link(client, patient):
    response = client.post("/accounts/password_reset/", {"email": "patient@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "fresh-Start-314", "new_password2": "fresh-Start-314"}
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.check_password("fresh-Start-314")


def test_password_reset_for_an_unknown_address_sends_nothing(client, db):
    client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert mail.outbox == []


def _sign_up(client, username: str, email: str):
    return client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": email,
            "password1": "kidney-Beans-42",
            "password2": "kidney-Beans-42",
        },
    )


def test_sign_up_refuses_an_email_another_account_has_whatever_its_case(client, patient):
    # A reset link for that address would otherwise go to both accounts.
    response = _sign_up(client, "amir", "  Patient@EXAMPLE.org ")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["email"]
    assert "Another account already uses this e-mail address" in errors["email"][0]
    assert "Another account already uses this e-mail address" in response.content.decode()
    assert not get_user_model().objects.filter(username="amir").exists()


def test_sign_up_accepts_an_email_nobody_has(client, patient):
    assert _sign_up(client, "amir", "amir@example.org").status_code == 302
    assert get_user_model().objects.get(username="amir").email == "amir@example.org"


def test_password_reset_answers_the_same_whether_or_not_the_address_has_an_account(client, patient):
    # Pins Django's behaviour: the reset form reveals nothing about who has an account.
    known = client.post("/accounts/password_reset/", {"email": "patient@example.org"})
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert len(mail.outbox) == 1
    done = client.get(known.headers["Location"])
    assert "If an account uses that address" in done.content.decode()
