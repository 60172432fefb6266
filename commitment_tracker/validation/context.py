"""What every validation layer is handed: the root, the parsed descriptor, "today", loaded tables."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from commitment_tracker.datapackage import csvio
from commitment_tracker.datapackage.schema import Package
from commitment_tracker.errors import TrackerError
from commitment_tracker.validation.csvbytes import Layout

TODAY_ENV = "COMMITMENTS_TODAY"


class TableUnavailable(TrackerError):
    """A layer asked for a table that cannot be read; the message says why."""


def today_from_env() -> dt.date:
    """The date rules compare against: $COMMITMENTS_TODAY (YYYY-MM-DD) when set, else the clock.

    The one place "today" comes from, so date rules are repeatable in tests and CI.
    """
    value = os.environ.get(TODAY_ENV, "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"${TODAY_ENV} must be a date like 2025-07-01, not {value!r}") from None


@dataclass
class ValidationContext:
    root: Path
    package: Package
    today: dt.date
    # Where the content layer writes Great Expectations Data Docs (HTML); None writes nothing.
    data_docs: Path | None = None
    # True: Frictionless judges every row itself (slow) instead of the DuckDB row checks.
    frictionless_rows: bool = False
    # A Great Expectations session started before the layers ran (gx_session.RemoteSession, GX
    # importing in a worker meanwhile); None: the content layer starts one in this process.
    gx: Any = None
    # Figure verdicts read ahead in a worker from the text frames as they are kept
    # (figure_prefetch.Prefetch, asked by the rules' FigureJudge); None: none read ahead.
    figures: Any = None
    # resource name -> why it cannot be read; filled by the structure layer's file checks.
    unreadable: dict[str, str] = field(default_factory=dict)
    # resource name -> what its bytes say (record widths, header, size); filled by the file checks.
    layouts: dict[str, Layout] = field(default_factory=dict)
    _text: dict[str, pl.DataFrame] = field(default_factory=dict, repr=False)
    _typed: dict[str, pl.DataFrame] = field(default_factory=dict, repr=False)

    def text_table(self, name: str) -> pl.DataFrame:
        """All-text frame of a resource (loaded once per run); TableUnavailable if unreadable."""
        if name in self.unreadable:
            raise TableUnavailable(f"{name} is unreadable: {self.unreadable[name]}")
        if name not in self._text:
            try:
                self.keep_text(name, csvio.read_table(self.root, self.package.resource(name)))
            except (csvio.TableReadError, ValueError) as exc:
                self.unreadable[name] = str(exc)
                raise TableUnavailable(f"{name} is unreadable: {exc}") from None
        return self._text[name]

    def keep_text(self, name: str, frame: pl.DataFrame) -> None:
        """Keep a resource's all-text frame, read by the caller with its header checked.

        Kept as one chunk per column: the CSV reader returns a chunk per block it parsed, and the
        first export to Arrow (DuckDB's row checks and rules) or to pandas (GX) would join them
        into one, copying the text, while the typed frame cast from it kept the old chunks: two
        copies of every string column for the rest of the run. Joined here, once, the typed frame
        shares the text frame's buffers and every export reads them in place.
        """
        self._text[name] = frame.rechunk()
        if self.figures is not None:
            self.figures.offer(name, self._text[name])

    def typed_table(self, name: str) -> pl.DataFrame:
        """Typed frame (cast once per run); values that do not parse become null (the structure
        layer reports them)."""
        if name not in self._typed:
            self._typed[name] = csvio.cast_to_schema(
                self.text_table(name), self.package.resource(name), strict=False
            )
        return self._typed[name]
