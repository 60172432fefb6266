"""Quotes located in their archived seed: a few sentences of context, and the seed cut at every quote.

Everything here is plain text and offsets; the templates (``_passage.html``) turn it into markup,
escaping every piece.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

# A sentence starts after closing punctuation (and any closing quote or bracket) plus spacing, or
# after a line break: seeds are captured pages where headings and menu items sit on their own line.
_SENTENCE_START = re.compile("(?:[.!?\u2026][\"'\u00bb\u201d\u2019)\\]]*[ \t\u00a0]+|\r?\n\\s*)")


@dataclass(frozen=True)
class Span:
    """A passage of a seed: ``text[start:end]``, identified by ``key`` (a claim id)."""

    key: str
    start: int
    end: int


@dataclass(frozen=True)
class Context:
    """A quote with the text around it, as plain (unescaped) strings."""

    before: str
    quote: str
    after: str
    cut_before: bool
    cut_after: bool


@dataclass(frozen=True)
class Segment:
    """A piece of a seed between two span boundaries: the spans that begin at it (each with its
    number), and the spans that cover it (none: plain text; several: overlapping quotes)."""

    text: str
    starts: tuple[tuple[Span, int], ...]
    covering: tuple[Span, ...]


def sentence_starts(text: str) -> list[int]:
    """Offsets where a sentence (or a line) begins, always including 0 and ``len(text)``."""
    starts = {0, len(text)}
    starts.update(m.end() for m in _SENTENCE_START.finditer(text))
    return sorted(starts)


def _cut_left(text: str, start: int, limit: int) -> int:
    """The first word boundary at or after ``start - limit`` (so no word is cut in half)."""
    lo = max(0, start - limit)
    if lo == 0:
        return 0
    space = text.find(" ", lo, start)
    return start if space == -1 else space + 1


def _cut_right(text: str, end: int, limit: int) -> int:
    hi = min(len(text), end + limit)
    if hi == len(text):
        return hi
    space = text.rfind(" ", end, hi)
    return end if space == -1 else space


def context(text: str, start: int, end: int, sentences: int = 1, limit: int = 320) -> Context:
    """The quote ``text[start:end]`` with the rest of its sentence and ``sentences`` more each side.

    Each side is capped at ``limit`` characters, cut at a space; ``cut_before``/``cut_after`` say
    whether the window stops short of a sentence boundary or of the text's ends, for an ellipsis.
    """
    if not 0 <= start < end <= len(text):
        raise ValueError(f"span {start}:{end} is outside a text of {len(text)} characters")
    starts = sentence_starts(text)
    # The sentence holding the quote's first character, then `sentences` more before it.
    before_index = max(i for i, s in enumerate(starts) if s <= start)
    left = starts[max(0, before_index - sentences)]
    # The first sentence start at or after the quote's end, then `sentences` more after it.
    after_index = min(i for i, s in enumerate(starts) if s >= end)
    right = starts[min(len(starts) - 1, after_index + sentences)]
    cut_before = start - left > limit
    if cut_before:
        left = _cut_left(text, start, limit)
    cut_after = right - end > limit
    if cut_after:
        right = _cut_right(text, end, limit)
    before = text[left:start].lstrip()
    after = text[end:right].rstrip()
    return Context(
        before=before,
        quote=text[start:end],
        after=after,
        cut_before=cut_before,
        cut_after=cut_after,
    )


def segments(text: str, spans: Sequence[Span]) -> list[Segment]:
    """The whole ``text`` cut at every span boundary; overlapping spans are allowed.

    Spans are numbered from 1 in order of start offset (ties: the longer first); a segment's
    ``starts`` are the spans beginning where it begins, its ``covering`` the spans it lies within.
    """
    ordered = sorted(spans, key=lambda s: (s.start, -s.end, s.key))
    for span in ordered:
        if not 0 <= span.start < span.end <= len(text):
            raise ValueError(f"span {span.key} {span.start}:{span.end} is outside the text")
    numbers = {span.key: n for n, span in enumerate(ordered, start=1)}
    cuts = sorted({0, len(text), *(s.start for s in ordered), *(s.end for s in ordered)})
    return [
        Segment(
            text=text[lo:hi],
            starts=tuple((s, numbers[s.key]) for s in ordered if s.start == lo),
            covering=tuple(s for s in ordered if s.start <= lo and hi <= s.end),
        )
        for lo, hi in itertools.pairwise(cuts)
    ]


def coverage(text_length: int, spans: Sequence[Span]) -> int:
    """How many characters of the text at least one span covers."""
    covered = 0
    last = 0
    for span in sorted(spans, key=lambda s: s.start):
        lo = max(span.start, last)
        if span.end > lo:
            covered += span.end - lo
            last = span.end
    return covered
