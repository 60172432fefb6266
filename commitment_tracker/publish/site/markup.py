"""What the templates rely on for safety and looks: escaping, safe links, colours, stylesheet, script.

Pages are Jinja2 templates (``templates/``, rendered by ``pages.py``) in which every value printed
goes through ``esc`` (``html.escape`` with quotes), by the environment's ``finalize`` hook, and every
link's URL through ``safe_url`` (the ``link`` macro of ``_text.html``). These two functions are the
only places where text and URLs from the package become markup:

* ``esc`` also neutralises bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
  U+061C): each is shown as a visible ``[U+202E]`` instead of being obeyed. A right-to-left override
  in a title would otherwise make the page show text in an order the data does not hold (and hide
  it); showing the code point tells the reader the data holds one. None of the package's texts
  (French and English) needs one.
* a link is rendered as an ``<a>`` only for ``http``/``https`` URLs with a host and for relative links
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

# Colours are presentation, keyed by the values of status_updates.status; test_labels checks that
# every value the schema allows has both. Badge colours: dark text on a light tint; tests check
# each pair against WCAG AA (4.5:1).
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
SHOW_BIDI = {ord(c): f"[U+{ord(c):04X}]" for c in BIDI_CONTROLS}
SAFE_SCHEMES = ("http", "https")


def esc(value: object, quote: bool = True) -> str:
    """Text for HTML content or a quoted attribute value; ``None`` becomes empty.

    Bidirectional controls are shown as ``[U+202E]`` and the like, never obeyed. ``quote=False``
    leaves quotation marks as they are (text content only, never an attribute).
    """
    return "" if value is None else escape(str(value).translate(SHOW_BIDI), quote=quote)


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


def _compact_style(source: str) -> str:
    """site.css without indentation or comment lines: every page inlines it."""
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("/*"))


def _compact_script(source: str) -> str:
    """site.js without its indentation and its whole-line comments: every page inlines it."""
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


# The palette and status rules come from the constants above; the rest of the stylesheet is site.css.
CSS = "\n".join(
    [
        f":root{{--text:{TEXT};--muted:{MUTED};--link:{LINK};--bg:{BACKGROUND};--line:#c9ced6;"
        f"--soft:#f4f6f9;--mark:{MARK};--disputed-fg:{DISPUTED[0]};--disputed-bg:{DISPUTED[1]}}}",
        _status_css(),
        _compact_style(_read("site.css")),
    ]
)
# The page's only script: the title language, the citation's address, the index's table tools.
JS = _compact_script(_read("site.js"))

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
