"""Dietitians and their clients: invitations, links, client summaries and templates.

A dietitian is a member of the "dietitians" group (granted in the Django
admin). They invite a client with a link carrying a secret token, sent by
e-mail if they wish; the client accepts or declines; either side can end
the link later. What an active link allows is decided by planner.access;
this module only changes links, and records every change in the history.

The history belongs to the client (`HistoryEvent.owner`). An invitation that
nobody has answered yet has no client, so its creation and withdrawal are
recorded in the dietitian's own history instead.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from clinical import nutrients
from clinical.readings import Reading
from nutrition.models import Food
from planner import access, history, intake, warnings
from planner.assessment import Owner, assess
from planner.models import (
    CareLink,
    CustomTarget,
    MealItem,
    Nutrient,
    Plan,
    PlanDay,
    Profile,
)
from planner.targets import ProfileTargets

# A latest plan untouched for this long counts as "no recent plan" on the
# dietitian's list: the client may have stopped planning [D].
RECENT_PLAN = dt.timedelta(days=30)
# Pending invitations a dietitian may hold at once; it bounds the e-mails one
# account can send to arbitrary addresses.
MAX_PENDING_INVITES = 50


class CareError(Exception):
    """A refused change, with a message for the person who asked for it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def display_name(user) -> str:
    return history.actor_name(user)


def new_token() -> str:
    return secrets.token_urlsafe(32)


# --- invitations and links ------------------------------------------------------------


def invite(dietitian, email: str = "") -> CareLink:
    """A new pending invitation. Raises CareError if `dietitian` may not invite."""
    if not access.is_dietitian(dietitian):
        raise CareError(
            "Only dietitians can invite clients. An administrator gives the dietitian role."
        )
    with transaction.atomic():
        pending = CareLink.objects.filter(
            dietitian=dietitian, status=CareLink.Status.PENDING
        ).count()
        if pending >= MAX_PENDING_INVITES:
            raise CareError(
                f"You have {pending} open invitations. Withdraw some that nobody will answer "
                f"before inviting more."
            )
        link = CareLink.objects.create(dietitian=dietitian, email=email, token=new_token())
        history.record(
            dietitian,
            dietitian,
            "care-invited",
            f"Invited {email} to become a client" if email else "Created a client invitation link",
        )
    return link


def invite_email(link: CareLink, url: str) -> tuple[str, str]:
    """Subject and body of the invitation e-mail; `url` is the absolute invitation link."""
    name = display_name(link.dietitian)
    subject = f"{name} invites you to MgK Planner"
    body = (
        f"Hello,\n\n"
        f"{name}, a dietitian on MgK Planner, invites you to become their client. If you "
        f"accept, {name} can see your profile, targets and meal plans, plan meals for you and "
        f"set personal targets with a reason you can read. You can end this at any time.\n\n"
        f"Open this link to see the invitation and accept or decline it:\n{url}\n\n"
        f"If you have no account yet, create one first and then open the link again.\n"
        f"If you did not expect this e-mail, you can ignore it: nothing happens unless you "
        f"accept.\n\n"
        f"MgK Planner is planning support, not diagnosis. Talk to your clinician before "
        f"changing your diet, supplements or medicines.\n"
    )
    return subject, body


def send_invite_email(link: CareLink, url: str) -> None:
    # Sent after the invitation is saved: a failed e-mail must not undo the
    # invitation, whose link the dietitian can still pass on by hand.
    subject, body = invite_email(link, url)
    send_mail(subject, body, None, [link.email])


def _locked(link: CareLink) -> CareLink:
    # Two tabs accepting at once must not both succeed: re-read under a lock.
    return (
        CareLink.objects.select_for_update(of=("self",)).select_related("dietitian").get(pk=link.pk)
    )


def check_answerable(link: CareLink, user) -> None:
    """Raise CareError unless `user` may accept or decline this invitation now."""
    name = display_name(link.dietitian)
    if link.dietitian_id == user.id:
        raise CareError(
            "This is your own invitation: send the link to the person you want as a client."
        )
    if link.status == CareLink.Status.ACTIVE:
        if link.client_id == user.id:
            raise CareError(f"You have already accepted this invitation: {name} is your dietitian.")
        raise CareError("This invitation has already been used.")
    if link.status == CareLink.Status.DECLINED:
        raise CareError("This invitation was declined, so it can no longer be accepted.")
    if link.status == CareLink.Status.ENDED:
        if link.responded_at is None:
            raise CareError(f"{name} withdrew this invitation.")
        raise CareError("This invitation was used for a link that has ended.")
    if not access.is_dietitian(link.dietitian):
        raise CareError(f"{name} is no longer a dietitian on MgK Planner.")


def accept(link: CareLink, user) -> CareLink:
    with transaction.atomic():
        link = _locked(link)
        check_answerable(link, user)
        name = display_name(link.dietitian)
        already = CareLink.objects.filter(
            dietitian=link.dietitian, client=user, status=CareLink.Status.ACTIVE
        ).exists()
        if already:
            raise CareError(f"{name} is already your dietitian.")
        link.client = user
        link.status = CareLink.Status.ACTIVE
        link.responded_at = timezone.now()
        link.save(update_fields=["client", "status", "responded_at"])
        history.record(user, user, "care-accepted", f"Accepted {name} as a dietitian")
    return link


def decline(link: CareLink, user) -> CareLink:
    with transaction.atomic():
        link = _locked(link)
        check_answerable(link, user)
        link.client = user
        link.status = CareLink.Status.DECLINED
        link.responded_at = timezone.now()
        link.save(update_fields=["client", "status", "responded_at"])
        history.record(
            user,
            user,
            "care-declined",
            f"Declined an invitation from {display_name(link.dietitian)}",
        )
    return link


def end(link: CareLink, user) -> CareLink:
    """End an active link; either side may. Access stops with this commit."""
    with transaction.atomic():
        link = _locked(link)
        if user.id not in (link.dietitian_id, link.client_id):
            raise CareError("This link is not yours to end.")
        if link.status != CareLink.Status.ACTIVE:
            raise CareError("This link is not active, so there is nothing to end.")
        link.close(by=user)
        other = link.dietitian if user.id == link.client_id else link.client
        history.record(
            user, link.client, "care-ended", f"Ended the link with {display_name(other)}"
        )
    return link


def withdraw(link: CareLink, user) -> CareLink:
    """The dietitian takes back an invitation nobody has answered."""
    with transaction.atomic():
        link = _locked(link)
        if link.dietitian_id != user.id:
            raise CareError("Only the dietitian who sent an invitation can withdraw it.")
        if link.status != CareLink.Status.PENDING:
            raise CareError("This invitation was already answered or withdrawn.")
        link.close(by=user)
        what = f"the invitation to {link.email}" if link.email else "an invitation link"
        history.record(user, user, "care-withdrawn", f"Withdrew {what}")
    return link


def pending_invites(dietitian):
    return CareLink.objects.filter(dietitian=dietitian, status=CareLink.Status.PENDING)


def dietitians_of(client):
    """The client's active links with their dietitians.

    The same rule as planner.access.active_links, seen from the client's side:
    a link whose dietitian lost the role gives no access, so it is not listed.
    """
    return CareLink.objects.filter(
        client=client,
        status=CareLink.Status.ACTIVE,
        dietitian__groups__name=access.DIETITIANS_GROUP,
    ).select_related("dietitian")


# --- custom targets ---------------------------------------------------------------------


def unit_of(nutrient: str) -> str:
    """The stored unit of a custom target (mg; kcal for energy, g for protein)."""
    return nutrients.unit_label(nutrient, "mg")


def describe_bounds(minimum: float | None, maximum: float | None, unit: str) -> str:
    if minimum is not None and maximum is not None:
        return f"between {minimum:,g} and {maximum:,g} {unit}"
    if minimum is not None:
        return f"at least {minimum:,g} {unit}"
    return f"at most {maximum:,g} {unit}"


def set_custom_target(
    dietitian,
    client,
    nutrient: str,
    minimum: float | None,
    maximum: float | None,
    reason: str,
) -> CustomTarget:
    """Create or replace the client's custom target for one nutrient."""
    with transaction.atomic():
        profile, _ = Profile.objects.get_or_create(user=client)
        target, created = CustomTarget.objects.update_or_create(
            profile=profile,
            nutrient=nutrient,
            defaults={
                "minimum": minimum,
                "maximum": maximum,
                "reason": reason,
                "set_by": dietitian,
            },
        )
        label = Nutrient(nutrient).label
        bounds = describe_bounds(minimum, maximum, unit_of(nutrient))
        history.record(
            dietitian,
            client,
            "target-set" if created else "target-changed",
            f"{'Set' if created else 'Changed'} the {label.lower()} target to {bounds} a day "
            f"(reason: {reason})",
        )
    return target


def remove_custom_target(dietitian, client, nutrient: str) -> bool:
    with transaction.atomic():
        deleted, _ = CustomTarget.objects.filter(profile__user=client, nutrient=nutrient).delete()
        if deleted:
            history.record(
                dietitian,
                client,
                "target-removed",
                f"Removed the custom {Nutrient(nutrient).label.lower()} target; "
                f"the default applies again",
            )
    return bool(deleted)


# --- plans for clients and templates ------------------------------------------------------


def apply_template(template: Plan, dietitian, client, name: str = "") -> Plan:
    if not template.is_template or template.owner_id != dietitian.id:
        raise CareError("Choose one of your own templates.")
    if not access.is_dietitian_of(dietitian, client.id):
        raise CareError("You can apply templates only to your current clients.")
    private = sorted(
        Food.objects.filter(source=Food.Source.USER, meal_items__day__plan=template)
        .exclude(owner=client)
        .values_list("name", flat=True)
        .distinct()
    )
    if private:
        # The client would see foods only their author may see (issue 11).
        raise CareError(
            "This template uses your private foods ("
            + ", ".join(f"“{name}”" for name in private)
            + "): send them for review, or swap them for public foods, before applying it."
        )
    name = (name or template.name)[:120]
    with transaction.atomic():
        plan = template.copy(client, dietitian, name)
        history.record(
            dietitian,
            client,
            "template-applied",
            f"Created the plan “{plan.name}” from the template “{template.name}”",
            plan,
        )
    return plan


def set_template(plan: Plan, dietitian, is_template: bool) -> Plan:
    """Turn one of the dietitian's own plans into a template, or back."""
    if plan.owner_id != dietitian.id:
        raise CareError("Only your own plans can be templates.")
    if plan.is_template == is_template:
        raise CareError(
            f"“{plan.name}” is already a template."
            if is_template
            else f"“{plan.name}” is already a normal plan."
        )
    with transaction.atomic():
        plan.is_template = is_template
        plan.save(update_fields=["is_template", "updated_at"])
        history.record(
            dietitian,
            dietitian,
            "template-marked" if is_template else "template-unmarked",
            f"Made “{plan.name}” a template"
            if is_template
            else f"Made the template “{plan.name}” a normal plan again",
            plan,
        )
    return plan


def templates_of(dietitian):
    return (
        Plan.objects.filter(owner=dietitian, is_template=True)
        .annotate(day_count=Count("days", distinct=True), item_count=Count("days__items"))
        .order_by("name", "id")
    )


# --- the dietitian's list of clients --------------------------------------------------------


@dataclass
class ClientSummary:
    link: CareLink
    client: AbstractBaseUser
    profile: Profile
    targets: ProfileTargets
    plan: Plan | None = None
    day_id: int | None = None
    day_name: str = ""
    warnings: list[warnings.Warning] = field(default_factory=list)
    magnesium: Reading | None = None
    potassium: Reading | None = None

    @property
    def name(self) -> str:
        return display_name(self.client)

    def count(self, level: str) -> int:
        return sum(1 for w in self.warnings if w.level == level)

    @property
    def danger(self) -> int:
        return self.count("danger")

    @property
    def caution(self) -> int:
        return self.count("caution")

    @property
    def info(self) -> int:
        return self.count("info")

    @property
    def k_over(self) -> bool:
        return bool(self.potassium and self.potassium.status == "over")

    @property
    def mg_below(self) -> bool:
        return bool(self.magnesium and self.magnesium.below_minimum)

    @property
    def recent(self) -> bool:
        """A planned day in a plan changed within RECENT_PLAN."""
        return (
            self.plan is not None
            and self.day_id is not None
            and timezone.now() - self.plan.updated_at <= RECENT_PLAN
        )

    @property
    def attention(self) -> str:
        if self.danger:
            return "danger"
        if self.caution:
            return "caution"
        if self.k_over:
            return "k-over"
        if self.mg_below:
            return "mg-below"
        if not self.recent:
            return "no-recent-plan"
        return "ok"

    def sort_key(self) -> tuple:
        # Danger first, then caution, then potassium over the limit, then
        # magnesium below target, then nobody planning lately; by name within.
        return (
            -self.danger,
            -self.caution,
            not self.k_over,
            not self.mg_below,
            self.recent,
            self.name.lower(),
            self.client.id,
        )


def client_summaries(dietitian) -> list[ClientSummary]:
    """Every active client with the state of their last planned day, neediest first.

    A constant number of queries whatever the number of clients: the links
    with clients and profiles, medicines, custom targets, the latest plans
    with their last planned day, the day totals and the items the warning
    rules read — then everything else is computed in Python.
    """
    latest_plan = (
        Plan.objects.filter(owner=OuterRef("client_id"), is_template=False)
        .order_by("-updated_at", "-id")
        .values("id")[:1]
    )
    links = list(
        access.active_links(dietitian)
        .select_related("client__profile")
        .annotate(latest_plan_id=Subquery(latest_plan))
        .prefetch_related(
            "client__profile__medicines",
            Prefetch(
                "client__profile__custom_targets",
                queryset=CustomTarget.objects.select_related("set_by"),
            ),
        )
    )
    if not links:
        return []

    planned_days = PlanDay.objects.filter(
        Exists(MealItem.objects.filter(day=OuterRef("pk"))), plan=OuterRef("pk")
    ).order_by("-position", "-id")
    plan_ids = [link.latest_plan_id for link in links if link.latest_plan_id]
    plans = {
        plan.id: plan
        for plan in Plan.objects.filter(id__in=plan_ids).annotate(
            last_day_id=Subquery(planned_days.values("id")[:1]),
            last_day_name=Subquery(planned_days.values("name")[:1]),
        )
    }
    day_ids = [p.last_day_id for p in plans.values() if p.last_day_id]
    totals = intake.totals_for_days(day_ids)
    items_by_day: dict[int, list[MealItem]] = defaultdict(list)
    if day_ids:
        for item in (
            MealItem.objects.filter(day_id__in=day_ids)
            .select_related("food__supplement", "portion")
            .order_by("day_id", "position", "id")
        ):
            items_by_day[item.day_id].append(item)

    summaries = []
    for link in links:
        client = link.client
        try:
            profile = client.profile
        except Profile.DoesNotExist:
            # Never filled in: an unsaved blank profile gives the defaults
            # without writing anything on a GET.
            profile = Profile(user=client)
        saved = profile.pk is not None
        owner = Owner.of_profile(
            profile,
            custom=list(profile.custom_targets.all()) if saved else [],
            medicine_codes=[m.code for m in profile.medicines.all()] if saved else [],
        )
        summary = ClientSummary(link=link, client=client, profile=profile, targets=owner.targets)
        plan = plans.get(link.latest_plan_id)
        if plan is not None:
            summary.plan = plan
            summary.day_id = plan.last_day_id
            summary.day_name = plan.last_day_name or ""
        if summary.day_id is not None:
            assessed = assess(
                owner, summary.day_id, totals[summary.day_id], items_by_day[summary.day_id]
            )
            summary.warnings = assessed.warnings
            summary.magnesium = assessed.reading(Nutrient.MAGNESIUM)
            summary.potassium = assessed.reading(Nutrient.POTASSIUM)
        summaries.append(summary)
    summaries.sort(key=ClientSummary.sort_key)
    return summaries


def client_plans(client):
    return (
        Plan.objects.filter(owner=client, is_template=False)
        .select_related("author")
        .annotate(day_count=Count("days", distinct=True))
    )


def past_links_as_client(client):
    return (
        CareLink.objects.filter(client=client)
        .filter(Q(status=CareLink.Status.ENDED) | Q(status=CareLink.Status.DECLINED))
        .select_related("dietitian", "ended_by")
    )
