# ruff: noqa: RUF001  (typographic apostrophes and dashes are matched as written)
"""Where the article is in a captured page, its sentences, and the span a proposal quotes.

A capture holds more than the article (look at seeds/): site menus and lists of unrelated
headlines before it (one per line, or run together on one line with wide gaps), the page's
scripts after it, share counters. ``segments`` cuts the text into lines (and a line into the
pieces a wide gap separates) and says which are prose: a piece of the article's running text ends
like a sentence or is long. Headlines, menus and subheadings do neither; scripts read like code.
Proposals come from prose only, so an unrelated story's figures are never proposed.

A proposal quotes the sentence stating it (never the paragraph); a sentence longer than
``MAX_QUOTE`` is narrowed to the clauses around what it states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROSE, HEADING, SCRIPT = "prose", "heading", "script"
# A piece of running text this long is prose even without a final full stop (a capture cut off).
PROSE_MIN_WORDS = 40
# Quotes of curated claims are 30 to 250 characters: a clause or a sentence.
MAX_QUOTE = 250
MIN_CLAUSE = 40

# Three or more blanks (spaces, no-break spaces) separate headlines run together on one line.
_GAP = re.compile(r"[ \u00a0\u202f\t]{3,}")
# A sentence's end, perhaps inside a closing quote or bracket ("… affirme-t-il.»"); a headline
# ending in a quotation without a full stop ("… « jusqu'au 1er février »") is no sentence.
_ENDS_LIKE_SENTENCE = re.compile(r"[.!?…][»\"”)\s]*$")
# Code in a page: a declaration, a function, a method call on the page, an arrow, a statement end.
_CODE = re.compile(
    r"\bvar\s+\w+\s*=|\bfunction\s*\(|=>|\bdocument\.|\bwindow\.|\bconst\s+\w+\s*=|[;{}]\s*$|\)\s*;"
    r"|\}\s*\)|\bsetTimeout\(|</?script"
)
_CODE_CHARS = re.compile(r"[{}();=<>$\[\]]")
# A sentence ends at . ! ? … (and a closing quote) before a blank and a capital, a digit or an
# opening quote; not after an abbreviated title or an initial (M. Berrada, Mme., Dr.).
_SENTENCE_END = re.compile(r"(?<=[.!?…])(?P<close>\s?[»\"”])?\s+(?=[«\"“A-ZÀ-ÖØ-Ý0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:M|Mme|Mmes|MM|Mlle|Dr|Pr|St|Ste|Me|Mr|Mrs|Ms|Prof|etc|cf|n°)|\b[A-Z])\.$"
)
_CLAUSE_END = re.compile(r"[,;:]\s+|\s[–—-]\s")


@dataclass(frozen=True)
class Segment:
    """``text[start:end]`` is a line of the capture, or a piece of one; ``kind`` is what it holds."""

    start: int
    end: int
    kind: str


def segments(text: str) -> list[Segment]:
    """The lines of ``text`` (pieces between wide gaps), without their surrounding blanks, in order."""
    found = []
    for line in re.finditer(r"[^\n]+", text):
        pieces = _GAP.split(line.group())
        at = line.start()
        for piece in pieces:
            begin = text.index(piece, at) if piece else at
            at = begin + len(piece)
            stripped = piece.strip()
            if not stripped:
                continue
            start = begin + (len(piece) - len(piece.lstrip()))
            found.append(Segment(start, start + len(stripped), _kind(stripped, len(pieces) > 1)))
    return found


def _kind(piece: str, in_a_run: bool) -> str:
    codes = len(_CODE.findall(piece))
    if codes >= 2 or (codes and len(_CODE_CHARS.findall(piece)) > len(piece) * 0.03):
        return SCRIPT
    words = len(piece.split())
    # Headlines run together on one line each look like a short sentence: none is prose.
    if in_a_run:
        return HEADING
    if words >= PROSE_MIN_WORDS or (words >= 6 and _ENDS_LIKE_SENTENCE.search(piece)):
        return PROSE
    return HEADING


def prose(text: str) -> list[Segment]:
    return [s for s in segments(text) if s.kind == PROSE]


def sentences(text: str, segment: Segment) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a prose segment, blanks trimmed."""
    spans, start = [], segment.start
    piece = text[segment.start : segment.end]
    for match in _SENTENCE_END.finditer(piece):
        cut = segment.start + match.end("close") if match.group("close") else segment.start + match.start()
        if _ABBREVIATION.search(text[max(start, cut - 6) : segment.start + match.start()]):
            continue
        spans.append((start, cut))
        start = segment.start + match.end()
    spans.append((start, segment.end))
    return [(a, b) for a, b in spans if b > a]


def quote_span(text: str, sentence: tuple[int, int], inner: tuple[int, int]) -> tuple[int, int]:
    """The span to quote for what ``text[inner[0]:inner[1]]`` states, inside ``sentence``.

    The whole sentence when it is at most MAX_QUOTE characters; otherwise the clause holding it,
    widened by neighbouring clauses (left first: the subject usually comes before the figure) up
    to MIN_CLAUSE characters, never beyond MAX_QUOTE unless the statement itself is longer.
    """
    start, end = sentence
    if end - start <= MAX_QUOTE:
        return start, end
    cuts = [start]
    for match in _CLAUSE_END.finditer(text, start, end):
        if not (inner[0] < match.end() and match.start() < inner[1]):
            cuts.append(match.end())
    cuts.append(end)
    clauses = [(cuts[i], _rstrip_clause(text, cuts[i], cuts[i + 1])) for i in range(len(cuts) - 1)]
    clauses = [(a, b) for a, b in clauses if b > a]
    first = last = max(i for i, (a, _) in enumerate(clauses) if a <= inner[0])
    while clauses[last][1] < inner[1] and last + 1 < len(clauses):
        last += 1
    while clauses[last][1] - clauses[first][0] < MIN_CLAUSE:
        if first > 0 and clauses[last][1] - clauses[first - 1][0] <= MAX_QUOTE:
            first -= 1
        elif last + 1 < len(clauses) and clauses[last + 1][1] - clauses[first][0] <= MAX_QUOTE:
            last += 1
        else:
            break
    return clauses[first][0], clauses[last][1]


def _rstrip_clause(text: str, start: int, end: int) -> int:
    """The end of a clause without the separator and blanks that close it."""
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:–—-"):
        end -= 1
    return end
