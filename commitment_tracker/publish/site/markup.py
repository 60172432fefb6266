"""HTML building blocks: escaping, links, the page layout, badges, the stylesheet and the script.

Every value from the data goes through ``esc`` (``html.escape`` with quotes) before it is put into
markup, and every link through ``link`` (which checks its URL with ``safe_url``); the helpers below
take plain text and return HTML. These two functions are the only places where text and URLs from
the package become markup:

* ``esc`` also neutralises bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
  U+061C): each is shown as a visible ``[U+202E]`` instead of being obeyed. A right-to-left override
  in a title would otherwise make the page show text in an order the data does not hold (and hide
  it); showing the code point tells the reader the data holds one. None of the package's texts
  (French and English) needs one.
* ``link`` renders an ``<a>`` only for ``http``/``https`` URLs with a host and for relative links
  (no scheme, not ``//host``); anything else (``javascript:``, ``data:``, ``//evil``, a URL holding
  spaces or control characters) is shown as plain escaped text. Style and script are inlined in each page
so that a page works on its own (from ``file://``, from any static host, or saved alone), and the
Content-Security-Policy allows exactly those two blocks, by hash, and nothing from anywhere else.
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from html import escape
from importlib import resources
from urllib.parse import urlsplit

from commitment_tracker.publish.site.model import FORMALITY_LABELS, KIND_LABELS, STATUS_LABELS

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


# Bidirectional formatting controls, each shown as its code point (see the module docstring).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SHOW_BIDI = {ord(c): f"[U+{ord(c):04X}]" for c in BIDI_CONTROLS}
SAFE_SCHEMES = ("http", "https")


def esc(value: object, quote: bool = True) -> str:
    """Text for HTML content or a quoted attribute value; ``None`` becomes empty.

    Bidirectional controls are shown as ``[U+202E]`` and the like, never obeyed. ``quote=False``
    leaves quotation marks as they are (text content only, never an attribute).
    """
    return "" if value is None else escape(str(value).translate(_SHOW_BIDI), quote=quote)


def safe_url(url: object) -> str | None:
    """``url`` when a link to it is safe to render: http(s) with a host, or a relative link."""
    if not isinstance(url, str) or not url:
        return None
    # Browsers drop tabs and newlines inside a scheme ("java\tscript:") and read "\" as "/":
    # a URL holding either, or any other control or space, is never a link.
    if "\\" in url or any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme:
        return url if parts.scheme.lower() in SAFE_SCHEMES and parts.netloc else None
    if url.startswith("//"):
        return None  # another host without a scheme: not a relative link
    return url


def link(url: object, inner_html: str, **attributes: object) -> str:
    """An ``<a>`` around ``inner_html`` (already HTML) when ``url`` is safe, else ``inner_html`` alone."""
    target = safe_url(url)
    if target is None:
        return inner_html
    return f"<a{attrs(href=target, **attributes)}>{inner_html}</a>"


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
