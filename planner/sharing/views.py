"""Read-only share links: a plan for someone without an account.

The owner or their dietitian creates a link from the plan page: it works for
1–90 days (14 by default), may carry a label for the sharer's own list ("for
Dr Lee") and shows the owner's display name only if asked. The token is
`secrets.token_urlsafe(32)` (256 random bits); the link can be withdrawn at
any time, and creating or withdrawing one is recorded in the history.

The public page `/share/<token>/`, its print view and its PDF show what
`planner.sharing.report` allows: the meals and totals always; the owner's
name, the targets and warnings, and the plan's notes only when the sharer
ticked them; never the profile, comments or history. It has no form and
sets no cookie; it is sent with `Referrer-Policy: no-referrer` (the token must not leak to sites it
links to), `X-Robots-Tag: noindex` and `Cache-Control: private, no-store`.
An expired or withdrawn link answers 404 with a page that says so; an
unknown token answers 404 too.

A link made by a dietitian stays valid if the care link later ends: it was
made for the client's plan, and the client sees and can withdraw it.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from config.htmx import render_section
from planner import history
from planner.access import get_plan_for
from planner.history import actor_name
from planner.models import Plan, ShareLink
from planner.reports.pdf import pdf_response
from planner.sharing.report import ALWAYS_SHOWN, NEVER_SHOWN, ShareOptions, build_public_report

DEFAULT_DAYS = 14
MAX_DAYS = 90
# token_urlsafe(32) gives 43 characters; anything that cannot be a token is
# answered without a query.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
PUBLIC_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "Cache-Control": "private, no-store",
}


class ShareForm(forms.Form):
    days = forms.IntegerField(
        label="Works for",
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        error_messages={
            "required": f"Choose how many days the link works: 1 to {MAX_DAYS}.",
            "invalid": f"Enter a whole number of days from 1 to {MAX_DAYS}.",
            "min_value": f"A link works for at least 1 day and at most {MAX_DAYS}.",
            "max_value": f"A link works for at most {MAX_DAYS} days; make a new one later.",
        },
    )
    label = forms.CharField(
        label="Who it is for",
        max_length=120,
        required=False,
        strip=True,
        help_text="Optional, for your list only (e.g. “for Dr Lee”); not shown on the page.",
        error_messages={"max_length": "Keep the label to 120 characters."},
    )
    show_name = forms.BooleanField(
        label="Show the plan owner’s name on the page",
        required=False,
        help_text="Off by default: the page then shows no name at all.",
    )
    show_targets = forms.BooleanField(
        label="Show the daily targets, the totals against them and the warnings",
        required=False,
        help_text=(
            "Off by default. Even then the page never says where a target comes from: "
            "no kidney status, lab results, medicines, reasons or names."
        ),
    )
    show_notes = forms.BooleanField(
        label="Show the plan’s notes",
        required=False,
        help_text="Off by default. Shown as written: check they hold nothing private.",
    )

    def clean_label(self) -> str:
        return self.cleaned_data["label"].replace("\x00", "")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def status_of(link: ShareLink, now: dt.datetime | None = None) -> str:
    if link.revoked_at is not None:
        return "withdrawn"
    if link.expires_at <= (now or timezone.now()):
        return "expired"
    return "active"


def find(token: str) -> tuple[ShareLink | None, str]:
    """(link, status): status is "active", "expired", "withdrawn" or "unknown"."""
    if not TOKEN_RE.match(token or ""):
        return None, "unknown"
    link = ShareLink.objects.select_related("plan__owner").filter(token=token).first()
    if link is None or link.plan.is_template:
        return None, "unknown"
    return link, status_of(link)


def share_url(request: HttpRequest, link: ShareLink) -> str:
    return request.build_absolute_uri(reverse("planner:share_page", args=[link.token]))


# --- the sharer's side: list, create, withdraw ----------------------------------------------


def _section(
    request: HttpRequest,
    plan: Plan,
    form: ShareForm | None = None,
    status: int = 200,
    note: str = "",
    new_link: ShareLink | None = None,
) -> HttpResponse:
    now = timezone.now()
    links = list(plan.share_links.select_related("created_by", "revoked_by"))
    for link in links:
        link.status = status_of(link, now)
        link.url = share_url(request, link)
        link.creator_name = actor_name(link.created_by)
        link.revoker_name = actor_name(link.revoked_by) if link.revoked_by else ""
    context = {
        "plan": plan,
        "links": links,
        "form": form or ShareForm(),
        "note": note,
        "new_link": new_link,
        "max_days": MAX_DAYS,
        "always_shown": ALWAYS_SHOWN,
        "never_shown": NEVER_SHOWN,
    }
    return render_section(request, "planner/sharing/share.html", "shares", context, status=status)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def share_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _section(request, get_plan_for(request, pk))


def _refuse_template(request: HttpRequest, plan: Plan) -> HttpResponse | None:
    if not plan.is_template:
        return None
    note = "A template is not shared as it is: apply it to a client, then share that plan."
    if request.htmx:
        return _section(request, plan, note=note)
    messages.error(request, note)
    return redirect("planner:share_list", plan.pk)


@login_required
@require_POST
def share_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk, write=True)
    refused = _refuse_template(request, plan)
    if refused:
        return refused
    form = ShareForm(request.POST)
    if not form.is_valid():
        return _section(request, plan, form, status=200 if request.htmx else 400)
    data = form.cleaned_data
    with transaction.atomic():
        link = ShareLink.objects.create(
            plan=plan,
            token=new_token(),
            created_by=request.user,
            expires_at=timezone.now() + dt.timedelta(days=data["days"]),
            label=data["label"],
            show_name=data["show_name"],
            show_targets=data["show_targets"],
            show_notes=data["show_notes"],
        )
        until = timezone.localtime(link.expires_at)
        shown = ShareOptions.of(link).shown()
        history.record(
            request.user,
            plan.owner,
            "share-created",
            f"Shared “{plan.name}” read-only until {until:%d %b %Y}"
            + (f" ({link.label})" if link.label else "")
            + (f", with {' and '.join(shown)}" if shown else ""),
            plan,
        )
    note = f"Share link created; it works until {until:%d %b %Y, %H:%M}."
    if request.htmx:
        return _section(request, plan, note=note, new_link=link)
    messages.success(request, note)
    return redirect(reverse("planner:share_list", args=[plan.pk]) + f"#share-{link.pk}")


@login_required
@require_POST
def share_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(ShareLink.objects.select_related("plan"), pk=pk)
    # 404 for strangers: whether a link exists is not revealed.
    plan = get_plan_for(request, link.plan_id, write=True)
    with transaction.atomic():
        # Lock the row so two clicks record one withdrawal.
        link = ShareLink.objects.select_for_update().get(pk=link.pk)
        if link.revoked_at is not None:
            note = "That link was already withdrawn."
        else:
            link.revoked_at = timezone.now()
            link.revoked_by = request.user
            link.save(update_fields=["revoked_at", "revoked_by"])
            history.record(
                request.user,
                plan.owner,
                "share-revoked",
                f"Withdrew a share link to “{plan.name}”"
                + (f" ({link.label})" if link.label else ""),
                plan,
            )
            note = "Share link withdrawn: it no longer opens the plan."
    if request.htmx:
        return _section(request, plan, note=note)
    messages.success(request, note)
    return redirect(reverse("planner:share_list", args=[plan.pk]))


# --- the token holder's side: read only -------------------------------------------------------


def _public(response: HttpResponse) -> HttpResponse:
    for header, value in PUBLIC_HEADERS.items():
        response[header] = value
    return response


def _gone(request: HttpRequest, status: str) -> HttpResponse:
    return _public(render(request, "planner/sharing/gone.html", {"status": status}, status=404))


def _page(request: HttpRequest, token: str, template: str) -> HttpResponse:
    link, status = find(token)
    if link is None or status != "active":
        return _gone(request, status)
    options = ShareOptions.of(link)
    context = {
        "report": build_public_report(link),
        "link": link,
        "shown": [ALWAYS_SHOWN, *options.shown()],
        "pdf_url": reverse("planner:share_pdf", args=[token]),
        "print_url": reverse("planner:share_print", args=[token]),
        "page_url": reverse("planner:share_page", args=[token]),
    }
    return _public(render(request, template, context))


@require_GET
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    return _page(request, token, "planner/sharing/page.html")


@require_GET
def share_print(request: HttpRequest, token: str) -> HttpResponse:
    return _page(request, token, "planner/sharing/print.html")


@require_GET
def share_pdf(request: HttpRequest, token: str) -> HttpResponse:
    link, status = find(token)
    if link is None or status != "active":
        return _gone(request, status)
    return pdf_response(build_public_report(link), headers=PUBLIC_HEADERS)
