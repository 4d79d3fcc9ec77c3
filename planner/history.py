"""A readable log of changes to a person's plans and targets.

Views call `record` inside the transaction that makes the change, so an
event exists exactly when the change does.
"""

from __future__ import annotations

from django.db.models import QuerySet

from planner.models import HistoryEvent, Plan


def actor_name(user) -> str:
    return user.get_full_name() or user.username


def record(actor, owner, action: str, summary: str, plan: Plan | None = None) -> HistoryEvent:
    return HistoryEvent.objects.create(
        owner=owner, actor=actor, action=action, summary=summary[:400], plan=plan
    )


def for_owner(owner, plan: Plan | None = None) -> QuerySet[HistoryEvent]:
    events = HistoryEvent.objects.filter(owner=owner).select_related("actor", "plan")
    if plan is not None:
        events = events.filter(plan=plan)
    return events
