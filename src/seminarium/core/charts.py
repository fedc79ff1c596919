"""Server-side SVG charts, shared by evaluation results and the funder's report.

Charts are inline SVG so that pages and PDFs (WeasyPrint) need no JavaScript. Every
piece of text, including labels typed by users (session titles, country names), is
XML-escaped. Screen readers get the chart's label as its accessible name and every
bar's label and value in the description, so nothing is conveyed by length alone.
"""

import hashlib
import math
import re
import unicodedata
from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 80
BAR_HEIGHT = 22
GAP = 8
# SVG text does not wrap: longer labels are cut and the full text kept in a <title>.
# Measured in half-widths: a Chinese character takes about two Latin ones' room.
LABEL_HALF_WIDTHS = 30


# Characters XML 1.0 forbids even when escaped (most C0 controls, lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: object) -> str:
    return escape(_NOT_XML.sub("", str(value)), quote=True)


def _number(value: float) -> str:
    """A coordinate with at most two decimals, never in exponent notation."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _default_value_label(value: float, unit: str) -> str:
    return f"{value:g}{unit}"


def _half_widths(character: str) -> int:
    return 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1


def _short(label: str) -> str:
    if sum(map(_half_widths, label)) <= LABEL_HALF_WIDTHS:
        return label
    kept, used = [], 1  # room for the ellipsis
    for character in label:
        used += _half_widths(character)
        if used > LABEL_HALF_WIDTHS:
            break
        kept.append(character)
    return "".join(kept) + "…"


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    maximum: float | None = None,
    label: str,
    unit: str = "",
    value_labels: Sequence[str] | None = None,
) -> SafeString:
    """A horizontal bar chart as inline SVG markup, safe to put in a template.

    ``bars`` are (label, value); negative or non-finite values are drawn as zero.
    ``maximum`` is the value of a full-width bar (default: the largest value).
    ``value_labels`` are the texts shown after each bar, formatted by the caller for
    the viewer's locale (default: the value followed by ``unit``).
    """
    values = [
        v if isinstance(v, int | float) and math.isfinite(v) and v > 0 else 0.0 for _, v in bars
    ]
    if value_labels is None:
        value_labels = [_default_value_label(value, unit) for _, value in bars]
    if len(value_labels) != len(bars):
        raise ValueError("value_labels must have one entry per bar")
    scale = maximum if maximum and maximum > 0 else max(values, default=0.0) or 1.0
    bar_area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = max(1, len(bars)) * (BAR_HEIGHT + GAP) + GAP
    digest = hashlib.blake2s(repr((label, list(bars), list(value_labels))).encode()).hexdigest()[
        :10
    ]
    title_id, desc_id = f"chart-{digest}-title", f"chart-{digest}-desc"
    description = "; ".join(
        f"{name}: {shown}" for (name, _), shown in zip(bars, value_labels, strict=True)
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{_text(label)}</title>',
        f'<desc id="{desc_id}">{_text(description)}</desc>',
    ]
    for index, ((name, _), value, shown) in enumerate(zip(bars, values, value_labels, strict=True)):
        top = GAP + index * (BAR_HEIGHT + GAP)
        middle = top + BAR_HEIGHT / 2
        length = min(value / scale, 1.0) * bar_area
        parts.append(
            f'<g aria-hidden="true"><title>{_text(name)}: {_text(shown)}</title>'
            f'<text class="chart-label" x="{LABEL_WIDTH - 6}" y="{_number(middle)}" '
            f'text-anchor="end" dominant-baseline="middle">{_text(_short(str(name)))}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{top}" width="{_number(length)}" '
            f'height="{BAR_HEIGHT}" fill="#2f6690"/>'
            f'<text class="chart-value" x="{_number(LABEL_WIDTH + length + 6)}" '
            f'y="{_number(middle)}" dominant-baseline="middle">{_text(shown)}</text></g>'
        )
    parts.append("</svg>")
    # Every interpolated text went through _text(); the rest is our own markup.
    return mark_safe("".join(parts))
