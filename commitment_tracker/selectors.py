"""Where a quote sits in its seed, as the W3C Web Annotation selectors describe it.

Every claim and alias is located twice over: by its offsets (``quote_start``/``quote_end``, a
``TextPositionSelector``: Python string indexes, i.e. Unicode code points, of the seed read as UTF-8
with newline="") and by its text with a little context around it (a ``TextQuoteSelector``: the
``exact`` quote, the ``prefix`` just before it and the ``suffix`` just after, ``CONTEXT`` characters
each). Offsets break when a copy of the text differs by one character; the quote selector lets an
annotation tool re-anchor the passage anyway, provided prefix + exact + suffix occurs only once.

Both are derived here, never stored: the seed and the offsets are the single source.
See https://www.w3.org/TR/annotation-model/#text-quote-selector.
"""

from __future__ import annotations

CONTEXT = 32  # characters of prefix and suffix (the size annotation tools commonly use)


def position_selector(start: int, end: int) -> dict[str, object]:
    return {"type": "TextPositionSelector", "start": start, "end": end}


def quote_selector(text: str, start: int, end: int, context: int = CONTEXT) -> dict[str, str]:
    """The TextQuoteSelector of ``text[start:end]``: exact, with up to ``context`` characters around."""
    return {
        "type": "TextQuoteSelector",
        "exact": text[start:end],
        "prefix": text[max(0, start - context) : start],
        "suffix": text[end : end + context],
    }


def occurrences(text: str, passage: str) -> list[int]:
    """Every offset where ``passage`` starts in ``text``, overlapping ones included."""
    found, at = [], text.find(passage)
    while at != -1 and passage:
        found.append(at)
        at = text.find(passage, at + 1)
    return found


def indistinct_from(text: str, start: int, end: int, context: int = CONTEXT) -> list[int]:
    """Other places of ``text[start:end]`` that its quote selector cannot tell from this one.

    Empty when the quote occurs once, or when its prefix and suffix differ at every other place.
    A place is indistinct when the same prefix + exact + suffix is found there: a tool anchoring
    the TextQuoteSelector could pick either.
    """
    exact = text[start:end]
    if len(occurrences(text, exact)) < 2:
        return []
    selector = quote_selector(text, start, end, context)
    whole = selector["prefix"] + exact + selector["suffix"]
    shift = len(selector["prefix"])
    return [at + shift for at in occurrences(text, whole) if at + shift != start]
