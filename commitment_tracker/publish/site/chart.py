"""Commitments by deadline year and status, drawn as an inline SVG stacked bar chart.

Generated here in Python so the page needs no charting library, no CDN and no script to show it.
The same counts are given as a table beside the chart for screen readers and for copying.
``labels`` maps each status to its label, in the display order of the Table Schema's categories.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from commitment_tracker.publish.site.markup import STATUS_FILLS, esc

NO_DEADLINE = "No deadline"


def _fill(status: str) -> str:
    return STATUS_FILLS.get(status, "#6b6b6b")


def counts_by_year(
    rows: Iterable[tuple[int | None, str]], labels: Mapping[str, str]
) -> tuple[list[str], list[str], Counter]:
    """Columns (years in order, then "No deadline" if any), statuses present, and counts."""
    counts: Counter = Counter()
    for year, status in rows:
        counts[(str(year) if year is not None else NO_DEADLINE, status or "unknown")] += 1
    years = sorted({y for y, _ in counts if y != NO_DEADLINE})
    if any(y == NO_DEADLINE for y, _ in counts):
        years.append(NO_DEADLINE)
    order = list(labels)
    statuses = sorted({s for _, s in counts}, key=lambda s: (order.index(s) if s in order else len(order), s))
    return years, statuses, counts


def svg(
    rows: Iterable[tuple[int | None, str]], labels: Mapping[str, str], title_id: str = "chart-title"
) -> str:
    """The chart: one stacked bar per deadline year, one colour per status, with a legend."""
    years, statuses, counts = counts_by_year(rows, labels)
    totals = {y: sum(counts[(y, s)] for s in statuses) for y in years}
    top = max(totals.values(), default=0) or 1
    bar_w, gap, left, plot_h, top_pad = 56, 28, 40, 180, 24
    legend_x = left + len(years) * (bar_w + gap) + 12
    legend_w = 150
    width = legend_x + legend_w
    height = top_pad + plot_h + 44
    base = top_pad + plot_h
    scale = plot_h / top
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{esc(title_id)} {esc(title_id)}-desc">',
        f'<title id="{esc(title_id)}">Commitments by deadline year and current status</title>',
        f'<desc id="{esc(title_id)}-desc">'
        + esc(
            "; ".join(
                f"{y}: {totals[y]} ("
                + ", ".join(
                    f"{counts[(y, s)]} {labels.get(s, s).lower()}" for s in statuses if counts[(y, s)]
                )
                + ")"
                for y in years
            )
        )
        + "</desc>",
        f'<line x1="{left - 6}" y1="{base}" x2="{legend_x - 12}" y2="{base}" stroke="#555"/>',
    ]
    for i, year in enumerate(years):
        x = left + i * (bar_w + gap)
        y = base
        for status in statuses:
            n = counts[(year, status)]
            if not n:
                continue
            h = n * scale
            y -= h
            label = f"{year}: {n} {labels.get(status, status).lower()}"
            parts.append(
                f'<rect class="bar" data-year="{esc(year)}" data-status="{esc(status)}" data-count="{n}" '
                f'x="{x}" y="{y:.1f}" width="{bar_w}" height="{h:.1f}" '
                f'fill="{_fill(status)}" stroke="#fff" stroke-width="1">'
                f"<title>{esc(label)}</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.0f}" y="{y - 6:.1f}" text-anchor="middle" font-size="13" '
            f'font-weight="700" fill="#1a1a1a">{totals[year]}</text>'
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.0f}" y="{base + 18}" text-anchor="middle" font-size="12" '
            f'fill="#1a1a1a">{esc(year)}</text>'
        )
    for j, status in enumerate(statuses):
        ly = top_pad + j * 22
        parts.append(f'<rect x="{legend_x}" y="{ly}" width="14" height="14" fill="{_fill(status)}"/>')
        parts.append(
            f'<text x="{legend_x + 20}" y="{ly + 12}" font-size="12" fill="#1a1a1a">'
            f"{esc(labels.get(status, status))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def table(rows: Iterable[tuple[int | None, str]], labels: Mapping[str, str]) -> str:
    """The chart's numbers as an HTML table (deadline years as rows, statuses as columns)."""
    years, statuses, counts = counts_by_year(rows, labels)
    head = "".join(f'<th scope="col" class="num">{esc(labels.get(s, s))}</th>' for s in statuses)
    body = []
    for year in years:
        cells = "".join(f'<td class="num">{counts[(year, s)]}</td>' for s in statuses)
        total = sum(counts[(year, s)] for s in statuses)
        body.append(f'<tr><th scope="row">{esc(year)}</th>{cells}<td class="num">{total}</td></tr>')
    return (
        '<table class="chart-data"><caption class="visually-hidden">Commitments by deadline year and status'
        f'</caption><thead><tr><th scope="col">Deadline</th>{head}<th scope="col" class="num">Total</th>'
        f"</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
