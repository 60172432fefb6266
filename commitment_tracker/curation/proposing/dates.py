"""Dates a text states, with their ISO value: ``le 15 septembre 2026``, ``mardi 1er juillet 2025``,
``les 1er et 2 juillet 2025`` (two days), ``July 1, 2025``, ``1 July 2025``, ``2025-07-01``,
``01/07/2025`` (day first, as French and British texts write it).

Only dates with a year: ``ce mardi`` or ``le 15 septembre`` name a day the reader must work out,
and a curator, not a guess, settles it. Month names come from the figure grammar
(``figures.MONTH_NUMBERS``), which reads the same dates in order not to take them for figures.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from commitment_tracker.figures import MONTH_NUMBERS, YEAR_RANGE, views

_WEEKDAYS = (
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_MONTH = "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True))
_DAY = r"(?:\d{1,2})(?:er|eme|e|st|nd|rd|th)?|premier"
# On the folded text (lower case, no accents, one character per character of the original).
_DAY_MONTH_YEAR = re.compile(
    rf"(?<![\w-])(?:(?:{_WEEKDAYS})\s+)?(?P<day>{_DAY})(?:\s*(?:et|and|au|to|-)\s*(?P<day2>{_DAY}))?"
    rf"\s+(?:de\s+)?(?P<month>{_MONTH})\.?,?\s+(?P<year>\d{{4}})(?!\d)"
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?<![\w-])(?:(?:{_WEEKDAYS}),?\s+)?(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:\s*(?:-|and|to)\s*(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?)?,?\s+(?P<year>\d{{4}})(?!\d)"
)
_ISO = re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\d-])")
_NUMERIC = re.compile(
    r"(?<![\d/.-])(?P<day>\d{1,2})\s?(?P<sep>[/.-])\s?(?P<month>\d{1,2})\s?(?P=sep)\s?(?P<year>\d{4})(?!\d)"
)


@dataclass(frozen=True)
class StatedDate:
    """``text[start:end]`` states ``day`` (a range states its first day and ``last``)."""

    start: int
    end: int
    day: dt.date
    last: dt.date | None = None


def find_dates(text: str) -> list[StatedDate]:
    """Every date with a year that ``text`` states, in order of position (overlaps dropped)."""
    _, fold = views(text)
    found: list[StatedDate] = []
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _ISO, _NUMERIC):
        for m in pattern.finditer(fold):
            date = _date(m)
            if date is not None and not any(m.start() < d.end and d.start < m.end() for d in found):
                found.append(date)
    return sorted(found, key=lambda d: d.start)


def _date(m: re.Match[str]) -> StatedDate | None:
    year = int(m.group("year"))
    month_text = m.group("month")
    month = int(month_text) if month_text.isdigit() else MONTH_NUMBERS[month_text]
    days = [_day_number(m.group("day"))]
    if m.groupdict().get("day2"):
        days.append(_day_number(m.group("day2")))
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        return None
    try:
        dates = [dt.date(year, month, d) for d in days]
    except ValueError:
        return None  # 31/02/2025, 2025-13-01: not a calendar day
    last = dates[-1] if len(dates) > 1 and dates[-1] > dates[0] else None
    return StatedDate(m.start(), m.end(), dates[0], last)


def _day_number(text: str) -> int:
    return 1 if text == "premier" else int(re.match(r"\d+", text).group())
