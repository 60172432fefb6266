"""Polars frames handed to DuckDB as Arrow without copying their text.

A frame read from CSV is held in chunks (one per block the reader parsed in parallel: 63 for
claims at 10^6). ``DataFrame.to_arrow`` first joins every column into one chunk, which copies
the text of every string column: about 235 MiB for claims' quotes at 10^6 claims, 10 times that
at 10^7. Exported slice by slice, along the frame's own chunks, each slice is a view of a chunk
and its Arrow record batch points at the same buffers (Arrow string views, as polars keeps text).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa


def numbered_arrow(
    frame: pl.DataFrame, row_column: str, first_row: int, row_type: pl.DataType | None = None
) -> pa.Table:
    """``frame`` with a ``row_column`` numbering its rows from ``first_row`` (polars' row index
    type unless ``row_type``), as an Arrow table whose record batches follow the frame's chunks."""
    import polars as pl
    import pyarrow as pa

    newest = pl.CompatLevel.newest()

    def numbered(part: pl.DataFrame, first: int) -> pl.DataFrame:
        part = part.with_row_index(row_column, offset=first)
        return part if row_type is None else part.with_columns(pl.col(row_column).cast(row_type))

    lengths = frame.get_column(frame.columns[0]).chunk_lengths() if frame.width else []
    batches, offset = [], 0
    for length in lengths:
        # Columns chunked differently (a column cast or built apart) are sliced as views too.
        part = numbered(frame.slice(offset, length), first_row + offset)
        batches.extend(part.to_arrow(compat_level=newest).to_batches())
        offset += length
    if not batches or offset != frame.height:  # an empty frame: its schema is all there is
        return numbered(frame, first_row).to_arrow(compat_level=newest)
    return pa.Table.from_batches(batches)
