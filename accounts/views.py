"""Sign-up and the throttled password reset; the other account pages are Django's own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.backends import SESSION_BACKEND
from accounts.forms import SignupForm
from accounts.throttle import throttled
from config.redirects import safe_path


def _safe_next(request: HttpRequest) -> str:
    # An invitation link sends people here with ?next=; only our own paths count.
    return safe_path(request, request.POST.get("next") or request.GET.get("next") or "")


@require_http_methods(["GET", "POST"])
@throttled("sign-up", per_address="SIGNUP_LIMIT_PER_ADDRESS", per_email="SIGNUP_LIMIT_PER_EMAIL")
def signup(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=SESSION_BACKEND)
        messages.success(request, f"Welcome, {user.username}. Your account is ready.")
        return redirect(next_url or "home")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


# Django's PasswordResetForm already catches and logs a failed send (django.contrib.auth
# logger), so a mail server that is down leaves the usual "if an account uses that
# address" page (tests/config/test_mail.py pins it); only the throttle is added here.
password_reset = throttled(
    "password reset",
    per_address="PASSWORD_RESET_LIMIT_PER_ADDRESS",
    per_email="PASSWORD_RESET_LIMIT_PER_EMAIL",
)(auth_views.PasswordResetView.as_view())
