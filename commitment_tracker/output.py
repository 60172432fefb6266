"""Query results as text: an aligned table, CSV, JSON, JSON Lines or Markdown (Parquet is in write_parquet).

Values keep their DuckDB types in JSON (numbers stay numbers, dates become ISO strings); in the text
formats a whole-number DOUBLE is written without ``.0`` (240000, not 240000.0), as in the package's
CSV files, and a missing value is an empty cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from pathlib import Path
from typing import Any

from commitment_tracker.queries import Result

TEXT_FORMATS = ("table", "csv", "json", "jsonl", "markdown")
FORMATS = (*TEXT_FORMATS, "parquet")
NUMERIC_PREFIXES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UBIGINT", "DOUBLE", "FLOAT")
NUMERIC_PREFIXES += ("DECIMAL", "REAL", "UINTEGER", "USMALLINT", "UTINYINT")
DEFAULT_TABLE_WIDTH = 60


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(v) for v in value)
    return str(value)


def json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return value


def records(result: Result) -> list[dict[str, Any]]:
    return [{c: json_value(v) for c, v in zip(result.columns, row, strict=True)} for row in result.rows]


# Column types whose Python values csv.writer already writes as cell_text would (None as empty):
# converting them cell by cell costs more than the query itself on large results.
VERBATIM_TYPES = ("VARCHAR", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT")


def to_csv(result: Result) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(result.columns)
    convert = [i for i, t in enumerate(result.types) if t not in VERBATIM_TYPES]
    if not convert:
        writer.writerows(result.rows)
    else:
        for row in result.rows:
            cells = list(row)
            for i in convert:
                cells[i] = cell_text(cells[i])
            writer.writerow(cells)
    return buf.getvalue()


def to_json(result: Result) -> str:
    return json.dumps(records(result), ensure_ascii=False, indent=2) + "\n"


def to_jsonl(result: Result) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(result))


def to_markdown(result: Result) -> str:
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")

    numeric = [_is_numeric(t) for t in result.types]
    lines = [
        "| " + " | ".join(escape(c) for c in result.columns) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
    ]
    lines += ["| " + " | ".join(escape(cell_text(v)) for v in row) + " |" for row in result.rows]
    return "\n".join(lines) + "\n"


def to_table(result: Result, max_width: int = DEFAULT_TABLE_WIDTH) -> str:
    """Aligned columns for a terminal; cells longer than ``max_width`` are cut with '…' (0: never)."""

    def fit(value: Any) -> str:
        text = " ".join(cell_text(value).split())  # one line per row
        if max_width and len(text) > max_width:
            return text[: max_width - 1] + "…"
        return text

    cells = [[fit(v) for v in row] for row in result.rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(result.columns)]
    numeric = [_is_numeric(t) for t in result.types]

    def line(values: list[str]) -> str:
        parts = [v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    out = [line(result.columns), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    count = len(result.rows)
    out.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(out) + "\n"


def render(result: Result, fmt: str, max_width: int = DEFAULT_TABLE_WIDTH) -> str:
    if fmt == "table":
        return to_table(result, max_width)
    return {"csv": to_csv, "json": to_json, "jsonl": to_jsonl, "markdown": to_markdown}[fmt](result)


def write_parquet(table: Any, path: Path) -> None:
    """Write a pyarrow Table as Parquet (zstd), as the build does for resources."""
    import pyarrow.parquet as pq

    pq.write_table(table, str(path), compression="zstd")


def _is_numeric(type_name: str) -> bool:
    return type_name.upper().startswith(NUMERIC_PREFIXES)
