"""Server-rendered SVG charts of magnesium and potassium per day.

One small chart per mineral rather than one chart with two y axes: their
scales differ tenfold (hundreds of mg against thousands), and a dual axis is
easy to misread. Each chart is an `<svg role="img">` with a <title> and a
<desc>; the page puts the same numbers in a table beside it.

Printed in black and white the series still differ: supplement magnesium is
hatched, the target is a dashed line and the limit a solid one, and both
lines are labelled in words. Colours are SVG presentation attributes, which
the CSP (style-src 'self') allows; there is no style attribute and no script.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from nutrition.templatetags.nutrients import format_amount
from planner.reports.week import FOOD_MG, SUPPLEMENT_MG, Cell, Row, Week

# Geometry in SVG user units. The chart is drawn narrow (400) so that on a
# phone, where it shrinks to ~320 px, the 14-unit text is still ~11 px.
WIDTH = 400
PLOT_LEFT = 50  # room for the tick labels

PLOT_RIGHT = WIDTH - 50  # room for the "target"/"limit" labels beside their lines
PLOT_TOP = 34  # room for the y-axis title, written flat above the axis
PLOT_BOTTOM = 204
FONT = 14
SMALL = 12  # value labels over the bars
CHAR_WIDTH = 7.7  # rough average glyph width at FONT, for fitting labels
SMALL_CHAR_WIDTH = 6.6
ROTATE = 40  # degrees, for day names too long to sit side by side
MAX_ROTATED_CHARS = 12

INK = "#1d2430"
GRID = "#d5dbe3"
MG_FILL = "#6b3fa0"
K_FILL = "#c25e00"
LIMIT = "#a4161a"
TARGET_DASH = "8 5"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: SafeString
    columns: list[Row]  # the series, for the data table beside the chart
    headers: list[str]  # their column headings in that table
    table: list[tuple[str, list[Cell]]]  # (day name, cells in the order of columns)


def _num(value: float) -> str:
    return f"{value:.1f}"


def nice_scale(top: float, ticks: int = 5) -> tuple[float, float]:
    """(axis maximum, tick step) with round steps of 1, 2, 2.5 or 5 × 10^k."""
    if not math.isfinite(top) or top <= 0:
        top = 1.0
    raw = top / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return math.ceil(top / step - 1e-9) * step, step


def _text(
    x: float, y: float, content: str, *, anchor: str = "start", size: int = FONT, **attrs: str
) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" font-size="{size}"'
        f' fill="{INK}"{extra}>{escape(content)}</text>'
    )


def _value_label(cell: Cell) -> str:
    if cell.value is None:
        return ""
    prefix = "≥" if cell.lower_bound else ""
    return f"{prefix}{format_amount(cell.value)}"


def _cut(name: str, chars: int) -> str:
    return name if len(name) <= chars else name[: max(chars - 1, 1)] + "…"


@dataclass(frozen=True)
class DayAxis:
    labels: list[str]
    rotated: bool
    height: float  # room the labels take under the plot


def day_axis(names: list[str], slot: float) -> DayAxis:
    """Day names straight when they fit, slanted when not, numbers when even that is too tight."""
    if all(len(name) * CHAR_WIDTH <= slot - 4 for name in names):
        return DayAxis(names, False, 24)
    if slot >= FONT + 4:
        labels = [_cut(name, MAX_ROTATED_CHARS) for name in names]
        longest = max(len(label) for label in labels) * CHAR_WIDTH
        return DayAxis(labels, True, longest * math.sin(math.radians(ROTATE)) + FONT + 12)
    # Too many days for names: number them, and label every k-th one only.
    every = math.ceil(3 * CHAR_WIDTH / slot)
    labels = [str(i + 1) if i % every == 0 else "" for i in range(len(names))]
    return DayAxis(labels, False, 24)


def _legend(items: list[tuple[str, str]], top: float) -> tuple[list[str], float]:
    """Legend entries laid out in rows; returns (elements, bottom y)."""
    parts: list[str] = []
    left = 8
    x, y = left, top
    for swatch, label in items:
        width = 30 + len(label) * CHAR_WIDTH + 14
        if x + width > WIDTH and x > left:
            x, y = left, y + 22
        parts.append(swatch.format(x=_num(x), x2=_num(x + 22), y=_num(y - 5), ym=_num(y - 11)))
        parts.append(_text(x + 28, y, label))
        x += width
    return parts, y + 10


SWATCH_BOX = (
    '<rect x="{x}" y="{ym}" width="22" height="12" fill="%s" stroke="'
    + INK
    + '" stroke-width="1"/>'
)
SWATCH_LINE = '<line x1="{x}" y1="{y}" x2="{x2}" y2="{y}" stroke="%s" stroke-width="%s"%s/>'


def _line_label(kind: str, value: float, unit: str, source_kind: str) -> str:
    return f"{kind} {format_amount(value)} {unit}" + (f" ({source_kind})" if source_kind else "")


def _spread(ys: list[float], gap: float) -> list[float]:
    """Move label positions apart so that two close lines keep legible labels."""
    if len(ys) == 2 and abs(ys[0] - ys[1]) < gap:
        middle = (ys[0] + ys[1]) / 2
        upper, lower = middle - gap / 2, middle + gap / 2
        return [upper, lower] if ys[0] <= ys[1] else [lower, upper]
    return ys


def render(
    chart_id: str,
    title: str,
    names: list[str],
    main: Row,
    stacked: Row | None = None,
    base: Row | None = None,
) -> Chart:
    """One bar chart. `main` gives the bar heights and labels; when `base` and
    `stacked` are given (food and supplement magnesium) the bar is drawn as
    base with stacked on top, hatched.
    """
    unit = main.unit
    fill = MG_FILL if main.column.startswith("magnesium") else K_FILL
    n = len(names)
    peaks = [c.value for c in main.cells if c.value is not None]
    peaks += [v for v in (main.minimum, main.maximum) if v is not None]
    # Head room above the tallest bar for its value label.
    axis_max, step = nice_scale(max(peaks, default=0) * 1.1)
    plot_w = PLOT_RIGHT - PLOT_LEFT
    plot_h = PLOT_BOTTOM - PLOT_TOP

    def y_of(value: float) -> float:
        return PLOT_BOTTOM - min(value, axis_max) / axis_max * plot_h

    hatch_id = f"{chart_id}-hatch"
    body: list[str] = []
    # Grid and y axis ticks.
    for k in range(round(axis_max / step) + 1):
        y = y_of(k * step)
        body.append(
            f'<line x1="{PLOT_LEFT}" y1="{_num(y)}" x2="{PLOT_RIGHT}" y2="{_num(y)}"'
            f' stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(PLOT_LEFT - 6, y + 5, format_amount(k * step), anchor="end"))
    # The y-axis title sits flat above the axis: easier to read than rotated
    # text and it does not eat the tick labels' width.
    body.append(_text(4, PLOT_TOP - 16, f"{unit} per day", font_weight="700"))
    slot = plot_w / max(n, 1)
    bar_w = min(slot * 0.62, 40)
    axis = day_axis(names, slot)
    show_values = slot >= 6 * SMALL_CHAR_WIDTH
    for i, name in enumerate(names):
        cx = PLOT_LEFT + slot * (i + 0.5)
        x = cx - bar_w / 2
        cell = main.cells[i]
        group = [f"<g><title>{escape(name)}: {escape(_describe_cell(cell, unit))}</title>"]
        if cell.value is not None:
            if base is not None and stacked is not None:
                low = base.cells[i].value or 0.0
                high = stacked.cells[i].value or 0.0
                # The food part, then the supplement part stacked on it.
                if low > 0:
                    group.append(_bar(x, y_of(low), bar_w, PLOT_BOTTOM - y_of(low), fill))
                if high > 0:
                    top = y_of(low + high)
                    group.append(_bar(x, top, bar_w, y_of(low) - top, f"url(#{hatch_id})"))
            elif cell.value > 0:
                top = y_of(cell.value)
                group.append(_bar(x, top, bar_w, PLOT_BOTTOM - top, fill))
            if show_values:
                label_y = y_of(cell.value) - 5
                # A white halo (paint-order) keeps the number legible across a target line.
                group.append(
                    _text(
                        cx,
                        label_y,
                        _value_label(cell),
                        anchor="middle",
                        size=SMALL,
                        stroke="#ffffff",
                        stroke_width="3",
                        paint_order="stroke",
                    )
                )
        elif cell.unknown:
            group.append(_text(cx, PLOT_BOTTOM - 6, "?", anchor="middle", font_weight="700"))
        group.append("</g>")
        body.extend(group)
        label = axis.labels[i]
        if not label:
            continue
        if axis.rotated:
            lx, ly = cx + 4, PLOT_BOTTOM + 16
            body.append(
                _text(lx, ly, label, anchor="end", transform=f"rotate(-{ROTATE} {_num(lx)} {ly})")
            )
        else:
            body.append(_text(cx, PLOT_BOTTOM + 19, label, anchor="middle"))
    # Baseline over the bars' bottom edges.
    body.append(
        f'<line x1="{PLOT_LEFT}" y1="{PLOT_BOTTOM}" x2="{PLOT_RIGHT}" y2="{PLOT_BOTTOM}"'
        f' stroke="{INK}" stroke-width="1.5"/>'
    )
    axis_title_y = PLOT_BOTTOM + axis.height + 14
    body.append(_text((PLOT_LEFT + PLOT_RIGHT) / 2, axis_title_y, "Day", anchor="middle"))

    kind = main.target.kind if main.target else ""
    legend: list[tuple[str, str]] = []
    if stacked is not None:
        legend.append((SWATCH_BOX % fill, "food"))
        legend.append((SWATCH_BOX % f"url(#{hatch_id})", "supplements"))
    else:
        legend.append((SWATCH_BOX % fill, main.short_label))
    lines = [
        (value, word, colour, dash, width)
        for value, word, colour, dash, width in (
            (main.minimum, "target", INK, TARGET_DASH, "2"),
            (main.maximum, "limit", LIMIT, "", "3"),
        )
        if value is not None
    ]
    label_ys = _spread([y_of(line[0]) for line in lines], 2 * FONT + 4)
    for (value, word, colour, dash, width), label_y in zip(lines, label_ys, strict=True):
        y = y_of(value)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<line x1="{PLOT_LEFT}" y1="{_num(y)}" x2="{PLOT_RIGHT}" y2="{_num(y)}"'
            f' stroke="{colour}" stroke-width="{width}"{dash_attr}/>'
        )
        # Labelled in words beside the line, outside the bars, so that
        # print in black and white still tells target from limit.
        body.append(_text(PLOT_RIGHT + 4, label_y - 3, word, size=SMALL, font_weight="700"))
        body.append(_text(PLOT_RIGHT + 4, label_y + SMALL, format_amount(value), size=SMALL))
        legend.append(
            (
                SWATCH_LINE % (colour, width, dash_attr),
                _line_label(word.capitalize(), value, unit, kind),
            )
        )
    legend_parts, bottom = _legend(legend, axis_title_y + 28)
    height = math.ceil(bottom)

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    svg = (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}"'
        f' role="img" aria-labelledby="{title_id} {desc_id}"'
        f' font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(describe(main, names, stacked is not None))}</desc>'
        f"<defs>"
        f'<pattern id="{hatch_id}" patternUnits="userSpaceOnUse" width="6" height="6"'
        f' patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{fill}" stroke-width="3"/>'
        f"</pattern></defs>"
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>'
        + "".join(body)
        + "".join(legend_parts)
        + "</svg>"
    )
    if base is not None and stacked is not None:
        columns, headers = [base, stacked, main], ["Food", "Suppl.", "Total"]
    else:
        columns, headers = [main], [main.label]
    table = [(name, [column.cells[i] for column in columns]) for i, name in enumerate(names)]
    # Safe: every piece of text in it went through escape().
    return Chart(chart_id, title, mark_safe(svg), columns, headers, table)


def _bar(x: float, y: float, w: float, h: float, fill: str) -> str:
    # A dark outline keeps pale bars visible on paper.
    return (
        f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(max(h, 0))}"'
        f' fill="{fill}" stroke="{INK}" stroke-width="1"/>'
    )


def _describe_cell(cell: Cell, unit: str) -> str:
    if cell.empty:
        return "no items yet"
    if cell.value is None:
        return "unknown (no item has a value)"
    text = f"{_value_label(cell)} {unit}"
    if cell.missing:
        text += f" ({cell.missing} item{'s' if cell.missing != 1 else ''} lack data)"
    return text


def describe(row: Row, names: list[str], split: bool) -> str:
    """The chart in one or two sentences, for screen readers and the <desc>."""
    what = row.label.replace(", total", "").lower()
    parts = [f"Bars show {what} per day for {len(names)} day{'s' if len(names) != 1 else ''}"]
    if split:
        parts[0] += ", solid for food and hatched for supplements"
    parts[0] += "."
    if row.minimum is not None:
        parts.append(f"Dashed line: target {format_amount(row.minimum)} {row.unit}.")
    if row.maximum is not None:
        parts.append(f"Solid line: limit {format_amount(row.maximum)} {row.unit}.")
    counts = row.counts
    if row.maximum is not None:
        parts.append(f"{counts.over} day{'s' if counts.over != 1 else ''} over the limit.")
    if row.minimum is not None:
        parts.append(
            f"{counts.under} day{'s' if counts.under != 1 else ''} under the target"
            + (f", {counts.at_least} more unknown (items lack data)" if counts.at_least else "")
            + "."
        )
    if row.average_display is not None:
        bound = "at least " if row.average.lower_bound else ""
        parts.append(f"Average {bound}{format_amount(row.average_display)} {row.unit} per day.")
    return " ".join(parts)


def charts(week: Week) -> list[Chart]:
    names = [day.name for day in week.days]
    return [
        render(
            "chart-mg",
            "Magnesium per day",
            names,
            week.row("magnesium_mg"),
            stacked=week.row(SUPPLEMENT_MG),
            base=week.row(FOOD_MG),
        ),
        render("chart-k", "Potassium per day", names, week.row("potassium_mg")),
    ]
