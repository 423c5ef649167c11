"""Server-rendered SVG charts: the one way to draw a chart in Outside-In.

The same SVG serves the page, the e-mail digest and the printed report, with no JavaScript and no
external assets. Each function takes plain numbers and returns a ``SafeString`` of SVG markup;
every label passes through ``escape``. Colours come from one palette so charts look alike everywhere.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from math import isfinite

from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0f766e", "#b45309", "#4338ca", "#be123c", "#15803d", "#7c3aed", "#0369a1", "#a16207"]
MUTED = "#94a3b8"
# The bar a chart picks out (the viewer's own): indigo, never red, which the pages' figures use for "worse".
CHOSEN = PALETTE[2]
GRID = "#e2e8f0"
TEXT = "#334155"
FONT = "font-family='system-ui, -apple-system, Segoe UI, Roboto, sans-serif'"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    # Safe: every piece of text in body was escaped by the builders below.
    return mark_safe(
        # --chart-width lets a phone's style sheet keep the chart wide enough for its text (app.css).
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' style='--chart-width: {width}' "
        "role='img' "
        f"aria-label='{escape(title)}' {FONT} font-size='12'><title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, label: str, anchor: str = "start", size: int = 12, fill: str = TEXT,
          weight: str = "normal") -> str:
    return (f"<text x='{_num(x)}' y='{_num(y)}' text-anchor='{anchor}' font-size='{size}' fill='{fill}' "
            f"font-weight='{weight}'>{escape(str(label))}</text>")


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** len(str(int(abs(raw)))) / 10 if raw >= 1 else 1
    step = next((m * magnitude for m in (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10) if m * magnitude >= raw), raw)
    start = (low // step) * step
    ticks, value = [], start
    while value <= high + step * 1e-9:
        if value >= low - step * 1e-9:
            ticks.append(round(value, 10))
        value += step
    return ticks


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    note: str = ""  # printed after the value, e.g. "target met"
    highlight: bool = False


def bar_chart(bars: Sequence[Bar], *, title: str, unit: str = "", reference: float | None = None,
              reference_label: str = "", width: int = 640) -> SafeString:
    """Horizontal bars with their values, and an optional reference line (a target or a median)."""
    row, left, right = 26, 170, 90
    height = max(1, len(bars)) * row + 36
    top = max([b.value for b in bars if isfinite(b.value)] + [reference or 0, 1])
    scale = (width - left - right) / top
    body = [_text(0, 14, title, weight="bold")]
    for i, bar in enumerate(bars):
        y = 26 + i * row
        body.append(_text(left - 8, y + 14, bar.label[:26], anchor="end"))
        length = max(0.0, bar.value) * scale
        colour = CHOSEN if bar.highlight else PALETTE[0]
        body.append(f"<rect x='{left}' y='{y + 3}' width='{_num(length)}' height='{row - 8}' rx='3' fill='{colour}'/>")
        body.append(_text(left + length + 6, y + 14, f"{_num(bar.value)}{unit} {bar.note}".strip()))
    if reference is not None:
        x = left + reference * scale
        body.append(f"<line x1='{_num(x)}' y1='22' x2='{_num(x)}' y2='{height - 4}' stroke='{PALETTE[1]}' "
                    "stroke-dasharray='4 3' stroke-width='2'/>")
        body.append(_text(x + 4, height - 4, reference_label or f"{_num(reference)}{unit}", fill=PALETTE[1], size=11))
    return _svg(width, height, body, title)


@dataclass(frozen=True)
class Point:
    """One point of a line; ``partial`` (a period still in progress) and ``few`` (too few answers to trust the
    margin) are drawn hollow, and a partial point hangs off the line by a dashed segment, so neither ever
    reads as where the line is going. ``note`` is printed beside a partial point, e.g. "so far, n = 2"."""

    x_label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    partial: bool = False
    few: bool = False
    note: str = ""


def line_chart(series: dict[str, Sequence[Point]], *, title: str, y_label: str = "", width: int = 640,
               height: int = 260, y_range: tuple[float, float] | None = None) -> SafeString:
    """Lines over shared x labels, with a shaded band where low/high (e.g. a margin of error) are given."""
    left, right, top, bottom = 48, 16, 28, 36
    labels: list[str] = []
    for points in series.values():
        for p in points:
            if p.x_label not in labels:
                labels.append(p.x_label)
    values = [v for points in series.values() for p in points for v in (p.value, p.low, p.high)
              if v is not None and isfinite(v)]
    low, high = y_range or ((min(values), max(values)) if values else (0.0, 1.0))
    if high == low:
        low, high = low - 1, high + 1
    ticks = _ticks(low, high)
    low, high = min(low, ticks[0]), max(high, ticks[-1])
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + (plot_w * i / max(1, len(labels) - 1) if len(labels) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    body = [_text(0, 14, title, weight="bold")]
    for t in ticks:
        body.append(f"<line x1='{left}' y1='{_num(y(t))}' x2='{width - right}' y2='{_num(y(t))}' stroke='{GRID}'/>")
        body.append(_text(left - 6, y(t) + 4, _num(t), anchor="end", size=10, fill=MUTED))
    step = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % step == 0 or i == len(labels) - 1:
            # The outermost labels hang inwards so they are never cut off at the chart's edge.
            anchor = "start" if i == 0 and len(labels) > 1 else "end" if i == len(labels) - 1 and i else "middle"
            body.append(_text(x(i), height - bottom + 16, label, anchor=anchor, size=10, fill=MUTED))
    if y_label:
        body.append(_text(left, top - 8, y_label, size=10, fill=MUTED))
    for n, (name, points) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        index = {p.x_label: labels.index(p.x_label) for p in points}

        def at(p: Point, value: float, index: dict[str, int] = index) -> tuple[float, float]:
            return x(index[p.x_label]), y(value)

        body += _series_lines(points, colour, at)
        body += [mark for p in points if p.value is not None for mark in _point_marks(p, name, colour, at)]
        if len(series) > 1:
            body.append(f"<rect x='{width - right - 150}' y='{8 + n * 14}' width='10' height='10' fill='{colour}'/>")
            body.append(_text(width - right - 136, 17 + n * 14, name[:22], size=10))
    return _svg(width, height, body, title)


# Where a point's value (or its low or high) sits on the chart: (x, y) in the chart's coordinates.
Place = Callable[[Point, float], tuple[float, float]]


def _drawn(value: float | None) -> float:
    """The value (or low or high) of a point being drawn: the callers keep only the points that have it."""
    assert value is not None
    return value


def _series_lines(points: Sequence[Point], colour: str, at: Place) -> list[str]:
    """One series' band, its line through the complete periods, and a dashed line on to a period in progress."""
    def xy(p: Point, value: float | None) -> str:
        px, py = at(p, _drawn(value))
        return f"{_num(px)},{_num(py)}"

    parts: list[str] = []
    # The band follows complete periods; a period in progress gets a whisker of its own instead.
    band = [p for p in points if p.low is not None and p.high is not None and p.value is not None and not p.partial]
    if len(band) > 1:
        upper = " ".join(xy(p, p.high) for p in band)
        lower = " ".join(xy(p, p.low) for p in reversed(band))
        parts.append(f"<polygon points='{upper} {lower}' fill='{colour}' fill-opacity='0.15'/>")
    drawn = [p for p in points if p.value is not None]
    settled = [p for p in drawn if not p.partial]
    if len(settled) > 1:
        path = " ".join(xy(p, p.value) for p in settled)
        parts.append(f"<polyline points='{path}' fill='none' stroke='{colour}' stroke-width='2'/>")
    for p in drawn:
        if p.partial and settled:
            (x1, y1), (x2, y2) = at(settled[-1], _drawn(settled[-1].value)), at(p, _drawn(p.value))
            parts.append(f"<line x1='{_num(x1)}' y1='{_num(y1)}' x2='{_num(x2)}' y2='{_num(y2)}' stroke='{colour}' "
                         "stroke-width='1.5' stroke-dasharray='4 4' stroke-opacity='0.7' class='partial'/>")
    return parts


def _point_marks(p: Point, name: str, colour: str, at: Place) -> list[str]:
    """A point's dot (hollow while its period is in progress or has few responses), whisker and note."""
    x, y = at(p, _drawn(p.value))
    px, py = _num(x), _num(y)
    hollow = p.partial or p.few
    fill = "#fff" if hollow else colour
    kind = "partial" if p.partial else "few" if p.few else "full"
    state = {"partial": " (in progress)", "few": " (few responses)", "full": ""}[kind]
    parts: list[str] = []
    if p.partial and p.low is not None and p.high is not None:
        parts.append(f"<line x1='{px}' y1='{_num(at(p, p.high)[1])}' x2='{px}' y2='{_num(at(p, p.low)[1])}' "
                     f"stroke='{colour}' stroke-opacity='0.35' stroke-width='6' stroke-linecap='round'/>")
    parts.append(f"<circle cx='{px}' cy='{py}' r='{4 if hollow else 3}' fill='{fill}' stroke='{colour}' "
                 f"stroke-width='{2 if hollow else 0}' class='{kind}'>"
                 f"<title>{escape(name)} {escape(p.x_label)}: {_num(_drawn(p.value))}{state}</title></circle>")
    if p.note:
        parts.append(_text(x - 6, y - 9, p.note, anchor="end", size=10, fill=MUTED))
    return parts


@dataclass(frozen=True)
class Dot:
    label: str
    x: float
    y: float
    highlight: bool = False


def quadrant_chart(dots: Sequence[Dot], *, title: str, x_label: str, y_label: str, x_split: float, y_split: float,
                   corner_label: str = "", corner: str = "top-left", x_range: tuple[float, float] | None = None,
                   y_range: tuple[float, float] | None = None, width: int = 560, height: int = 400) -> SafeString:
    """A scatter split into four quadrants; one corner is shaded and named (e.g. 'act first')."""
    left, right, top, bottom = 52, 20, 30, 44
    xs = [d.x for d in dots] + [x_split]
    ys = [d.y for d in dots] + [y_split]
    x_lo, x_hi = x_range or (min(xs), max(xs))
    y_lo, y_hi = y_range or (min(ys), max(ys))
    pad_x, pad_y = (x_hi - x_lo) * 0.08 or 1, (y_hi - y_lo) * 0.08 or 1
    if not x_range:
        x_lo, x_hi = x_lo - pad_x, x_hi + pad_x
    if not y_range:
        y_lo, y_hi = y_lo - pad_y, y_hi + pad_y
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(v: float) -> float:
        return left + plot_w * (v - x_lo) / (x_hi - x_lo)

    def py(v: float) -> float:
        return top + plot_h * (1 - (v - y_lo) / (y_hi - y_lo))

    body = [_text(0, 14, title, weight="bold")]
    body.append(f"<rect x='{left}' y='{top}' width='{plot_w}' height='{plot_h}' fill='none' stroke='{GRID}'/>")
    sx, sy = px(x_split), py(y_split)
    corners = {
        "top-left": (left, top, sx - left, sy - top), "top-right": (sx, top, left + plot_w - sx, sy - top),
        "bottom-left": (left, sy, sx - left, top + plot_h - sy),
        "bottom-right": (sx, sy, left + plot_w - sx, top + plot_h - sy),
    }
    cx, cy, cw, ch = corners[corner]
    body.append(f"<rect x='{_num(cx)}' y='{_num(cy)}' width='{_num(max(cw, 0))}' height='{_num(max(ch, 0))}' "
                f"fill='{PALETTE[3]}' fill-opacity='0.07'/>")
    if corner_label:
        body.append(_text(cx + 6, cy + 16, corner_label, fill=PALETTE[3], weight="bold", size=11))
    body.append(f"<line x1='{_num(sx)}' y1='{top}' x2='{_num(sx)}' y2='{top + plot_h}' stroke='{MUTED}' "
                "stroke-dasharray='4 3'/>")
    body.append(f"<line x1='{left}' y1='{_num(sy)}' x2='{left + plot_w}' y2='{_num(sy)}' stroke='{MUTED}' "
                "stroke-dasharray='4 3'/>")
    body.append(_text(left + plot_w / 2, height - 8, x_label, anchor="middle", fill=MUTED))
    body.append(f"<text x='14' y='{_num(top + plot_h / 2)}' transform='rotate(-90 14 {_num(top + plot_h / 2)})' "
                f"text-anchor='middle' fill='{MUTED}'>{escape(y_label)}</text>")
    for t in _ticks(x_lo, x_hi):
        body.append(_text(px(t), top + plot_h + 14, _num(t), anchor="middle", size=10, fill=MUTED))
    for t in _ticks(y_lo, y_hi):
        body.append(_text(left - 6, py(t) + 4, _num(t), anchor="end", size=10, fill=MUTED))
    for d in dots:
        colour = PALETTE[3] if d.highlight else PALETTE[0]
        body.append(f"<circle cx='{_num(px(d.x))}' cy='{_num(py(d.y))}' r='5' fill='{colour}'>"
                    f"<title>{escape(d.label)}</title></circle>")
        body.append(_text(px(d.x) + 7, py(d.y) + 4, d.label[:28], size=10))
    return _svg(width, height, body, title)


def heatmap(rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[float]], *, title: str,
            width: int = 720, empty_label: str = "0") -> SafeString:
    """A grid of cells whose colour deepens with the value (e.g. leaders × weeks of first-hand contact).

    Each cell names its value on hover; a legend under the grid says what the shades mean, and the same figures
    follow as a table that screen readers read and the eye does not see.
    """
    left, top, cell_h = 150, 40, 22
    cell_w = max(12, (width - left - 10) / max(1, len(columns)))
    grid_bottom = top + len(rows) * cell_h
    height = grid_bottom + 40
    peak = max([v for row in values for v in row] + [1])
    body = [_text(0, 14, title, weight="bold")]
    step = max(1, len(columns) // 10)
    for j, column in enumerate(columns):
        if j % step == 0:
            body.append(_text(left + j * cell_w + cell_w / 2, top - 6, column, anchor="middle", size=9, fill=MUTED))
    for i, row in enumerate(rows):
        y = top + i * cell_h
        body.append(_text(left - 6, y + 15, row[:22], anchor="end", size=11))
        for j, value in enumerate(values[i]):
            label = f"{row}, {columns[j]}: {_num(value) if value else empty_label}"
            body.append(f"<rect x='{_num(left + j * cell_w + 1)}' y='{y + 1}' width='{_num(cell_w - 2)}' "
                        f"height='{cell_h - 2}' rx='2' {_shade(value, peak)}><title>{escape(label)}</title></rect>")
    body += _heatmap_legend(left, grid_bottom + 14, peak, empty_label)
    return mark_safe(_svg(int(width), int(height), body, title) + _heatmap_table(rows, columns, values, title,
                                                                                empty_label))


def _shade(value: float, peak: float) -> str:
    opacity = 0.08 if value <= 0 else 0.25 + 0.75 * value / peak
    return f"fill='{MUTED if value <= 0 else PALETTE[0]}' fill-opacity='{opacity:.2f}'"


def _heatmap_legend(x: float, y: float, peak: float, empty_label: str) -> list[str]:
    steps = [0, *sorted({max(1, round(peak * share)) for share in (0.25, 0.5, 0.75, 1)})]
    parts = [_text(x - 6, y + 11, "Fewer", anchor="end", size=10, fill=MUTED)]
    for n, value in enumerate(steps):
        parts.append(f"<rect x='{_num(x + n * 30)}' y='{y}' width='26' height='14' rx='2' {_shade(value, peak)}/>")
        parts.append(_text(x + n * 30 + 13, y + 25, _num(value) if value else empty_label, anchor="middle",
                           size=9, fill=MUTED))
    parts.append(_text(x + len(steps) * 30 + 2, y + 11, "More", size=10, fill=MUTED))
    return parts


def _heatmap_table(rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[float]], title: str,
                   empty_label: str) -> str:
    head = "".join(f"<th scope='col'>{escape(c)}</th>" for c in columns)
    body = "".join(
        f"<tr><th scope='row'>{escape(row)}</th>"
        + "".join(f"<td>{_num(v) if v else escape(empty_label)}</td>" for v in values[i]) + "</tr>"
        for i, row in enumerate(rows))
    return (f"<table class='visually-hidden'><caption>{escape(title)}</caption><thead><tr><td></td>{head}</tr>"
            f"</thead><tbody>{body}</tbody></table>")


TONES = {"good": PALETTE[0], "bad": PALETTE[3], "caution": PALETTE[1], "neutral": TEXT}


def _spread(positions: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label positions moved apart by at least `gap`, in their order, kept within [low, high] where possible."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [0.0] * len(positions)
    previous = low - gap
    for i in order:
        previous = placed[i] = max(positions[i], previous + gap)
    overflow = previous - high
    if overflow > 0:  # pushed past the bottom: shift the whole stack up, never above the top
        for i in order:
            placed[i] = max(low, placed[i] - overflow)
    return placed


@dataclass(frozen=True)
class BeforeAfter:
    name: str  # e.g. "Pilot group (8 accounts)"
    before: float
    after: float
    dashed: bool = False  # a what-if line, e.g. the pilot group had it moved like the control group
    colour: int | None = None  # index in PALETTE; by default the n-th solid line takes the n-th colour


def before_after_chart(lines: Sequence[BeforeAfter], *, title: str, before_label: str = "Before",
                       after_label: str = "During", y_label: str = "",
                       bracket: tuple[float, float, str] | None = None, label: Callable[[float], str] = _num,
                       width: int = 640, height: int = 280) -> SafeString:
    """Groups' values before and during a change: one line each from the before to the during window, the split
    between the windows marked, each line named at its end. ``bracket`` (a, b, label) marks a gap at "during",
    e.g. between what happened and the what-if line: the effect. ``label`` formats the values."""
    left, right, top, bottom = 48, 190, 40, 40
    values = [v for line in lines for v in (line.before, line.after) if isfinite(v)]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high == low:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.1
    ticks = _ticks(low - pad, high + pad)
    low, high = min(low - pad, ticks[0]), max(high + pad, ticks[-1])
    plot_w, plot_h = width - left - right, height - top - bottom
    x_before, x_after, x_split = left + plot_w * 0.2, left + plot_w * 0.8, left + plot_w / 2

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    body = [_text(0, 14, title, weight="bold")]
    for t in ticks:
        body.append(f"<line x1='{left}' y1='{_num(y(t))}' x2='{left + plot_w}' y2='{_num(y(t))}' stroke='{GRID}'/>")
        body.append(_text(left - 6, y(t) + 4, _num(t), anchor="end", size=10, fill=MUTED))
    if y_label:
        body.append(_text(left, top - 22, y_label, size=10, fill=MUTED))
    body.append(f"<line x1='{_num(x_split)}' y1='{top - 14}' x2='{_num(x_split)}' y2='{top + plot_h}' "
                f"stroke='{MUTED}' stroke-dasharray='4 3'/>")
    body.append(_text(x_split - 6, top - 4, "before", anchor="end", size=10, fill=MUTED))
    body.append(_text(x_split + 6, top - 4, "during", size=10, fill=MUTED))
    body.append(_text(x_before, height - bottom + 18, before_label, anchor="middle", size=10, fill=MUTED))
    body.append(_text(x_after, height - bottom + 18, after_label, anchor="middle", size=10, fill=MUTED))
    colours, solid = [], 0
    for line in lines:
        index = line.colour if line.colour is not None else solid
        solid += 0 if line.dashed else 1
        colours.append(PALETTE[index % len(PALETTE)])
    drawn = [(line, colour) for line, colour in zip(lines, colours, strict=True)
             if isfinite(line.before) and isfinite(line.after)]
    for line, colour in drawn:
        dash = " stroke-dasharray='6 4' stroke-opacity='0.7'" if line.dashed else ""
        body.append(f"<line x1='{_num(x_before)}' y1='{_num(y(line.before))}' x2='{_num(x_after)}' "
                    f"y2='{_num(y(line.after))}' stroke='{colour}' stroke-width='2.5'{dash}/>")
        points = [(x_after, line.after)] if line.dashed else [(x_before, line.before), (x_after, line.after)]
        for px, value in points:
            fill = "white" if line.dashed else colour
            body.append(f"<circle cx='{_num(px)}' cy='{_num(y(value))}' r='4' fill='{fill}' stroke='{colour}' "
                        f"stroke-width='2'><title>{escape(line.name)}: {escape(label(value))}</title></circle>")
    solid_lines = [(line, colour) for line, colour in drawn if not line.dashed]
    starts = _spread([y(line.before) + 4 for line, _ in solid_lines], 14, top, top + plot_h)
    for (line, colour), label_y in zip(solid_lines, starts, strict=True):
        body.append(_text(x_before - 8, label_y, label(line.before), anchor="end", size=11, fill=colour))
    ends = _spread([y(line.after) + 4 for line, _ in drawn], 14, top, top + plot_h + bottom - 24)
    for (line, colour), label_y in zip(drawn, ends, strict=True):
        body.append(_text(x_after + 10, label_y, f"{label(line.after)} {line.name}"[:34], size=11, fill=colour,
                          weight="normal" if line.dashed else "bold"))
    if bracket is not None and all(isfinite(v) for v in bracket[:2]):
        a, b, gap_label = y(bracket[0]), y(bracket[1]), bracket[2]
        bx = x_after - 14
        body.append(f"<path d='M{_num(bx + 5)},{_num(a)} H{_num(bx)} V{_num(b)} H{_num(bx + 5)}' fill='none' "
                    f"stroke='{TEXT}' stroke-width='1.5'/>")
        halo = _text(bx - 5, (a + b) / 2 + 4, gap_label, anchor="end", size=12, weight="bold")
        body.append(halo.replace("<text ", "<text stroke='white' stroke-width='4' paint-order='stroke' ", 1))
    return _svg(width, height, body, title)


def interval_chart(estimate: float, low: float, high: float, *, title: str, tone: str = "neutral",
                   marks: Sequence[tuple[float, str]] = (), better: str = "",
                   label: Callable[[float], str] = _num, width: int = 640, height: int = 150) -> SafeString:
    """One estimate as a point with its confidence interval as a bar, against a zero line: whether the bar
    crosses zero is the question it answers. ``marks`` are other values to compare (e.g. the effect hoped for);
    ``better`` ("up" or "down") says which side of zero is good; ``tone`` colours the estimate (TONES);
    ``label`` formats the estimate and the interval's ends."""
    left, right, top = 24, 24, 34
    axis_y, bar_y = height - 46, top + 30
    colour = TONES.get(tone, TEXT)
    values = [v for v in (estimate, low, high, 0.0, *(m for m, _ in marks)) if isfinite(v)]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    lo, hi = lo - span * 0.15, hi + span * 0.15
    plot_w = width - left - right

    def x(v: float) -> float:
        return left + plot_w * (v - lo) / (hi - lo)

    body = [_text(0, 14, title, weight="bold")]
    body.append(f"<line x1='{left}' y1='{axis_y}' x2='{width - right}' y2='{axis_y}' stroke='{GRID}'/>")
    for t in _ticks(lo, hi, 6):
        body.append(f"<line x1='{_num(x(t))}' y1='{axis_y}' x2='{_num(x(t))}' y2='{axis_y + 4}' stroke='{MUTED}'/>")
        body.append(_text(x(t), axis_y + 16, _num(t), anchor="middle", size=10, fill=MUTED))
    body.append(f"<line x1='{_num(x(0))}' y1='{top}' x2='{_num(x(0))}' y2='{axis_y}' stroke='{TEXT}' "
                "stroke-width='1.5'/>")
    # Named under the axis, where no mark or bar can cross it.
    zero_anchor = "start" if x(0) - left < 40 else "end" if (width - right) - x(0) < 40 else "middle"
    body.append(_text(x(0), axis_y + 30, "no change", anchor=zero_anchor, size=10, fill=TEXT))
    for value, name in marks:
        if isfinite(value):
            body.append(f"<line x1='{_num(x(value))}' y1='{top}' x2='{_num(x(value))}' y2='{axis_y}' "
                        f"stroke='{PALETTE[1]}' stroke-dasharray='4 3' stroke-width='1.5'/>")
            near_right = (width - right) - x(value) < 8 * len(name)
            body.append(_text(x(value) + (-4 if near_right else 4), axis_y - 6, name,
                              anchor="end" if near_right else "start", size=10, fill=PALETTE[1]))
    if better in ("up", "down"):
        arrow = "better →" if better == "up" else "← better"
        body.append(_text(width - right if better == "up" else left, axis_y + 32, arrow,
                          anchor="end" if better == "up" else "start", size=11, fill=MUTED))
    if all(isfinite(v) for v in (estimate, low, high)):
        body.append(f"<line x1='{_num(x(low))}' y1='{bar_y}' x2='{_num(x(high))}' y2='{bar_y}' stroke='{colour}' "
                    "stroke-width='4' stroke-linecap='round'/>")
        for end in (low, high):
            body.append(f"<line x1='{_num(x(end))}' y1='{bar_y - 8}' x2='{_num(x(end))}' y2='{bar_y + 8}' "
                        f"stroke='{colour}' stroke-width='2'/>")
            body.append(_text(x(end), bar_y + 22, label(end), anchor="middle", size=10, fill=colour))
        body.append(f"<circle cx='{_num(x(estimate))}' cy='{bar_y}' r='6' fill='{colour}'>"
                    f"<title>{escape(title)}: {escape(label(estimate))} ({escape(label(low))} to "
                    f"{escape(label(high))})</title></circle>")
        figure = _text(x(estimate), bar_y - 12, label(estimate), anchor="middle", size=12, fill=colour, weight="bold")
        # A white halo keeps the estimate readable where the zero line or a mark runs behind it.
        body.append(figure.replace("<text ", "<text stroke='white' stroke-width='4' paint-order='stroke' ", 1))
    return _svg(width, height, body, title)
