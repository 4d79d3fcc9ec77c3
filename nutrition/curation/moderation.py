"""A user's private food on its way to the public database.

private → (submit) → pending → (approve) → a public "curated" food, owner cleared
                             → (reject with a reason) → rejected → (edit, submit) → pending
The author keeps using the food in their menus throughout: approval changes the
row in place, so their meal items follow.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from nutrition.models import Food

REASON_MAX = Food._meta.get_field("review_note").max_length


def submit(food: Food) -> None:
    if food.source != Food.Source.USER or food.review_status not in (
        Food.Review.PRIVATE,
        Food.Review.REJECTED,
    ):
        raise ValidationError("Only a private or a returned food can be sent for review.")
    food.review_status = Food.Review.PENDING
    food.submitted_at = timezone.now()
    food._change_reason = "Sent for review"
    food.save()


def pending() -> QuerySet[Food]:
    return Food.objects.filter(source=Food.Source.USER, review_status=Food.Review.PENDING)


def approve(food: Food, curator) -> None:
    """Make the food public as a curated food; its values must pass the same checks as
    any curator's edit."""
    if food.source != Food.Source.USER or food.review_status != Food.Review.PENDING:
        raise ValidationError("This food is not waiting for review.")
    food.full_clean(exclude=["source_id", "owner", "group"])
    with transaction.atomic():
        now = timezone.now()
        food.source = Food.Source.CURATED
        food.source_id = f"user-{food.pk}"
        food.owner = None
        food.review_status = Food.Review.APPROVED
        food.review_note = ""
        food.reviewed_by = curator
        food.reviewed_at = now
        food.curated_at = now
        food.verified = True
        food._change_reason = "Approved into the public database"
        food.save()


def reject(food: Food, curator, reason: str) -> None:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Say why, so the author can fix it.")
    if len(reason) > REASON_MAX:
        raise ValidationError(f"Keep the reason under {REASON_MAX} characters.")
    if food.source != Food.Source.USER or food.review_status != Food.Review.PENDING:
        raise ValidationError("This food is not waiting for review.")
    food.review_status = Food.Review.REJECTED
    food.review_note = reason
    food.reviewed_by = curator
    food.reviewed_at = timezone.now()
    food._change_reason = f"Not accepted: {reason}"
    food.save()
