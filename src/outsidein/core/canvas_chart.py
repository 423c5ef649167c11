"""A canvas chart: columns of cards (e.g. a journey's stages and their touchpoints) over a curve per column of
two values on one scale (what customers experience against what we believe), with marks where it hurts.

Drawn like every chart in Outside-In (core.charts): plain numbers in, a ``SafeString`` of SVG out, every label
escaped, the same palette, so the page, the digest and print show the same canvas.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString

from outsidein.core.charts import GRID, MUTED, PALETTE, TEXT, _num, _svg, _text

PAIN = PALETTE[3]  # the rose the pages use for "worse"
EXPERIENCED = PALETTE[0]
CARD_W, CARD_H, GAP = 168, 58, 10
MAX_CARDS = 6  # per column; more are counted under the column


@dataclass(frozen=True)
class Card:
    label: str
    detail: str = ""  # the second line, e.g. "5 pieces · 40% first-hand"
    painful: bool = False
    called_out: bool = False  # the one card the chart draws attention to (the widest gap)


@dataclass(frozen=True)
class CanvasColumn:
    label: str
    cards: Sequence[Card] = field(default_factory=tuple)
    experienced: float | None = None  # on the scale -1 … 1; None: nothing known
    believed: float | None = None


def _card(x: float, y: float, card: Card) -> list[str]:
    stroke = PAIN if card.painful else GRID
    width = 3 if card.called_out else 1.5 if card.painful else 1
    parts = [f"<rect x='{_num(x)}' y='{_num(y)}' width='{CARD_W}' height='{CARD_H}' rx='6' fill='#fff' "
             f"stroke='{stroke}' stroke-width='{width}'><title>{escape(card.label)}"
             f"{': ' + escape(card.detail) if card.detail else ''}</title></rect>",
             _text(x + 8, y + 20, card.label[:24] + ("…" if len(card.label) > 24 else ""), weight="bold"),
             _text(x + 8, y + 40, card.detail[:30], size=11, fill=MUTED)]
    if card.painful:
        cx, cy = x + CARD_W - 14, y + 12
        parts.append(f"<path d='M{_num(cx)} {_num(cy - 7)} L{_num(cx + 7)} {_num(cy + 6)} L{_num(cx - 7)} "
                     f"{_num(cy + 6)} Z' fill='{PAIN}' class='pain-mark'><title>Pain</title></path>")
    return parts


def _curve(columns: Sequence[CanvasColumn], top: float, height: float, width: float) -> list[str]:
    """The two values per column as lines across the canvas: solid what is experienced, dashed what is believed."""
    def y(value: float) -> float:
        return top + height * (1 - (value + 1) / 2)

    def x(i: int) -> float:
        return GAP + i * (CARD_W + GAP) + CARD_W / 2

    parts = [f"<line x1='{GAP}' y1='{_num(y(v))}' x2='{_num(width - GAP)}' y2='{_num(y(v))}' stroke='{GRID}'/>"
             for v in (-1, 0, 1)]
    parts += [_text(width - GAP, y(v) - 3, label, anchor="end", size=10, fill=MUTED)
              for v, label in ((1, "delighted"), (0, "neutral"), (-1, "frustrated"))]
    for key, colour, dash in (("believed", MUTED, " stroke-dasharray='6 4'"), ("experienced", EXPERIENCED, "")):
        points = [(x(i), y(value)) for i, c in enumerate(columns) if (value := getattr(c, key)) is not None]
        if len(points) > 1:
            path = " ".join(f"{_num(px)},{_num(py)}" for px, py in points)
            parts.append(f"<polyline points='{path}' fill='none' stroke='{colour}' stroke-width='2'{dash} "
                         f"class='{key}'/>")
        for i, c in enumerate(columns):
            if (value := getattr(c, key)) is not None:
                painful = key == "experienced" and any(card.painful for card in c.cards)
                parts.append(f"<circle cx='{_num(x(i))}' cy='{_num(y(value))}' r='{5 if painful else 3.5}' "
                             f"fill='{PAIN if painful else colour}' class='{key}'><title>{escape(c.label)}, "
                             f"{'experienced' if key == 'experienced' else 'believed'}: {value:+.2f}</title>"
                             "</circle>")
    return parts


def canvas_chart(columns: Sequence[CanvasColumn], *, title: str, curve_title: str = "") -> SafeString:
    """Columns of cards across, their cards down, and under them the curve of each column's two values."""
    width = max(640, GAP + len(columns) * (CARD_W + GAP))
    rows = max([min(len(c.cards), MAX_CARDS) for c in columns] + [1])
    cards_top = 52
    curve_top = cards_top + rows * (CARD_H + GAP) + 44
    curve_h = 120
    height = int(curve_top + curve_h + 46)
    body = [_text(0, 14, title, weight="bold")]
    for i, column in enumerate(columns):
        x = GAP + i * (CARD_W + GAP)
        body.append(f"<rect x='{x}' y='24' width='{CARD_W}' height='22' rx='4' fill='{GRID}'/>")
        body.append(_text(x + CARD_W / 2, 39, column.label[:22], anchor="middle", weight="bold", fill=TEXT))
        for j, card in enumerate(column.cards[:MAX_CARDS]):
            body += _card(x, cards_top + j * (CARD_H + GAP), card)
        if len(column.cards) > MAX_CARDS:
            body.append(_text(x + 8, cards_top + MAX_CARDS * (CARD_H + GAP) + 10,
                              f"and {len(column.cards) - MAX_CARDS} more", size=11, fill=MUTED))
        if not column.cards:
            body.append(_text(x + 8, cards_top + 20, "no touchpoints yet", size=11, fill=MUTED))
    body.append(_text(0, curve_top - 14, curve_title or "Experienced against believed", weight="bold"))
    body += _curve(columns, curve_top, curve_h, width)
    legend_y = curve_top + curve_h + 30
    body += [f"<line x1='{GAP}' y1='{legend_y - 4}' x2='{GAP + 24}' y2='{legend_y - 4}' stroke='{EXPERIENCED}' "
             "stroke-width='2'/>", _text(GAP + 30, legend_y, "what customers experience (the evidence)", size=11),
             f"<line x1='{GAP + 300}' y1='{legend_y - 4}' x2='{GAP + 324}' y2='{legend_y - 4}' stroke='{MUTED}' "
             "stroke-width='2' stroke-dasharray='6 4'/>", _text(GAP + 330, legend_y, "what we believe", size=11),
             f"<path d='M{GAP + 460} {legend_y - 10} L{GAP + 467} {legend_y + 2} L{GAP + 453} {legend_y + 2} Z' "
             f"fill='{PAIN}'/>", _text(GAP + 474, legend_y, "pain", size=11)]
    return _svg(width, height, body, title)
