"""Query results as text: an aligned table, CSV, JSON, JSON Lines or Markdown (Parquet is in write_parquet).

Every writer streams: it takes the rows batch by batch from a ``named.Result`` and writes them to
a file object, so a result of millions of rows never sits in memory as a whole (the aligned table
measures its columns on the first rows only, see ``write_table``).

Values keep their DuckDB types in JSON (numbers stay numbers, dates become ISO strings); in the text
formats a whole-number DOUBLE is written without ``.0`` (240000, not 240000.0), as in the package's
CSV files, and a missing value is an empty cell. The JSON is standard JSON, whatever the query:

* NaN and ±Infinity, which JSON cannot hold, become ``null`` (a DOUBLE column may hold them; the
  text formats write ``nan`` and ``inf``);
* BLOB (and any bytes) is written as lowercase hexadecimal, ``'a'::BLOB`` → ``"61"``, in every
  format (DuckDB's ``unhex()`` reads it back);
* DECIMAL is a JSON number (a double), HUGEINT an exact JSON integer, UUID, INTERVAL and BIGNUM a
  string, a STRUCT or MAP an object, a LIST an array;
* a TIMESTAMP WITH TIME ZONE is the UTC time, ``2025-07-01T08:00:00+00:00``.

Two result columns with one name are kept: the second is renamed ``name_2`` (see
``named.unique_names``), so JSON stays an array of objects with every column in it.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import math
from collections.abc import Callable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any, TextIO

from commitment_tracker.query.named import QueryError, Result
from commitment_tracker.text import aligned, column_widths, first_line, rule, shorten

NUMERIC_PREFIXES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UBIGINT", "DOUBLE", "FLOAT")
NUMERIC_PREFIXES += ("DECIMAL", "REAL", "UINTEGER", "USMALLINT", "UTINYINT", "UHUGEINT")
DEFAULT_TABLE_WIDTH = 60
# The aligned table sizes its columns on this many rows; later rows keep those widths.
TABLE_MEASURED_ROWS = 1000


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(v) for v in value)
    if isinstance(value, dict):  # a STRUCT or MAP: as JSON, readable and unambiguous
        return json.dumps(json_value(value), ensure_ascii=False, allow_nan=False)
    return str(value)


def json_value(value: Any) -> Any:
    """A value JSON can hold, as the module docstring describes (never NaN or Infinity)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return str(value)  # UUID, timedelta (inside a nested value), and whatever else comes


def records(result: Result) -> Iterator[dict[str, Any]]:
    for row in result.rows():
        yield {c: json_value(v) for c, v in zip(result.columns, row, strict=True)}


def _dumps(value: Any, **options: Any) -> str:
    # allow_nan=False: should a non-finite number ever slip past json_value, fail rather than write NaN.
    return json.dumps(value, ensure_ascii=False, allow_nan=False, **options)


# Column types whose Python values csv.writer already writes as cell_text would (None as empty):
# converting them cell by cell costs more than the query itself on large results.
VERBATIM_TYPES = ("VARCHAR", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT")


def write_csv(result: Result, out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    convert = [i for i, t in enumerate(result.types) if t not in VERBATIM_TYPES]
    count = 0
    for batch in result.batches:
        if convert:
            batch = [_converted(row, convert) for row in batch]
        writer.writerows(batch)
        count += len(batch)
    return count


def _converted(row: tuple[Any, ...], columns: list[int]) -> list[Any]:
    cells = list(row)
    for i in columns:
        cells[i] = cell_text(cells[i])
    return cells


def write_json(result: Result, out: TextIO) -> int:
    """An array of objects, laid out as ``json.dumps(rows, indent=2)`` would, one row at a time."""
    count = 0
    for record in records(result):
        body = _dumps(record, indent=2).replace("\n", "\n  ")
        out.write(("[\n  " if count == 0 else ",\n  ") + body)
        count += 1
    out.write("\n]\n" if count else "[]\n")
    return count


def write_jsonl(result: Result, out: TextIO) -> int:
    count = 0
    for record in records(result):
        out.write(_dumps(record) + "\n")
        count += 1
    return count


def write_markdown(result: Result, out: TextIO) -> int:
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")

    numeric = [_is_numeric(t) for t in result.types]
    out.write("| " + " | ".join(escape(c) for c in result.columns) + " |\n")
    out.write("|" + "|".join("---:" if n else "---" for n in numeric) + "|\n")
    count = 0
    for row in result.rows():
        out.write("| " + " | ".join(escape(cell_text(v)) for v in row) + " |\n")
        count += 1
    return count


def write_table(result: Result, out: TextIO, max_width: int = DEFAULT_TABLE_WIDTH) -> int:
    """Aligned columns for a terminal; cells longer than ``max_width`` are cut with '…' (0: never).

    The widths come from the first TABLE_MEASURED_ROWS rows (all of them in the usual case), so a
    long result is written as it is read; a longer cell further down pushes its line to the right.
    """

    def fit(value: Any) -> str:
        text = " ".join(cell_text(value).split())  # one line per row
        return shorten(text, max_width) if max_width else text

    rows = ([fit(v) for v in row] for row in result.rows())
    first = list(islice(rows, TABLE_MEASURED_ROWS))
    widths = column_widths([result.columns, *first])
    numeric = [_is_numeric(t) for t in result.types]
    out.write(aligned(result.columns, widths, numeric) + "\n")
    out.write(rule(widths) + "\n")
    count = 0
    for row in chain(first, rows):
        out.write(aligned(row, widths, numeric) + "\n")
        count += 1
    out.write(f"({count} row{'s' if count != 1 else ''})\n")
    return count


WRITERS: dict[str, Callable[[Result, TextIO], int]] = {
    "csv": write_csv,
    "json": write_json,
    "jsonl": write_jsonl,
    "markdown": write_markdown,
}


def write(result: Result, fmt: str, out: TextIO, max_width: int = DEFAULT_TABLE_WIDTH) -> int:
    """Write ``result`` to ``out`` as "table" or one of WRITERS; the number of rows written."""
    if fmt == "table":
        return write_table(result, out, max_width)
    return WRITERS[fmt](result, out)


def write_parquet(schema: Any, batches: Iterator[Any], path: Path) -> int:
    """Write Arrow record batches as Parquet (zstd), as the build does for resources; rows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    count = 0
    try:
        with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
            for batch in batches:
                writer.write_batch(batch)
                count += batch.num_rows
    except pa.ArrowException as exc:  # a type Parquet cannot hold, e.g. a STRUCT without fields
        raise QueryError(
            f"the result cannot be written as Parquet: {first_line(exc)}; convert that column in the SQL "
            "(e.g. col::VARCHAR) or choose another --format"
        ) from None
    return count


def _is_numeric(type_name: str) -> bool:
    return type_name.upper().startswith(NUMERIC_PREFIXES)
