"""Comments on a plan, a day or one item, by the client or their dietitian.

Who may comment is who may see the plan (`get_plan_for`): the owner and the
owner's active dietitian; strangers get 404. A comment on an item keeps a
label of the item ("Lunch: 118 g Bananas, raw"), so it still reads right
after the item is changed or removed.

Pages show a thread (the plan's, with every day's and item's comments, or
one day's) as a named partial: the plan page and the day editor load it
lazily with htmx, and the same URL is a full page without JavaScript.
Posting works with htmx (the thread re-renders in place) and as a plain
POST followed by a redirect.

Unread comments: comments by others on plans the user can see, without a
`CommentRead` of that user. Viewing a thread marks what it shows as read.
That is a write on a GET, on purpose: it changes only the viewer's own read
receipts, is idempotent, and is what "viewing marks them read" means; no
content changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from config.htmx import render_section
from planner.access import active_links, get_day_for, get_item_for, get_plan_for
from planner.history import actor_name
from planner.models import Comment, CommentRead, MealItem, Plan, PlanDay

MAX_BODY = 2000
INBOX_SIZE = 50
COMMENTS_CHANGED = "comments-changed"


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=MAX_BODY,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_BODY}),
        error_messages={"required": "Write something before posting: the comment is empty."},
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        # NUL bytes are refused by PostgreSQL; nobody types them on purpose.
        return body.replace("\x00", "")

    def full_clean(self) -> None:
        super().full_clean()
        # Django's message names the limit but not the length; say both.
        if self.errors.get("body") and len(self.data.get("body", "")) > MAX_BODY:
            self.errors["body"] = self.error_class(
                [
                    f"A comment can be at most {MAX_BODY:,} characters; "
                    f"this one has {len(self.data['body']):,}."
                ]
            )


# --- queries --------------------------------------------------------------------------------


def visible_plans_q(user, prefix: str = "plan__") -> Q:
    """Plans `user` may see: their own, and their clients' (not templates), as a filter."""
    clients = active_links(user).values("client_id")
    return Q(**{f"{prefix}owner": user}) | Q(
        **{f"{prefix}owner__in": clients, f"{prefix}is_template": False}
    )


def _read_by(user) -> Exists:
    return Exists(CommentRead.objects.filter(comment=OuterRef("pk"), user=user))


def unread_for(user) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(visible_plans_q(user)).exclude(author=user).filter(~_read_by(user))
    )


def unread_count(user) -> int:
    """One query, whatever the number of plans, clients and comments."""
    if not user.is_authenticated:
        return 0
    return unread_for(user).count()


def thread_comments(user, plan: Plan, day: PlanDay | None = None) -> list[Comment]:
    comments = Comment.objects.filter(plan=plan)
    if day is not None:
        comments = comments.filter(day=day)
    return list(
        comments.select_related("author", "day")
        .annotate(read=_read_by(user))
        .order_by("created_at", "id")
    )


def mark_read(user, comments: list[Comment]) -> int:
    """Record that `user` read the comments by others among `comments`."""
    unread = [c for c in comments if c.author_id != user.pk and not c.read]
    if unread:
        with transaction.atomic():
            CommentRead.objects.bulk_create(
                [CommentRead(comment=c, user=user) for c in unread], ignore_conflicts=True
            )
    for comment in unread:
        comment.is_new = True  # shown as "new" this once
    return len(unread)


def item_label(item: MealItem) -> str:
    return f"{item.get_meal_display()}: {item.amount_label} {item.food.name}"[:200]


def author_role(comment: Comment, plan: Plan) -> str:
    return "" if comment.author_id == plan.owner_id else "dietitian"


# --- threads --------------------------------------------------------------------------------


@dataclass
class Thread:
    plan: Plan
    day: PlanDay | None = None
    item: MealItem | None = None  # the item a form is for, if any

    @property
    def dom_id(self) -> str:
        return f"comments-day-{self.day.pk}" if self.day else f"comments-plan-{self.plan.pk}"

    @property
    def url(self) -> str:
        if self.day is not None:
            return reverse("planner:day_comments", args=[self.day.pk])
        return reverse("planner:plan_comments", args=[self.plan.pk])

    @property
    def post_url(self) -> str:
        if self.day is not None:
            return reverse("planner:day_comment_add", args=[self.day.pk])
        return reverse("planner:plan_comment_add", args=[self.plan.pk])

    @property
    def back_url(self) -> str:
        return self.day.get_absolute_url() if self.day else self.plan.get_absolute_url()

    @property
    def title(self) -> str:
        return f"{self.day.name} · {self.plan.name}" if self.day else self.plan.name

    @cached_property
    def what(self) -> str:
        return "this day and its items" if self.day else "this plan, its days and items"


def _render_thread(
    request: HttpRequest,
    thread: Thread,
    form: CommentForm | None = None,
    status: int = 200,
    note: str = "",
) -> HttpResponse:
    comments = thread_comments(request.user, thread.plan, thread.day)
    mark_read(request.user, comments)
    for comment in comments:
        comment.role = author_role(comment, thread.plan)
        comment.author_name = actor_name(comment.author)
    context = {
        "thread": thread,
        "plan": thread.plan,
        "day": thread.day,
        "comments": comments,
        "form": form or CommentForm(),
        "note": note,
    }
    return render_section(
        request, "planner/comments/comments.html", "thread", context, status=status
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def plan_comments(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_thread(request, Thread(get_plan_for(request, pk)))


@login_required
@require_GET
@vary_on_headers("HX-Request")
def day_comments(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk)
    return _render_thread(request, Thread(day.plan, day))


def _save(
    request: HttpRequest, thread: Thread, form: CommentForm, item: MealItem | None = None
) -> Comment:
    with transaction.atomic():
        if item is not None:
            # Take the day's write lock (as the day editor does) so the item cannot
            # be removed under us; if it went meanwhile, the comment stays on the
            # day with the item's label, as it would after a later removal.
            PlanDay.objects.select_for_update(no_key=True).filter(pk=item.day_id).exists()
            if not MealItem.objects.filter(pk=item.pk).exists():
                label, item = item_label(item), None
            else:
                label = item_label(item)
        else:
            label = ""
        comment = Comment.objects.create(
            plan=thread.plan,
            day=thread.day,
            item=item,
            item_label=label,
            author=request.user,
            body=form.cleaned_data["body"],
        )
        # Touch the plan so that "changed" lists show where the conversation is.
        thread.plan.touch()
    return comment


def _post(request: HttpRequest, thread: Thread) -> HttpResponse:
    form = CommentForm(request.POST)
    if not form.is_valid():
        # htmx swaps only 2xx answers: the form comes back in place with its
        # message; without JavaScript the page says 400 and keeps the text.
        return _render_thread(request, thread, form, status=200 if request.htmx else 400)
    _save(request, thread, form)
    if request.htmx:
        return _render_thread(request, thread, note="Comment posted.")
    messages.success(request, "Comment posted.")
    return redirect(thread.url + f"#{thread.dom_id}")


@login_required
@require_POST
def plan_comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(request, Thread(get_plan_for(request, pk, write=True)))


@login_required
@require_POST
def day_comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk, write=True)
    return _post(request, Thread(day.plan, day))


# --- a comment on one item ------------------------------------------------------------------


def _item_form(
    request: HttpRequest, item: MealItem, form: CommentForm, status: int = 200
) -> HttpResponse:
    context = {
        "item": item,
        "day": item.day,
        "plan": item.day.plan,
        "label": item_label(item),
        "form": form,
    }
    return render_section(request, "planner/comments/item.html", "item-form", context, status)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def item_comment_form(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk)
    return _item_form(request, item, CommentForm())


@login_required
@require_GET
def item_comment_close(request: HttpRequest, pk: int) -> HttpResponse:
    # "Cancel" on the inline form: htmx swaps the form for nothing.
    get_item_for(request, pk)
    return HttpResponse("")


@login_required
@require_POST
def item_comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _item_form(request, item, form, status=200 if request.htmx else 400)
    _save(request, Thread(item.day.plan, item.day), form, item=item)
    if request.htmx:
        # The form gives way to a short note; the day's thread refreshes on the event.
        response = render(
            request,
            "planner/comments/item.html#item-posted",
            {"item": item, "label": item_label(item)},
        )
        return trigger_client_event(response, COMMENTS_CHANGED)
    messages.success(request, f"Comment posted on {item_label(item)}.")
    return redirect(reverse("planner:day_comments", args=[item.day_id]))


# --- everything unread ----------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    recent = list(
        Comment.objects.filter(visible_plans_q(user))
        .exclude(author=user)
        .select_related("author", "plan", "day")
        .annotate(read=_read_by(user))
        .order_by("read", "-created_at", "-id")[:INBOX_SIZE]
    )
    for comment in recent:
        comment.role = author_role(comment, comment.plan)
        comment.author_name = actor_name(comment.author)
    return render(request, "planner/comments/inbox.html", {"comments": recent})


@login_required
@require_POST
def inbox_mark_read(request: HttpRequest) -> HttpResponse:
    user = request.user
    with transaction.atomic():
        ids = list(unread_for(user).values_list("pk", flat=True))
        CommentRead.objects.bulk_create(
            [CommentRead(comment_id=pk, user=user) for pk in ids], ignore_conflicts=True
        )
    messages.success(request, f"Marked {len(ids)} comment{'s' if len(ids) != 1 else ''} as read.")
    response = redirect("planner:comments_inbox")
    return trigger_client_event(response, COMMENTS_CHANGED) if request.htmx else response
