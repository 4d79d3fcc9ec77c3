from __future__ import annotations

from django import forms


def form_errors(form: forms.BaseForm) -> list[str]:
    """A bound form's errors as lines for messages: the form's own, then "Field: error"."""
    errors = [str(e) for e in form.non_field_errors()]
    for bound in form:
        errors.extend(f"{bound.label}: {e}" for e in bound.errors)
    return errors
