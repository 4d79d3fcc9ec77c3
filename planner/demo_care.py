"""The demo dietitian: two linked demo clients, a custom target, comments and a share link.

Runs after planner.demo has created the two demo people (load_demo calls
both). Idempotent like the rest of the demo: what exists is left alone.
Uses the same domain functions as the app (planner.care), so the demo's
links, targets and history look exactly like ones made through the pages.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.roles import grant_dietitian
from planner import care, history
from planner.demo import DEMO_EMAIL_DOMAIN, PEOPLE, DemoError
from planner.models import CareLink, Comment, CustomTarget, Plan, ShareLink

USERNAME = "demo-dietitian"
PASSWORD = "renal-dietitian-demo"
SUMMARY = "dietitian of both demo clients: client list, targets, comments, a share link"
CKD_CLIENT = PEOPLE[0].username
DIURETIC_CLIENT = PEOPLE[1].username
SHARE_DAYS = 30

# The CKD client's nephrologist asked for a tighter limit than the renal default:
# this is the kind of custom target the feature exists for.
CKD_TARGET = {
    "nutrient": "potassium_mg",
    "maximum": 2500.0,
    "reason": "Serum potassium 5.3 mmol/L at the last clinic visit; nephrologist asked for "
    "about 2,500 mg a day until the next blood test.",
}
COMMENTS = (
    # (client, day name or None for the plan, text)
    (
        CKD_CLIENT,
        None,
        "This week keeps potassium near 2,000 mg on most days. Bring it to your next clinic "
        "visit so we can compare with your blood results.",
    ),
    (
        CKD_CLIENT,
        "Saturday",
        "Saturday goes over your limit: the baked potato and the orange together add about "
        "1,200 mg. Try white rice and a few strawberries instead.",
    ),
    (
        DIURETIC_CLIENT,
        None,
        "Magnesium first: the seeds, beans and the capsule on alternate days should help your "
        "potassium come up. We will recheck both levels in two weeks.",
    ),
)


@dataclass
class CareReport:
    created: list[str]

    def summary(self) -> str:
        if not self.created:
            return "Demo dietitian: already there, left as it is."
        return "Demo dietitian: " + "; ".join(self.created) + "."


def load_demo_care() -> CareReport:
    User = get_user_model()
    report = CareReport(created=[])
    clients = {
        u.username: u
        for u in User.objects.filter(
            username__in=[CKD_CLIENT, DIURETIC_CLIENT], email__endswith=f"@{DEMO_EMAIL_DOMAIN}"
        )
    }
    if len(clients) != 2:
        raise DemoError("the demo clients are missing: run load_demo first.")
    with transaction.atomic():
        dietitian, created = User.objects.get_or_create(
            username=USERNAME,
            defaults={
                "email": f"{USERNAME}@{DEMO_EMAIL_DOMAIN}",
                "first_name": "Dana",
                "last_name": "Reyes (demo dietitian)",
            },
        )
        if not created and dietitian.email != f"{USERNAME}@{DEMO_EMAIL_DOMAIN}":
            raise DemoError(f"a user named {USERNAME!r} exists and is not the demo dietitian.")
        if created:
            dietitian.set_password(PASSWORD)
            dietitian.save()
            report.created.append("account")
        grant_dietitian(dietitian)

        for client in clients.values():
            linked = CareLink.objects.filter(
                dietitian=dietitian, client=client, status=CareLink.Status.ACTIVE
            ).exists()
            if not linked:
                CareLink.objects.create(
                    dietitian=dietitian,
                    client=client,
                    token=secrets.token_urlsafe(32),
                    status=CareLink.Status.ACTIVE,
                    responded_at=timezone.now(),
                )
                history.record(
                    client, client, "care-accepted", f"Accepted {care.display_name(dietitian)}"
                )
                report.created.append(f"link to {client.username}")

        ckd = clients[CKD_CLIENT]
        if not CustomTarget.objects.filter(
            profile__user=ckd, nutrient=CKD_TARGET["nutrient"]
        ).exists():
            care.set_custom_target(
                dietitian,
                ckd,
                CKD_TARGET["nutrient"],
                None,
                CKD_TARGET["maximum"],
                CKD_TARGET["reason"],
            )
            report.created.append("a potassium target")

        plans = {
            p.owner.username: p
            for p in Plan.objects.filter(owner__in=clients.values(), is_template=False)
            .select_related("owner")
            .order_by("created_at")
        }
        for username, day_name, text in COMMENTS:
            plan = plans.get(username)
            if plan is None or Comment.objects.filter(plan=plan, body=text).exists():
                continue
            day = plan.days.filter(name=day_name).first() if day_name else None
            Comment.objects.create(plan=plan, day=day, author=dietitian, body=text)
            report.created.append(f"a comment for {username}")

        ckd_plan = plans.get(CKD_CLIENT)
        if ckd_plan and not ckd_plan.share_links.filter(revoked_at__isnull=True).exists():
            ShareLink.objects.create(
                plan=ckd_plan,
                token=secrets.token_urlsafe(32),
                created_by=dietitian,
                expires_at=timezone.now() + dt.timedelta(days=SHARE_DAYS),
                label="for the nephrology clinic",
            )
            history.record(
                dietitian,
                ckd,
                "share-created",
                f"Shared “{ckd_plan.name}” with the clinic",
                ckd_plan,
            )
            report.created.append("a share link")
    return report


def login_line() -> str:
    return f"  {USERNAME} / {PASSWORD} — {SUMMARY}"
