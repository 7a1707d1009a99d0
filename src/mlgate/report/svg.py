"""Inline SVG charts for the HTML report: no script, no fonts, no network.

Every chart draws given numbers only: a bar per value, a dashed line per
threshold; colour says what the decision said (``failed``), not what the chart
would compute.
"""

from __future__ import annotations

from html import escape

PASS, FAIL, NEUTRAL, LINE = "#2e7d32", "#c62828", "#607d8b", "#212121"
WIDTH = 300


def num(value: float) -> str:
    """A number as the facts gave it (no float noise, no trailing zeros)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _scale(*values: float) -> float:
    top = max([0.0, *values])
    if top <= 1.0:
        return 1.0
    return top * 1.15


def _x(value: float, hi: float) -> float:
    return round(max(0.0, min(value, hi)) / hi * WIDTH, 1)


def metric_bar(value: float, threshold: float, comparison: str, failed: bool, label: str) -> str:
    """One bar (the actual value) against one dashed line (the threshold)."""
    hi = _scale(value, threshold)
    bar, line = _x(value, hi), _x(threshold, hi)
    sign = "≥" if comparison == "minimum" else "≤"
    title = escape(f"{label}: {num(value)} (required {sign} {num(threshold)})")
    colour = FAIL if failed else PASS
    return (
        f'<svg class="chart bar" width="{WIDTH + 10}" height="26" viewBox="0 0 {WIDTH + 10} 26" '
        f'role="img" aria-label="{title}"><title>{title}</title>'
        f'<rect x="0" y="5" width="{WIDTH}" height="14" fill="#eceff1"/>'
        f'<rect x="0" y="5" width="{bar}" height="14" fill="{colour}"/>'
        f'<line x1="{line}" y1="1" x2="{line}" y2="25" stroke="{LINE}" stroke-width="2" '
        f'stroke-dasharray="3 2"/></svg>'
    )


def group_bars(groups: dict[str, float], line: float | None, line_label: str, failed: bool) -> str:
    """One bar per sensitive group; ``line`` marks the level a group must reach."""
    names = list(groups)
    hi = _scale(*groups.values(), *([line] if line is not None else []))
    row, label_w = 22, 120
    height = row * len(names) + 8
    parts = [
        f'<svg class="chart groups" width="{label_w + WIDTH + 60}" height="{height}" '
        f'viewBox="0 0 {label_w + WIDTH + 60} {height}" role="img" '
        f'aria-label="{escape("value per group")}">'
    ]
    for i, name in enumerate(names):
        value, y = groups[name], 4 + i * row
        below = line is None or value < line
        colour = FAIL if failed and below else PASS
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(name)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{_x(value, hi)}" height="14" fill="{colour}">'
            f"<title>{escape(f'{name}: {num(value)}')}</title></rect>"
            f'<text x="{label_w + _x(value, hi) + 4}" y="{y + 14}">{num(value)}</text>'
        )
    if line is not None:
        x = label_w + _x(line, hi)
        parts.append(
            f'<line x1="{x}" y1="0" x2="{x}" y2="{height}" stroke="{LINE}" stroke-width="2" '
            f'stroke-dasharray="3 2"><title>{escape(line_label)}</title></line>'
        )
    return "".join(parts) + "</svg>"


def severity_bars(counts: dict[str, int], limits: dict[str, float]) -> str:
    """Vulnerability counts per severity, with the tier's maximum where it has one."""
    names = list(counts)
    hi = _scale(*counts.values(), *limits.values(), 1)
    row, label_w = 22, 80
    height = row * len(names) + 8
    parts = [
        f'<svg class="chart severities" width="{label_w + WIDTH + 90}" height="{height}" '
        f'viewBox="0 0 {label_w + WIDTH + 90} {height}" role="img" '
        f'aria-label="vulnerabilities by severity">'
    ]
    for i, sev in enumerate(names):
        count, y = counts[sev], 4 + i * row
        limit = limits.get(sev)
        colour = FAIL if limit is not None and count > limit else NEUTRAL
        note = f" (max {num(limit)})" if limit is not None else ""
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(sev)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{_x(count, hi)}" height="14" fill="{colour}"/>'
            f'<text x="{label_w + _x(count, hi) + 4}" y="{y + 14}">{count}{escape(note)}</text>'
        )
        if limit is not None:
            x = label_w + _x(limit, hi)
            parts.append(
                f'<line x1="{x}" y1="{y}" x2="{x}" y2="{y + row}" stroke="{LINE}" '
                f'stroke-width="2" stroke-dasharray="3 2"/>'
            )
    return "".join(parts) + "</svg>"
