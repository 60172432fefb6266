"""Amounts written as people read them: ``11 milliards MAD``, ``16 GW``, ``240 000``.

The data stores every amount in its unit's base unit (11 billion MAD is 11000000000, 16 GW is
16000000000 W) so that figures compare and add up; readers never see those digits. This module is
the one place that turns a stored amount back into words, in the French of the sources (the figures
are quoted from French texts, and "11 milliards" is how Moroccan readers meet them).

Power and energy take SI prefixes (``16 GW``, ``1,2 TWh``); other amounts of a million or more
take ``million``/``milliard`` (plural from two, as French writes them); smaller ones are grouped by
thousands with a narrow no-break space, French style (``240 000``). Decimals use a comma. A scaled
figure keeps ``DIGITS`` significant digits (``123 millions`` for 123456789); ``exact`` keeps every
digit, for where the precise figure matters.
"""

from __future__ import annotations

# U+202F narrow no-break space groups thousands (French typography); U+00A0 joins a number to its
# word or unit so a line never breaks between them.
THIN = "\u202f"
NBSP = "\u00a0"
DIGITS = 3
RANGE = " \u2013 "  # an en dash between the two ends of a range

# Dimensions whose base unit takes SI prefixes (units.dimension in datapackage.json).
SI_DIMENSIONS = ("power", "energy")
SI_PREFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
WORDS = ((1e9, "milliard"), (1e6, "million"))


def exact(value: float) -> str:
    """Every digit, grouped by thousands: 11000000000 -> '11 000 000 000', 2.5 -> '2,5'."""
    if float(value).is_integer():
        text = f"{int(value):,}".replace(",", THIN)
    else:
        whole, _, fraction = f"{value:,}".partition(".")
        text = whole.replace(",", THIN) + "," + fraction
    return text


def _short(value: float) -> str:
    """A scaled number with at most DIGITS significant digits: 1.5 -> '1,5', 240.0 -> '240'."""
    text = f"{value:.{DIGITS}g}"
    if "e" in text:  # only for values of 10**DIGITS and more, which keep every digit instead
        return exact(round(value))
    return exact(float(text)) if "." not in text else text.replace(".", ",")


def readable(value: float, symbol: str = "", dimension: str | None = None) -> str:
    """``value`` (in its base unit) as a reader reads it, with the unit's ``symbol`` when given:
    ``readable(11e9, "MAD")`` is '11 milliards MAD', ``readable(16e9, "W", "power")`` '16 GW'
    (spaces there are no-break spaces)."""
    magnitude = abs(value)
    if dimension in SI_DIMENSIONS and symbol:
        for size, prefix in SI_PREFIXES:
            if magnitude >= size:
                return f"{_short(value / size)}{NBSP}{prefix}{symbol}"
        return f"{_short(value)}{NBSP}{symbol}"
    number = exact(value)
    for size, word in WORDS:
        if magnitude >= size:
            scaled = value / size
            number = f"{_short(scaled)}{NBSP}{word}{'s' if abs(scaled) >= 2 else ''}"
            break
    return f"{number}{NBSP}{symbol}" if symbol else number


def readable_range(low: float, high: float, symbol: str = "", dimension: str | None = None) -> str:
    """Two amounts of one unit as a range, each written in full: '40 000 to 240 000' with an en dash."""
    if low == high:
        return readable(low, symbol, dimension)
    return f"{readable(low, symbol, dimension)}{RANGE}{readable(high, symbol, dimension)}"
