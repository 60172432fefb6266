"""Plain-text helpers every command's messages and tables share.

* ``closest`` / ``did_you_mean``: the suggestion after an unknown name ("due-bye" → "due-by");
* ``column_widths``, ``aligned`` and ``rule``: a table of aligned columns for a terminal;
* ``shorten``: a long value cut to a width, with "…" saying so;
* ``first_line``: the line of an exception's message worth showing to a user.

Nothing here imports more than the standard library: the query path loads it on every call.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

# How alike a word and a candidate must be (difflib's ratio) to be suggested: low enough to catch a
# transposed or missing letter in a short name, high enough not to suggest an unrelated one.
SIMILARITY_CUTOFF = 0.5
COLUMN_GAP = "  "


def closest(word: str, candidates: Iterable[str], n: int = 1, cutoff: float = SIMILARITY_CUTOFF) -> list[str]:
    """Up to ``n`` candidates most like ``word``, best first (none when nothing is close)."""
    return difflib.get_close_matches(word, list(candidates), n=n, cutoff=cutoff)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest candidate, or "" when none is close."""
    close = closest(word, candidates)
    return f" (did you mean {close[0]!r}?)" if close else ""


def column_widths(rows: Iterable[Sequence[str]]) -> list[int]:
    """The width of each column: its longest cell (rows have the same number of cells)."""
    widths: list[int] = []
    for row in rows:
        if not widths:
            widths = [0] * len(row)
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    return widths


def aligned(cells: Sequence[str], widths: Sequence[int], right: Sequence[bool] | None = None) -> str:
    """One line of a text table: each cell padded to its column's width (``right``: flush right).

    Trailing blanks are dropped, so a line ending in empty cells does not end in spaces.
    """
    flush_right = right or [False] * len(cells)
    parts = [
        cell.rjust(width) if r else cell.ljust(width)
        for cell, width, r in zip(cells, widths, flush_right, strict=True)
    ]
    return COLUMN_GAP.join(parts).rstrip()


def rule(widths: Sequence[int]) -> str:
    """The dashes under a table's header, one run per column."""
    return COLUMN_GAP.join("-" * w for w in widths)


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the last one "…", when it is longer."""
    return text if len(text) <= width else text[: width - 1] + "…"


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (DuckDB appends context lines), or its type's name."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
