"""Charts drawn on the server as inline SVG: no script, no network, nothing the CSP must allow."""

from collections.abc import Callable, Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

COLOURS = ("#417690", "#e2a03f")  # the admin's blue, and an amber that reads beside it


def grouped_columns(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    title: str,
    height: int = 220,
    number: Callable[[int], str] = str,
    counted: Callable[[int, int], str] | None = None,
) -> SafeString:
    """Columns per label, one per series (e.g. submissions and reviews per day), with a legend.
    `number` writes a count (the axis's ticks); `counted(series index, count)` a column's count
    in words for its tooltip ("1 envio", "2 envios"), by default the count and the series' name."""
    width, left, bottom, top = 760, 36, 36, 24
    top_value = max([1, *(v for _, values in series for v in values)])
    slot = (width - left) / max(1, len(labels))
    bar = max(1.0, (slot - 2) / max(1, len(series)))
    plot = height - bottom - top
    parts = [f"<title>{escape(title)}</title>"]
    words = counted or (lambda s, count: f"{number(count)} {series[s][0]}")
    for tick in (0, top_value // 2, top_value):
        y = top + plot - plot * tick / top_value
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        shown = escape(number(tick))
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{shown}</text>')
    for i, label in enumerate(labels):
        x0 = left + i * slot + 1
        for s, (_, values) in enumerate(series):
            h = plot * values[i] / top_value
            parts.append(
                f'<rect x="{x0 + s * bar:.1f}" y="{top + plot - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[s % len(COLOURS)]}">'
                f"<title>{escape(label)}: {escape(words(s, values[i]))}</title></rect>"
            )
        if i == len(labels) - 1:  # ends at its column's right edge: centred, it ran off the chart
            parts.append(
                f'<text x="{x0 + slot - 1:.1f}" y="{height - bottom + 14}" text-anchor="end" '
                f'font-size="11">{escape(label)}</text>'
            )
        elif i % 5 == 0:
            parts.append(
                f'<text x="{x0 + slot / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                f'font-size="11">{escape(label)}</text>'
            )
    for s, (name, _) in enumerate(series):
        x = left + s * 140
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{COLOURS[s % len(COLOURS)]}"/>')
        parts.append(f'<text x="{x + 16}" y="14" font-size="12">{escape(name)}</text>')
    return _svg(width, height, title, parts)


def horizontal_bars(rows: Sequence[tuple[str, float, str]], *, title: str) -> SafeString:
    """One bar per row: (label, value, value as shown), longest value first as given."""
    width, label_width, row_height = 760, 170, 24
    height = max(1, len(rows)) * row_height + 8
    top_value = max([1.0, *(value for _, value, _ in rows)])
    room = width - label_width - 130
    parts = [f"<title>{escape(title)}</title>"]
    for i, (label, value, shown) in enumerate(rows):
        y = 4 + i * row_height
        w = room * value / top_value
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" '
            f'font-size="12">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 3}" width="{w:.1f}" height="{row_height - 8}" '
            f'fill="{COLOURS[0]}"/>'
        )
        parts.append(
            f'<text x="{label_width + w + 6:.1f}" y="{y + 15}" font-size="12">{escape(shown)}</text>'
        )
    return _svg(width, height, title, parts)


def _svg(width: int, height: int, title: str, parts: list[str]) -> SafeString:
    # Every interpolated text above went through escape(); numbers are formatted by us.
    body = mark_safe("".join(parts))  # noqa: S308 - every text in it was escaped above
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-label="{}" class="vivenda-chart">{}</svg>',
        width,
        height,
        title,
        body,
    )
