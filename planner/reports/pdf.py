"""A plan on paper: what a printed plan holds (`build_report`) and its PDF.

The same report feeds the print view, the public share page and the PDF, so
the three always agree: every day's items by meal, the day's totals against
the owner's targets (each with its source), the day's warnings, and notes.

Two audiences:

- `private`: the owner or their dietitian, signed in. The owner's display
  name, the plan's notes and the dietitian's comments (comments on the plan
  by anyone but the owner) are included: "the dietitian's notes".
- `public`: a share link. `planner.sharing.report` builds it from an
  allow-list: the meals and totals always, the rest only as the sharer
  chose, and never anything from the owner's profile, comments or history.

PDF: reportlab's platypus, pure pip, no system libraries. Text goes through
reportlab's bundled Bitstream Vera fonts (embedded, with a Unicode map) so
that "≥", "×" and accented food names print and can be searched.

Queries: a constant number whatever the size of the plan (profile, custom
targets, medicines, days, items, totals, and comments for a private report).
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from xml.sax.saxutils import escape

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from nutrition.templatetags.nutrients import format_amount
from planner import warnings as warning_rules
from planner.access import get_plan_for
from planner.assessment import DayAssessment, Owner, assess_days
from planner.history import actor_name
from planner.intake import DayTotals, totals_for_days
from planner.models import MEAL_ORDER, Comment, Meal, MealItem, Plan, PlanDay
from planner.reports.exports import filename
from planner.summary import TotalRow, rows_for
from planner.targets import ProfileTargets

ITEM_NUTRIENTS = ("magnesium_mg", "potassium_mg", "sodium_mg", "phosphorus_mg")
DISCLAIMER = (
    "Planning support, not diagnosis: talk to your clinician or dietitian before changing "
    "your diet, medicines or supplements."
)


@dataclass
class ReportItem:
    food_id: int
    name: str
    amount: str
    grams: float
    supplement: bool
    nutrients: dict[str, float | None]


@dataclass
class ReportMeal:
    key: str
    label: str
    items: list[ReportItem]


@dataclass
class ReportDay:
    day: PlanDay
    number: int
    meals: list[ReportMeal]
    totals: DayTotals
    rows: list[TotalRow]
    warnings: list[warning_rules.Warning]

    @property
    def item_count(self) -> int:
        return self.totals.total.items


@dataclass
class ReportNote:
    author: str
    role: str
    created_at: dt.datetime
    where: str
    body: str


@dataclass
class Report:
    plan: Plan
    public: bool
    person: str  # the owner's display name, or "" when it must not show
    targets: ProfileTargets
    days: list[ReportDay]
    notes: str
    dietitian_notes: list[ReportNote] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=timezone.now)
    # A share link shows targets, totals against them and warnings only when the
    # sharer ticks it; private reports always do.
    show_targets: bool = True

    @property
    def warning_count(self) -> int:
        return sum(len(day.warnings) for day in self.days)


def _items_by_day(plan: Plan) -> dict[int, list[MealItem]]:
    items = (
        MealItem.objects.filter(day__plan=plan)
        .select_related("food__supplement", "portion")
        .order_by("position", "id")
    )
    by_day: dict[int, list[MealItem]] = {}
    for item in items:
        by_day.setdefault(item.day_id, []).append(item)
    return by_day


def _meals(items: list[MealItem]) -> list[ReportMeal]:
    grouped: dict[str, list[ReportItem]] = {meal: [] for meal in MEAL_ORDER}
    for item in items:
        grouped.setdefault(item.meal, []).append(
            ReportItem(
                food_id=item.food_id,
                name=item.food.name,
                amount=item.amount_label,
                grams=item.grams,
                supplement=item.food.kind == "supplement",
                nutrients={n: item.food.per_grams(n, item.grams) for n in ITEM_NUTRIENTS},
            )
        )
    return [ReportMeal(m.value, m.label, grouped[m.value]) for m in Meal if grouped[m.value]]


def _readable(warning: warning_rules.Warning) -> warning_rules.Warning:
    # Without the suggestions (a planning aid, left out of reports) a message
    # that introduces them would end on a dangling "Foods that add ...:".
    message = warning.message
    if not warning.suggestions and message.endswith(":"):
        head, _, tail = message[:-1].rpartition(". ")
        if head and tail.startswith("Foods that"):
            message = head + "."
    return replace(warning, message=message)


def _dietitian_notes(plan: Plan) -> list[ReportNote]:
    comments = (
        Comment.objects.filter(plan=plan)
        .exclude(author_id=plan.owner_id)
        .select_related("author", "day")
        .order_by("created_at", "id")
    )
    notes = []
    for comment in comments:
        where = comment.day.name if comment.day else "the plan"
        if comment.item_label:
            where += f" · {comment.item_label}"
        notes.append(
            ReportNote(
                actor_name(comment.author), "dietitian", comment.created_at, where, comment.body
            )
        )
    return notes


Shape = Callable[[DayAssessment], tuple[list[TotalRow], list[warning_rules.Warning]]]


def report_days(plan: Plan, owner: Owner | None, shape: Shape | None = None) -> list[ReportDay]:
    """Every day of `plan` with its meals and totals; with an `owner`, each day is
    assessed once (planner.assessment) and `shape` picks the rows and warnings shown."""
    days = list(plan.days.all())
    items = _items_by_day(plan)
    ids = [d.pk for d in days]
    assessed = assess_days(ids, owner, items=items) if owner is not None else {}
    totals = {i: a.totals for i, a in assessed.items()} if owner else totals_for_days(ids)
    report_days = []
    for number, day in enumerate(days, start=1):
        rows, found = shape(assessed[day.pk]) if owner is not None and shape else ([], [])
        report_days.append(
            ReportDay(
                day=day,
                number=number,
                meals=_meals(items.get(day.pk, [])),
                totals=totals[day.pk],
                rows=rows,
                warnings=found,
            )
        )
    return report_days


def build_report(plan: Plan) -> Report:
    """The report for the signed-in owner or their dietitian: everything, comments included.

    A share link's report is `planner.sharing.report.build_public_report`.
    """
    owner = Owner.of(plan.owner_id)

    def shape(assessed: DayAssessment):
        rows = rows_for(assessed.readings, assessed.targets, "mg")
        return rows, [_readable(w) for w in assessed.warnings]

    return Report(
        plan=plan,
        public=False,
        person=actor_name(plan.owner),
        targets=owner.targets,
        days=report_days(plan, owner, shape),
        notes=plan.notes,
        dietitian_notes=_dietitian_notes(plan),
    )


# --- PDF ------------------------------------------------------------------------------------

_FONTS_READY = False


def _register_fonts() -> None:
    global _FONTS_READY
    if _FONTS_READY:
        return
    import reportlab
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    for name, file in (
        ("Vera", "Vera.ttf"),
        ("Vera-Bold", "VeraBd.ttf"),
        ("Vera-Italic", "VeraIt.ttf"),
        ("Vera-BoldItalic", "VeraBI.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))
    addMapping("Vera", 0, 0, "Vera")
    addMapping("Vera", 1, 0, "Vera-Bold")
    addMapping("Vera", 0, 1, "Vera-Italic")
    addMapping("Vera", 1, 1, "Vera-BoldItalic")
    _FONTS_READY = True


def _t(text: object) -> str:
    """User text for a Paragraph: reportlab reads markup, so everything is escaped."""
    return escape(str(text)).replace("\n", "<br/>")


def _amount(value: float | None, missing: int = 0) -> str:
    if value is None:
        return "unknown"
    return ("≥ " if missing else "") + format_amount(value)


def _target_text(row: TotalRow) -> str:
    parts = []
    if row.minimum is not None:
        parts.append(f"target {format_amount(row.minimum)}")
    if row.maximum is not None:
        parts.append(f"limit {format_amount(row.maximum)}")
    return " · ".join(parts)


def render_pdf(report: Report, *, compress: bool = True) -> bytes:
    """The report as PDF bytes. `compress=False` keeps page streams readable (tests)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    _register_fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Vera", fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor="#444444")
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceBefore=0)
    num = ParagraphStyle("num", parent=cell, alignment=TA_RIGHT)
    source_style = ParagraphStyle("source", parent=small, spaceAfter=4)
    h1 = ParagraphStyle("h1", parent=base["Title"], fontName="Vera-Bold", fontSize=17, leading=21)
    h2 = ParagraphStyle("h2", parent=base["Heading2"], fontName="Vera-Bold", fontSize=12.5)
    h3 = ParagraphStyle("h3", parent=base["Heading3"], fontName="Vera-Bold", fontSize=10)
    grid = "#999999"
    wash = "#eef2f6"

    plan = report.plan
    story: list = [Paragraph(_t(plan.name), h1)]
    subtitle = []
    if report.person:
        subtitle.append(f"For {_t(report.person)}")
    subtitle.append(f"{len(report.days)} day{'s' if len(report.days) != 1 else ''}")
    subtitle.append(f"printed {report.generated_at:%d %b %Y}")
    story.append(Paragraph(" · ".join(subtitle), body))
    story.append(Paragraph(_t(DISCLAIMER), small))
    if report.public:
        story.append(
            Paragraph(
                "Shared read-only from MgK Planner. It never shows a username, e-mail, birth "
                "date, kidney status, lab results, medicines, reasons for targets, comments or "
                "history" + ("" if report.person else ", nor who the plan is for") + ".",
                small,
            )
        )
    story.append(Spacer(1, 0.3 * cm))

    # Targets, with where they come from.
    if any(True for _ in report.targets):
        story.append(Paragraph("Daily targets", h2))
        rows = [[Paragraph("<b>Nutrient</b>", cell), Paragraph("<b>Target</b>", cell),
                 Paragraph("<b>Source</b>", cell)]]  # fmt: skip
        for target in report.targets:
            bound = []
            if target.minimum is not None:
                bound.append(f"at least {format_amount(target.minimum)} mg")
            if target.maximum is not None:
                bound.append(f"at most {format_amount(target.maximum)} mg")
            if report.public:
                source = "Where it comes from is not shared."
            else:
                source = target.source + (
                    " (a design choice of this app)" if target.design_choice else ""
                )
                if target.reason:
                    source += f". Reason: {target.reason}"
            rows.append(
                [
                    Paragraph(_t(target.label), cell),
                    Paragraph(_t(", ".join(bound) + f" ({target.kind})"), cell),
                    Paragraph(_t(source), small),
                ]
            )
        table = Table(rows, colWidths=[3 * cm, 5 * cm, 9.5 * cm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, grid),
                    ("BACKGROUND", (0, 0), (-1, 0), wash),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    elif report.targets.missing_basics:
        story.append(
            Paragraph(
                "No daily targets are set for this person."
                if report.public
                else "No magnesium or potassium targets: the profile lacks age or sex.",
                small,
            )
        )

    # 17.4 cm between the margins; "unknown" must fit a number column unbroken.
    widths = [6.2 * cm, 3.6 * cm, 1.9 * cm, 1.9 * cm, 1.9 * cm, 1.9 * cm]
    for report_day in report.days:
        story.append(Spacer(1, 0.35 * cm))
        story.append(Paragraph(f"Day {report_day.number}: {_t(report_day.day.name)}", h2))
        if not report_day.meals:
            story.append(Paragraph("Nothing planned for this day yet.", body))
            continue
        header = ["Food", "Amount", "Mg mg", "K mg", "Na mg", "P mg"]
        rows = [[Paragraph(f"<b>{h}</b>", num if i > 1 else cell) for i, h in enumerate(header)]]
        style = [
            ("GRID", (0, 0), (-1, -1), 0.4, grid),
            ("BACKGROUND", (0, 0), (-1, 0), wash),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        for meal in report_day.meals:
            style.append(("SPAN", (0, len(rows)), (-1, len(rows))))
            style.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), "#f7f7f7"))
            rows.append([Paragraph(f"<b>{_t(meal.label)}</b>", cell), "", "", "", "", ""])
            for item in meal.items:
                name = _t(item.name) + (" <i>(supplement)</i>" if item.supplement else "")
                rows.append(
                    [
                        Paragraph(name, cell),
                        Paragraph(_t(item.amount), cell),
                        *(Paragraph(_amount(item.nutrients[n]), num) for n in ITEM_NUTRIENTS),
                    ]
                )
        total = report_day.totals.total
        style.append(("LINEABOVE", (0, len(rows)), (-1, len(rows)), 1.2, colors.black))
        rows.append(
            [
                Paragraph("<b>Day total</b>", cell),
                Paragraph(f"{total.items} item{'s' if total.items != 1 else ''}", cell),
                *(
                    Paragraph(f"<b>{_amount(total[n], total.missing.get(n, 0))}</b>", num)
                    for n in ITEM_NUTRIENTS
                ),
            ]
        )
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle(style))
        story.append(table)

        if not report.show_targets:
            continue
        # Totals against targets.
        lines = []
        for row in report_day.rows:
            if not row.has_target and row.nutrient not in ("energy_kcal", "protein_g"):
                continue
            text = f"<b>{_t(row.label)}</b>: {_amount(row.value, row.missing)} {row.unit}"
            target = _target_text(row)
            if target:
                text += f" ({target} {row.unit}"
                if row.percent is not None:
                    text += f", {row.percent:.0f} %"
                text += ")"
            if row.words and row.has_target:
                words = _t(row.words)
                text += f" — <b>{words}</b>" if row.status == "over" else f" — {words}"
            if row.missing:
                text += f"; {row.missing} item{'s' if row.missing != 1 else ''} lack data"
            lines.append(Paragraph(text, cell))
        story.append(Spacer(1, 0.15 * cm))
        story.append(KeepTogether([Paragraph("Totals against targets", h3), *lines]))

        if report_day.warnings:
            block = [Paragraph(f"Warnings ({len(report_day.warnings)})", h3)]
            for warning in report_day.warnings:
                block.append(
                    Paragraph(
                        f"<b>{_t(warning.level.capitalize())}</b> [{_t(warning.code)}]: "
                        f"{_t(warning.message)}",
                        cell,
                    )
                )
                block.append(Paragraph(f"Source: {_t(warning.source)}", source_style))
            story.append(KeepTogether(block))

    if report.notes.strip():
        story.append(Spacer(1, 0.35 * cm))
        story.append(Paragraph("Notes on this plan", h2))
        story.append(Paragraph(_t(report.notes.strip()), body))
    if report.dietitian_notes:
        story.append(Spacer(1, 0.35 * cm))
        story.append(Paragraph("The dietitian’s notes", h2))
        for note in report.dietitian_notes:
            story.append(
                Paragraph(
                    f"<b>{_t(note.author)}</b>, {timezone.localtime(note.created_at):%d %b %Y}, "
                    f"on {_t(note.where)}",
                    small,
                )
            )
            story.append(Paragraph(_t(note.body), body))

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Vera", 7)
        canvas.setFillGray(0.35)
        canvas.drawString(2 * cm, 1.2 * cm, f"MgK Planner · {plan.name[:80]}")
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"page {doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=1.8 * cm,
        rightMargin=1.8 * cm,
        topMargin=1.6 * cm,
        bottomMargin=1.8 * cm,
        title=plan.name,
        author="MgK Planner",
        subject="Meal plan",
        creator="MgK Planner",
        pageCompression=1 if compress else 0,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def pdf_response(report: Report, *, headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(
        render_pdf(report),
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(True, filename(report.plan, "pdf")),
            "X-Content-Type-Options": "nosniff",
            **(headers or {}),
        },
    )


# --- views for the signed-in owner and dietitian ------------------------------------------


@login_required
@require_GET
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    return pdf_response(build_report(plan))


@login_required
@require_GET
def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    report = build_report(plan)
    return render(
        request,
        "planner/reports/print_plan.html",
        {"plan": plan, "report": report, "pdf_url": reverse("planner:plan_pdf", args=[plan.pk])},
    )
