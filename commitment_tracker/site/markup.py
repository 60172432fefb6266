"""HTML building blocks: escaping, the page layout, badges, the stylesheet and the script.

Every value from the data goes through ``esc`` (``html.escape`` with quotes) before it is put into
markup; the helpers below take plain text and return HTML. Style and script are inlined in each page
so that a page works on its own (from ``file://``, from any static host, or saved alone), and the
Content-Security-Policy allows exactly those two blocks, by hash, and nothing from anywhere else.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from importlib import resources

from commitment_tracker.site.model import FORMALITY_LABELS, KIND_LABELS, STATUS_LABELS

# Badge colours: dark text on a light tint; tests check each pair against WCAG AA (4.5:1).
STATUS_COLOURS = {
    "announced": ("#1f3a68", "#e3eaf6"),
    "in_progress": ("#5c3d00", "#ffeeb8"),
    "achieved": ("#1b5e20", "#d6efd9"),
    "partially_achieved": ("#0b5550", "#d3efed"),
    "stalled": ("#6e3300", "#ffdfc2"),
    "broken": ("#8a1414", "#fbd5d5"),
    "cancelled": ("#333333", "#e2e2e2"),
}
# Chart fills (graphical objects: WCAG asks 3:1 against the white background).
STATUS_FILLS = {
    "announced": "#4a6fa5",
    "in_progress": "#a87800",
    "achieved": "#2e7d32",
    "partially_achieved": "#00796b",
    "stalled": "#d35400",
    "broken": "#c62828",
    "cancelled": "#6b6b6b",
}
TEXT = "#1a1a1a"
MUTED = "#555555"
LINK = "#0b4f9c"
BACKGROUND = "#ffffff"
MARK = "#fff3a3"
DISPUTED = ("#ffffff", "#a01818")


def esc(value: object) -> str:
    """Text for HTML content or a quoted attribute value; ``None`` becomes empty."""
    return "" if value is None else escape(str(value), quote=True)


def attrs(**values: object) -> str:
    """` name="value"` pairs, escaped; ``None``/``False`` are left out; ``data_x`` becomes ``data-x``."""
    out = []
    for name, value in values.items():
        if value is None or value is False:
            continue
        key = name.rstrip("_").replace("_", "-")
        out.append(f" {key}" if value is True else f' {key}="{esc(value)}"')
    return "".join(out)


def bilingual(fr: str, en: str, tag: str = "span") -> str:
    """A French text and its English translation; the language switch shows one or both."""
    return (
        f'<{tag} class="tt" lang="fr">{esc(fr)}</{tag}> <{tag} class="tt tt-en" lang="en">{esc(en)}</{tag}>'
    )


def status_badge(status: str | None) -> str:
    if not status:
        return '<span class="badge none">no status</span>'
    label = STATUS_LABELS.get(status, status)
    return f'<span class="badge st-{esc(status)}" data-status="{esc(status)}">{esc(label)}</span>'


def formality_badge(formality: str | None) -> str:
    if not formality:
        return '<span class="badge fm none">formality not stated</span>'
    label = FORMALITY_LABELS.get(formality, formality)
    return f'<span class="badge fm" data-formality="{esc(formality)}">{esc(label)}</span>'


def kind_label(kind: str) -> str:
    return esc(KIND_LABELS.get(kind, kind))


def disputed_mark(href: str) -> str:
    return (
        f'<a class="badge disputed-mark" href="{esc(href)}" '
        'title="Sources disagree about this commitment: see the discrepancies">'
        '<span aria-hidden="true">⚠ </span>Disputed</a>'
    )


def not_stated(text: str = "not stated") -> str:
    return f'<span class="muted">{esc(text)}</span>'


def time_tag(value: object) -> str:
    if value is None:
        return not_stated()
    iso = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return f'<time datetime="{esc(iso)}">{esc(iso)}</time>'


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    hi, lo = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _status_css() -> str:
    rules = [f".st-{s}{{color:{fg};background:{bg}}}" for s, (fg, bg) in STATUS_COLOURS.items()]
    return "\n".join(rules)


def _read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8").strip()


# The palette and status rules come from the constants above; the rest of the stylesheet is site.css.
CSS = "\n".join(
    [
        f":root{{--text:{TEXT};--muted:{MUTED};--link:{LINK};--bg:{BACKGROUND};--line:#c9ced6;"
        f"--soft:#f4f6f9;--mark:{MARK};--disputed-fg:{DISPUTED[0]};--disputed-bg:{DISPUTED[1]}}}",
        _status_css(),
        _read("site.css"),
    ]
)
# The page's only script: remembers the title language and filters the commitments table.
JS = _read("site.js")

CSP = "; ".join(
    [
        "default-src 'none'",
        f"style-src {_hash(CSS)}",
        f"script-src {_hash(JS)}",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ]
)

NAV = [
    ("index", "index.html", "Commitments"),
    ("sources", "sources.html", "Sources"),
    ("discrepancies", "discrepancies.html", "Disagreements"),
    ("context", "context.html", "Event &amp; indicators"),
    ("downloads", "downloads.html", "Downloads"),
]

LANG_SWITCH = """<fieldset class="lang"><legend>Titles</legend>
<label><input type="radio" name="lang" id="lang-both" value="both" checked> FR + EN</label>
<label><input type="radio" name="lang" id="lang-fr" value="fr"> <span lang="fr">Français</span></label>
<label><input type="radio" name="lang" id="lang-en" value="en"> English</label></fieldset>"""


def page(
    *,
    title: str,
    body: str,
    depth: int,
    active: str,
    site_title: str,
    footer: str,
    description: str = "",
) -> str:
    """A complete HTML document. ``depth`` is how many folders below the site root the page sits."""
    up = "../" * depth
    nav = "".join(
        f'<li><a href="{up}{href}"{" aria-current=page" if key == active else ""}>{label}</a></li>'
        for key, href, label in NAV
    )
    meta_description = f'<meta name="description" content="{esc(description)}">\n' if description else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="referrer" content="no-referrer">
{meta_description}<title>{esc(title)} · {esc(site_title)}</title>
<link rel="icon" href="data:,">
<style>{CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<p class="brand"><a href="{up}index.html">{esc(site_title)}</a></p>
<nav aria-label="Site"><ul>{nav}</ul></nav>
{LANG_SWITCH}
</header>
<main id="main">
{body}
</main>
<footer>{footer}</footer>
<script>{JS}</script>
</body>
</html>
"""
