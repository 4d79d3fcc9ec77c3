from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError


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
