"""The demo dietitian (fixtures/demo/dietitian.toml): linked demo clients, a custom
target, comments and a share link.

Runs after planner.demo.loader has created the demo people (load_demo calls both).
Idempotent like the rest of the demo: what exists is left alone. Uses the same
domain functions as the app (planner.care.logic), so the demo's links, targets and
history look exactly like ones made through the pages.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.roles import grant_dietitian
from planner import history
from planner.care import logic as care
from planner.demo.loader import DEMO_EMAIL_DOMAIN, DemoError, read_toml
from planner.models import CareLink, Comment, CustomTarget, Plan, ShareLink

DIETITIAN = read_toml("dietitian.toml")
USERNAME: str = DIETITIAN["username"]
PASSWORD: str = DIETITIAN["password"]
SUMMARY: str = DIETITIAN["summary"]
EMAIL = f"{USERNAME}@{DEMO_EMAIL_DOMAIN}"


@dataclass
class CareReport:
    created: list[str]

    def summary(self) -> str:
        if not self.created:
            return "Demo dietitian: already there, left as it is."
        return "Demo dietitian: " + "; ".join(self.created) + "."


def _link(dietitian, client, report: CareReport) -> None:
    if CareLink.objects.filter(
        dietitian=dietitian, client=client, status=CareLink.Status.ACTIVE
    ).exists():
        return
    CareLink.objects.create(
        dietitian=dietitian,
        client=client,
        token=secrets.token_urlsafe(32),
        status=CareLink.Status.ACTIVE,
        responded_at=timezone.now(),
    )
    history.record(client, client, "care-accepted", f"Accepted {care.display_name(dietitian)}")
    report.created.append(f"link to {client.username}")


def _share(dietitian, client, plan: Plan, row: dict, report: CareReport) -> None:
    if plan.share_links.filter(revoked_at__isnull=True).exists():
        return
    ShareLink.objects.create(
        plan=plan,
        token=secrets.token_urlsafe(32),
        created_by=dietitian,
        expires_at=timezone.now() + dt.timedelta(days=row["days"]),
        label=row["label"],
    )
    history.record(
        dietitian, client, "share-created", f"Shared “{plan.name}” with the clinic", plan
    )
    report.created.append("a share link")


def load_demo_care(data: dict = DIETITIAN) -> CareReport:
    User = get_user_model()
    report = CareReport(created=[])
    clients = {
        u.username: u
        for u in User.objects.filter(
            username__in=data["clients"], email__endswith=f"@{DEMO_EMAIL_DOMAIN}"
        )
    }
    if len(clients) != len(data["clients"]):
        raise DemoError("the demo clients are missing: run load_demo first.")
    with transaction.atomic():
        dietitian, created = User.objects.get_or_create(
            username=data["username"],
            defaults={
                "email": EMAIL,
                "first_name": data["first_name"],
                "last_name": data["last_name"],
            },
        )
        if not created and dietitian.email != EMAIL:
            raise DemoError(f"a user named {USERNAME!r} exists and is not the demo dietitian.")
        if created:
            dietitian.set_password(data["password"])
            dietitian.save()
            report.created.append("account")
        grant_dietitian(dietitian)

        for client in clients.values():
            _link(dietitian, client, report)

        for row in data.get("targets", ()):
            client = clients[row["client"]]
            nutrient = row["nutrient"]
            if CustomTarget.objects.filter(profile__user=client, nutrient=nutrient).exists():
                continue
            care.set_custom_target(
                dietitian, client, nutrient, row.get("minimum"), row.get("maximum"), row["reason"]
            )
            report.created.append(f"a {nutrient.split('_')[0]} target")

        # Each client's demo plan: the latest they own, templates aside.
        plans = {
            p.owner.username: p
            for p in Plan.objects.filter(owner__in=clients.values(), is_template=False)
            .select_related("owner")
            .order_by("created_at")
        }
        for row in data.get("comments", ()):
            plan = plans.get(row["client"])
            text = row["text"]
            if plan is None or Comment.objects.filter(plan=plan, body=text).exists():
                continue
            day = plan.days.filter(name=row["day"]).first() if "day" in row else None
            Comment.objects.create(plan=plan, day=day, author=dietitian, body=text)
            report.created.append(f"a comment for {row['client']}")

        share = data.get("share")
        if share and share["client"] in plans:
            _share(dietitian, clients[share["client"]], plans[share["client"]], share, report)
    return report


def login_line() -> str:
    return f"  {USERNAME} / {PASSWORD} — {SUMMARY}"
