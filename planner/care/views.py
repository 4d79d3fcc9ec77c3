"""Pages for dietitians and their clients (issue 6).

- Everyone: "My dietitians" (/care/), an invitation (/invites/<token>/) to
  accept or decline, ending a link, and their own history (/history/).
- Dietitians: the client list (/clients/), one client (/clients/<id>/) with
  custom targets, plans and history, and templates (/clients/templates/).

Access: the client pages go through planner.access.get_client_for, so anyone
who is not that client's dietitian gets 404 (a client's existence is not
revealed); the dietitian-only list pages answer 403 with an explanation to
other signed-in people. Every change is a POST inside a transaction (the
invitation e-mail goes out after its commit), followed by a redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinical import medicines as catalogue
from config import mail
from config.forms import form_errors
from planner import access, history
from planner.care import logic as care
from planner.care.forms import (
    CustomTargetForm,
    InviteForm,
    PlanNameForm,
    RemoveTargetForm,
    TemplateApplyForm,
    TemplateMarkForm,
)
from planner.models import CareLink, CustomTarget, Nutrient, Plan, Profile
from planner.targets import resolve

HISTORY_PAGE_SIZE = 25

T = TypeVar("T")


def _try_care(
    request: HttpRequest,
    change: Callable[[], T],
    message: Callable[[T], str],
    level: Callable = messages.success,
) -> bool:
    """Make one care change; show its refusal, or the message built from its result."""
    try:
        result = change()
    except care.CareError as error:
        messages.error(request, error.message)
        return False
    level(request, message(result))
    return True


def dietitian_required(view: Callable) -> Callable:
    """Signed-in dietitians only; anyone else signed in gets 403 and an explanation."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not access.is_dietitian(request.user):
            return render(request, "planner/care/not_dietitian.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _invite_url(request: HttpRequest, link: CareLink) -> str:
    return request.build_absolute_uri(reverse("planner:invite_detail", args=[link.token]))


def _client_choices(dietitian) -> list[tuple[int, str]]:
    links = access.active_links(dietitian).select_related("client").order_by("client__username")
    return [(link.client_id, care.display_name(link.client)) for link in links]


def _template_choices(dietitian) -> list[tuple[int, str]]:
    return list(
        Plan.objects.filter(owner=dietitian, is_template=True)
        .order_by("name", "id")
        .values_list("id", "name")
    )


# --- everyone: my dietitians, invitations, ending a link, my history -------------------------


@login_required
@require_GET
def care_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "planner/care/mine.html",
        {
            "links": care.dietitians_of(request.user),
            "past": care.past_links_as_client(request.user)[:20],
            "is_dietitian": access.is_dietitian(request.user),
        },
    )


@login_required
@require_GET
def history_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(history.for_owner(request.user), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "planner/care/history.html", {"page": page})


def _invite(token: str) -> CareLink:
    return get_object_or_404(CareLink.objects.select_related("dietitian"), token=token)


@login_required
@require_GET
def invite_detail(request: HttpRequest, token: str) -> HttpResponse:
    link = _invite(token)
    own = link.dietitian_id == request.user.id
    problem = ""
    try:
        care.check_answerable(link, request.user)
    except care.CareError as error:
        problem = error.message
    return render(
        request,
        "planner/care/invite.html",
        {
            "link": link,
            "own": own,
            "problem": problem,
            "dietitian_name": care.display_name(link.dietitian),
            "invite_url": _invite_url(request, link) if own else "",
        },
    )


@login_required
@require_POST
@transaction.atomic
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    accepted = "{name} is now your dietitian. You can end this at any time on this page."
    return _answer_invite(request, token, care.accept, accepted)


@login_required
@require_POST
@transaction.atomic
def invite_decline(request: HttpRequest, token: str) -> HttpResponse:
    declined = "You declined the invitation from {name}. They get no access to your data."
    return _answer_invite(request, token, care.decline, declined, level=messages.info)


def _answer_invite(
    request: HttpRequest,
    token: str,
    answer: Callable[[CareLink, object], CareLink],
    message: str,
    level: Callable = messages.success,
) -> HttpResponse:
    """Accept or decline; `message` names the dietitian as {name}."""
    link = _invite(token)

    def said(link: CareLink) -> str:
        return message.format(name=care.display_name(link.dietitian))

    if not _try_care(request, lambda: answer(link, request.user), said, level):
        return redirect("planner:invite_detail", token=token)
    return redirect("planner:care_home")


@login_required
@require_POST
@transaction.atomic
def invite_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the inviting dietitian finds it; for anyone else it does not exist.
    link = get_object_or_404(CareLink, pk=pk, dietitian=request.user)
    withdrawn = "Invitation withdrawn: its link no longer works."
    _try_care(request, lambda: care.withdraw(link, request.user), lambda _: withdrawn)
    return redirect(reverse("planner:client_list") + "#invites")


@login_required
@require_http_methods(["GET", "POST"])
@transaction.atomic
def care_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then end a link (GET shows the question, POST ends it): works without JavaScript."""
    link = get_object_or_404(
        CareLink.objects.select_related("dietitian", "client"),
        Q(dietitian=request.user) | Q(client=request.user),
        pk=pk,
    )
    as_dietitian = link.dietitian_id == request.user.id
    back = reverse("planner:client_list") if as_dietitian else reverse("planner:care_home")
    if request.method == "POST":
        other = link.client if as_dietitian else link.dietitian
        _try_care(
            request,
            lambda: care.end(link, request.user),
            lambda _: (
                f"The link with {care.display_name(other)} has ended."
                + (
                    " You no longer see their plans or profile."
                    if as_dietitian
                    else " They no longer see your plans or profile."
                )
            ),
        )
        return redirect(back)
    if link.status != CareLink.Status.ACTIVE:
        messages.info(request, "This link has already ended.")
        return redirect(back)
    return render(
        request,
        "planner/care/end.html",
        {
            "link": link,
            "as_dietitian": as_dietitian,
            "other_name": care.display_name(link.client if as_dietitian else link.dietitian),
            "back": back,
        },
    )


# --- dietitians: clients and invitations ------------------------------------------------------


def _client_list_context(request: HttpRequest, form: InviteForm | None = None) -> dict:
    pending = list(care.pending_invites(request.user))
    return {
        "summaries": care.client_summaries(request.user),
        "pending": [(link, _invite_url(request, link)) for link in pending],
        "invite_form": form or InviteForm(),
    }


@dietitian_required
@require_GET
def client_list(request: HttpRequest) -> HttpResponse:
    return render(request, "planner/care/client_list.html", _client_list_context(request))


@dietitian_required
@require_POST
def invite_create(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "planner/care/client_list.html",
            _client_list_context(request, form),
            status=400,
        )
    email = form.cleaned_data["email"]
    try:
        link = care.invite(request.user, email)
    except care.CareError as error:
        messages.error(request, error.message)
        return redirect(reverse("planner:client_list") + "#invites")
    if email:
        try:
            care.send_invite_email(link, _invite_url(request, link))
        except mail.MAIL_ERRORS as error:
            # The invitation stands: its link is on the page to pass on by hand.
            mail.log_failure("invitation", error)
            messages.warning(
                request,
                f"The invitation is ready, but the e-mail to {email} could not be sent. "
                f"Copy its link below and send it yourself.",
            )
        else:
            messages.success(request, f"Invitation sent to {email}. Its link is also below.")
    else:
        messages.success(
            request, "Invitation ready: copy its link below and send it to your client."
        )
    return redirect(reverse("planner:client_list") + "#invites")


# --- one client -------------------------------------------------------------------------


def _client_profile(client) -> Profile:
    # Read only: a client who never opened their profile gets an unsaved blank
    # one (the defaults), so a dietitian's GET writes nothing.
    profile = Profile.objects.filter(user=client).prefetch_related("medicines").first()
    return profile or Profile(user=client)


def _client_context(request: HttpRequest, client, **forms) -> dict:
    profile = _client_profile(client)
    saved = profile.pk is not None
    codes = [m.code for m in profile.medicines.all()] if saved else []
    custom = (
        list(CustomTarget.objects.filter(profile=profile).select_related("set_by")) if saved else []
    )
    resolved = resolve(profile, custom=custom, medicine_codes=codes)
    target_rows = [
        (t, care.describe_bounds(t.minimum, t.maximum, care.unit_of(t.nutrient))) for t in resolved
    ]
    edit = request.GET.get("edit", "")
    editing = next((c for c in custom if c.nutrient == edit), None)
    target_form = forms.get("target_form") or CustomTargetForm(
        initial=(
            {
                "nutrient": editing.nutrient,
                "minimum": editing.minimum,
                "maximum": editing.maximum,
                "reason": editing.reason,
            }
            if editing
            else {"nutrient": Nutrient.POTASSIUM}
        )
    )
    templates = _template_choices(request.user)
    page = Paginator(history.for_owner(client), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "client": client,
        "client_name": care.display_name(client),
        "link": access.active_links(request.user).filter(client=client).first(),
        "profile": profile,
        "profile_saved": saved,
        "medicine_names": [
            (m.label if (m := catalogue.get_medicine(code)) else code) for code in codes
        ],
        "resolved": resolved,
        "target_rows": target_rows,
        "user_name": care.display_name(request.user),
        "editing": editing,
        "target_form": target_form,
        "plans": care.client_plans(client),
        "plan_form": forms.get("plan_form") or PlanNameForm(),
        "templates": templates,
        "apply_form": TemplateApplyForm(
            templates=templates,
            clients=[(client.id, care.display_name(client))],
            initial={"client": client.id},
        ),
        "page": page,
    }


@login_required
@require_GET
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access.get_client_for(request, client_id)
    return render(request, "planner/care/client_detail.html", _client_context(request, client))


def client_action(view: Callable) -> Callable:
    """A POST about one client: their dietitian only (404 for anyone else), in one transaction."""

    @login_required
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, client_id: int) -> HttpResponse:
        with transaction.atomic():
            return view(request, access.get_client_for(request, client_id))

    return wrapper


def _client_form_invalid(request: HttpRequest, client, problem: str, **forms) -> HttpResponse:
    """The client's page again, with the form that failed and what to correct (400)."""
    messages.error(request, problem)
    context = _client_context(request, client, **forms)
    return render(request, "planner/care/client_detail.html", context, status=400)


def _client_url(client, anchor: str = "") -> str:
    return reverse("planner:client_detail", args=[client.id]) + (f"#{anchor}" if anchor else "")


@client_action
def client_target_set(request: HttpRequest, client) -> HttpResponse:
    form = CustomTargetForm(request.POST)
    if not form.is_valid():
        return _client_form_invalid(
            request, client, "Nothing was saved: please correct the target below.", target_form=form
        )
    data = form.cleaned_data
    care.set_custom_target(
        request.user, client, data["nutrient"], data["minimum"], data["maximum"], data["reason"]
    )
    label = Nutrient(data["nutrient"]).label
    messages.success(
        request,
        f"{label} target saved: "
        f"{care.describe_bounds(data['minimum'], data['maximum'], care.unit_of(data['nutrient']))}"
        f" a day. {care.display_name(client)} sees it with your name and reason.",
    )
    return redirect(_client_url(client, "targets"))


@client_action
def client_target_remove(request: HttpRequest, client) -> HttpResponse:
    form = RemoveTargetForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a custom target to remove.")
    elif care.remove_custom_target(request.user, client, form.cleaned_data["nutrient"]):
        label = Nutrient(form.cleaned_data["nutrient"]).label
        messages.success(request, f"Custom {label.lower()} target removed; the default applies.")
    else:
        messages.info(request, "There was no such custom target: nothing changed.")
    return redirect(_client_url(client, "targets"))


@client_action
def client_plan_create(request: HttpRequest, client) -> HttpResponse:
    form = PlanNameForm(request.POST)
    if not form.is_valid():
        return _client_form_invalid(
            request, client, "Nothing was created: please correct the plan below.", plan_form=form
        )
    plan = Plan.objects.create_plan(client, request.user, form.cleaned_data["name"])
    messages.success(
        request,
        f"Plan “{plan.name}” created for {care.display_name(client)} with its first day.",
    )
    return redirect(plan.days.first().get_absolute_url())


# --- templates ------------------------------------------------------------------------------


def _template_name_form() -> PlanNameForm:
    form = PlanNameForm()
    form.fields["name"].label = "Template name"
    return form


def _own_plans(dietitian):
    return Plan.objects.filter(owner=dietitian, is_template=False).order_by("name", "id")


@dietitian_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    templates = _template_choices(request.user)
    return render(
        request,
        "planner/care/templates.html",
        {
            "templates": care.templates_of(request.user),
            "clients": _client_choices(request.user),
            "create_form": _template_name_form(),
            "mark_form": TemplateMarkForm(plans=_own_plans(request.user)),
            "own_plans": _own_plans(request.user).exists(),
            "template_choices": templates,
        },
    )


@dietitian_required
@require_POST
@transaction.atomic
def template_create(request: HttpRequest) -> HttpResponse:
    form = PlanNameForm(request.POST)
    if not form.is_valid():
        for error in form_errors(form):
            messages.error(request, error)
        return redirect("planner:template_list")
    plan = Plan.objects.create_plan(
        request.user, request.user, form.cleaned_data["name"], is_template=True
    )
    messages.success(
        request,
        f"Template “{plan.name}” created. Add its meals here; it stays out of your plans list "
        f"and clients never see it until you apply it.",
    )
    return redirect(plan.days.first().get_absolute_url())


@dietitian_required
@require_POST
@transaction.atomic
def template_mark(request: HttpRequest) -> HttpResponse:
    form = TemplateMarkForm(request.POST, plans=_own_plans(request.user))
    if not form.is_valid():
        messages.error(request, "Choose one of your own plans to make a template.")
        return redirect("planner:template_list")
    _try_care(
        request,
        lambda: care.set_template(form.cleaned_data["plan"], request.user, True),
        lambda plan: f"“{plan.name}” is now a template.",
    )
    return redirect("planner:template_list")


@login_required
@require_POST
@transaction.atomic
def template_unmark(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk, owner=request.user)
    message = f"“{plan.name}” is a normal plan again, in your plans list."
    _try_care(request, lambda: care.set_template(plan, request.user, False), lambda _: message)
    return redirect("planner:template_list")


@dietitian_required
@require_POST
@transaction.atomic
def template_apply(request: HttpRequest) -> HttpResponse:
    clients = _client_choices(request.user)
    form = TemplateApplyForm(
        request.POST, templates=_template_choices(request.user), clients=clients
    )
    if not form.is_valid():
        for error in form_errors(form):
            messages.error(request, error)
        # Back to the client's page only for one of the dietitian's clients.
        client_id = request.POST.get("client", "")
        if request.POST.get("back") == "client" and client_id in {str(c) for c, _ in clients}:
            return redirect("planner:client_detail", client_id=int(client_id))
        return redirect("planner:template_list")
    template = get_object_or_404(Plan, pk=form.cleaned_data["template"], owner=request.user)
    client = access.get_client_for(request, form.cleaned_data["client"])
    try:
        plan = care.apply_template(template, request.user, client, form.cleaned_data["name"])
    except care.CareError as error:
        messages.error(request, error.message)
        return redirect("planner:template_list")
    messages.success(
        request,
        f"“{plan.name}” is now a plan of {care.display_name(client)}: a copy of your template "
        f"that you can change without touching the template.",
    )
    return redirect(plan.get_absolute_url())
