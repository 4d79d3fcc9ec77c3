from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from config.redirects import safe_path
from config.throttle import throttled

SESSION_BACKEND = "planner.auth.RoleAwareBackend"


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = "Used only to reset your password."

    def clean_email(self) -> str:
        # A password reset goes to every account with the address, so two accounts
        # sharing one would let either person take over the other. Compared without
        # case: Django's reset form matches addresses that way too.
        email = self.cleaned_data["email"]
        if email and get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "Another account already uses this e-mail address. Log in to it, or set a "
                "new password for it from the login page if you have forgotten it.",
                code="email_taken",
            )
        return email


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


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
        # Named, not AUTHENTICATION_BACKENDS[0]: that is django-axes, which cannot load users.
        login(request, user, backend=SESSION_BACKEND)
        messages.success(request, f"Welcome, {user.username}. Your account is ready.")
        return redirect(next_url or "home")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


# Django's PasswordResetForm already catches and logs a failed send (django.contrib.auth
# logger), so a mail server that is down leaves the usual "if an account uses that
# address" page (tests/test_mail.py pins it); only the throttle is added here.
password_reset = throttled(
    "password reset",
    per_address="PASSWORD_RESET_LIMIT_PER_ADDRESS",
    per_email="PASSWORD_RESET_LIMIT_PER_EMAIL",
)(auth_views.PasswordResetView.as_view())


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    # Load balancers call this: it must answer quickly and never raise.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
