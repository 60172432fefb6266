"""The comment header atop a SQL file, read alike for named queries and for rules of meaning.

A header is the run of lines starting with ``--`` before the SQL::

    -- title: Every commitment has at least one claim
    -- why: A commitment that no claim quotes is not traced to any source text; add the claim
    --   that states it, or remove the commitment.

A key line is ``--``, at most one blank, ``key: value``; a line with two blanks or more after
``--`` continues the value above it (joined with one space); an empty ``--`` line is skipped. Each
kind of file names its keys and decides what a key may repeat; a header line that is none of
these is returned in ``stray`` for the caller to refuse with its own error.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

_COMMENT = re.compile(r"^--(?P<indent>\s*)(?P<text>.*)$")
_KEY = re.compile(r"^(?P<key>[a-z_]+):\s*(?P<value>.*)$")


@dataclass(frozen=True)
class Header:
    entries: list[tuple[str, str]]  # (key, value) in file order, continuations joined
    stray: list[tuple[int, str]]  # (line number, line) of header lines that are neither
    sql: str  # what follows the header, stripped

    def values(self, key: str) -> list[str]:
        return [value for k, value in self.entries if k == key]


def parse(text: str, keys: Collection[str]) -> Header:
    """Split ``text`` into its header entries for ``keys`` and the SQL after them."""
    entries: list[tuple[str, str]] = []
    stray: list[tuple[int, str]] = []
    lines = text.splitlines()
    body_start = len(lines)
    for index, line in enumerate(lines):
        stripped = line.rstrip()
        match = _COMMENT.match(stripped)
        if not match:
            body_start = index
            break
        content = match["text"].strip()
        if not content:
            continue
        indented = len(match["indent"]) > 1
        key = None if indented else _KEY.match(content)
        if key and key["key"] in keys:
            entries.append((key["key"], key["value"].strip()))
        elif indented and entries:
            last, value = entries[-1]
            entries[-1] = (last, f"{value} {content}".strip())
        else:
            stray.append((index + 1, stripped))
    return Header(entries, stray, "\n".join(lines[body_start:]).strip())
