"""Figures as people read them: ``11 milliards MAD``, ``16 GW``, ``240 000``, ``15 %``.

One home for turning a stored value (base units: 11000000000 in ``mad``, 16000000000 in ``w``)
into text for readers: the summary, the site and the review report all call it, so a figure is
written the same way everywhere. ``figures.py`` is the other direction (reading figures in quotes).

A short form (scale word or SI prefix) is used only when it is exact to three decimals, so two
different values never read the same: 1234567890 MAD stays ``1 234 567 890 MAD``.
"""

from __future__ import annotations

import re

LANGUAGES = ("fr", "en")
NBSP = "\u00a0"
RANGE = " \u2013 "  # an en dash between the two ends of a range

# (size, singular, plural): French "1,5 milliard", "2 milliards"; English never inflects.
_SCALE_WORDS = {
    "fr": ((1e12, "billion", "billions"), (1e9, "milliard", "milliards"), (1e6, "million", "millions")),
    "en": ((1e12, "trillion", "trillion"), (1e9, "billion", "billion"), (1e6, "million", "million")),
}
# Units measured in watts or watt-hours read with an SI prefix (16 GW, not 16 milliards W).
_SI_PREFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
_SI_SYMBOLS = ("W", "Wh")
_DECIMALS = 3


def unit_symbol(label: str | None, unit_id: str | None) -> str:
    """The short symbol of a unit: the parenthesised part of its label ('dirham marocain (MAD)')."""
    if label:
        match = re.search(r"\(([^()]+)\)\s*$", label)
        if match:
            return match.group(1)
    return unit_id or ""


def reading_symbol(label: str | None, unit_id: str | None, dimension: str | None) -> str:
    """The symbol written after a figure: none for a count (240 000 jobs is '240 000', not
    '240 000 count'), else the unit's symbol."""
    return "" if dimension == "count" else unit_symbol(label, unit_id)


def group_digits(value: float, language: str = "fr") -> str:
    """11000000000 -> '11 000 000 000' (fr) or '11,000,000,000' (en); exact, decimals kept."""
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
    if language == "fr":
        return text.replace(",", " ").replace(".", ",")
    return text


def _short(number: float, language: str) -> str:
    """A number of at most three decimals in the language's form: 1.5 -> '1,5' (fr), '1.5' (en)."""
    text = f"{round(number, _DECIMALS):.{_DECIMALS}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if language == "fr" else text


def _exact(value: float, size: float) -> bool:
    scaled = value / size
    return abs(scaled - round(scaled, _DECIMALS)) < 1e-9 * max(1.0, abs(scaled))


def compact(value: float, symbol: str = "", language: str = "fr") -> str:
    """The short form ('11 milliards MAD', '16 GW', '2.5 million'), or '' when none is exact."""
    magnitude = abs(value)
    if symbol in _SI_SYMBOLS:
        for size, prefix in _SI_PREFIXES:
            if magnitude >= size and _exact(value, size):
                return f"{_short(value / size, language)} {prefix}{symbol}"
        return ""
    for size, singular, plural in _SCALE_WORDS[language]:
        if magnitude >= size and _exact(value, size):
            scaled = value / size
            word = plural if abs(scaled) >= 2 else singular
            return f"{_short(scaled, language)} {word}" + (f" {symbol}" if symbol else "")
    return ""


def readable(value: float | None, symbol: str = "", language: str = "fr") -> str:
    """A figure with its unit as a reader says it: the short form when exact, else every digit.

    ``symbol`` is the unit's symbol (``unit_symbol``); pass '' for a count. Blank stays blank.
    """
    if value is None:
        return ""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    value = float(value)
    short = compact(value, symbol, language)
    if short:
        return short
    number = group_digits(value, language)
    if not symbol:
        return number
    # French sets a space before %, English does not.
    glue = "" if symbol == "%" and language == "en" else " "
    return f"{number}{glue}{symbol}"


def readable_range(
    low: float, high: float, symbol: str = "", language: str = "fr", no_break: bool = False
) -> str:
    """Two figures of one unit as a range, ends joined by an en dash; one figure when they are equal."""
    texts = [readable(v, symbol, language) for v in ((low,) if low == high else (low, high))]
    return RANGE.join(unbreakable(t) if no_break else t for t in texts)


def unbreakable(text: str) -> str:
    """A figure on a page never breaks across lines: its spaces become no-break spaces."""
    return text.replace(" ", NBSP)
