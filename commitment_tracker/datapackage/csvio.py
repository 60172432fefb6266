"""How tables are read, typed and written, in one place.

The dialect (delimiter, quote character, line ends) and the missing values are each resource's
own, read from datapackage.json (``Resource.dialect``, ``Resource.missing_values``); DuckDB's
reader (database.py) takes them from there too. Canonical form (the data contract of issue 3):
UTF-8 without BOM, the declared dialect (comma, one header row, ``\\n`` line ends in this package),
quotes only where needed (a field holding a comma, a quote or a line break), the first of the
missing values (an empty field) for a missing value, columns in schema order, rows sorted by
primary key. Sorting compares the raw text of the key columns by code point, which is the natural
order for slugs and ISO dates.

Canonical values: a cell of an ``integer``, ``number`` or ``date`` field is written one way only
(``CANONICAL_FORMS``): digits with an optional leading ``-`` and, for numbers, a fraction without
trailing zeros; dates as ISO 8601 ``YYYY-MM-DD``. Python's readers (and so Frictionless's) also take
``NaN``, ``INF``, ``1_03``, `` 103``, ``+103`` or ``1e400``, and ``strptime`` takes ``2025-7-3``:
none of those is a figure or a date a reader of the CSV can rely on. Both row engines of the
structure layer (rowchecks.py in DuckDB, Frictionless with ``structure.canonical_readers``) report
any other spelling as a ``type-error``; typed frames turn it into a missing value. The bounds keep
every value exact: at most 18 digits for an integer (DuckDB's BIGINT), 15 before and 15 after the
point for a number (a double holds 15 significant digits), years 0001-9999 (Python's dates); the
sane range of each date field is a ``minimum``/``maximum`` constraint in datapackage.json.

Reading is all-text first (``infer_schema=False``) so values stay byte-exact; typed frames are cast
from that text with the dtypes schema.py derives from the Table Schema.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from commitment_tracker.curation import atomic
from commitment_tracker.datapackage import containment
from commitment_tracker.datapackage import schema as schema_mod
from commitment_tracker.datapackage.schema import DATE_FORMAT, Dialect, Package, Resource
from commitment_tracker.errors import TrackerError

ENCODING = "utf-8"
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")

# Written so that Python's re, RE2 (DuckDB) and Rust's regex (polars) read them alike; full matches.
INTEGER_FORM = r"0|-?[1-9][0-9]{0,17}"
NUMBER_FORM = r"0|-?[1-9][0-9]{0,14}(\.[0-9]{0,14}[1-9])?|-?0\.[0-9]{0,14}[1-9]"
DATE_FORM = r"(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
CANONICAL_FORMS = {"integer": INTEGER_FORM, "number": NUMBER_FORM, "date": DATE_FORM}
_FORM_HINTS = {
    "integer": "a whole number written plainly, e.g. 2030 or -5 (no '+', '_', spaces, exponent or "
    "leading zeros; at most 18 digits)",
    "number": "a finite decimal written plainly, e.g. 1500000 or 0.25 (no NaN or INF, no '+', '_', "
    "spaces, exponent, leading zeros or trailing zeros after the point; at most 15 digits before "
    "and 15 after it)",
    "date": "a date written YYYY-MM-DD, e.g. 2025-07-03 (zero-padded month and day, a real calendar date)",
}


def canonical_form(field_type: str, field_format: str | None = None) -> str | None:
    """The full-match pattern of a cell of this type and format, or None if any reader's text goes."""
    if field_format not in (None, "default"):
        return None
    return CANONICAL_FORMS.get(field_type)


def type_error_note(field_type: str, field_format: str | None = None) -> str:
    """The message of a type-error, as Frictionless words it plus what the package expects."""
    note = f'type is "{field_type}/{field_format or "default"}"'
    hint = _FORM_HINTS.get(field_type) if canonical_form(field_type, field_format) else None
    return f"{note}: expected {hint}" if hint else note


class TableReadError(TrackerError):
    """A table cannot be read or typed; the message names the file and says what to fix."""


def read_text_frame(path: Path, shown: str | None = None, resource: Resource | None = None) -> pl.DataFrame:
    """Read a CSV file as all-text columns, in ``resource``'s dialect; its missing values become null.

    Without a resource: the Table Dialect defaults and ``missingValues: [""]``. Only a regular file
    is read (containment.py); ``shown`` names it in that refusal.
    """
    try:
        data = containment.read_bytes(Path(path), shown)
    except FileNotFoundError:
        raise TableReadError(f"{path} does not exist") from None
    except (containment.ContainmentError, OSError) as exc:
        raise TableReadError(str(exc)) from None
    try:
        data.decode(ENCODING)
    except UnicodeDecodeError as exc:
        raise TableReadError(f"{path} is not valid UTF-8 (byte {exc.start})") from None
    if not data.strip():
        raise TableReadError(f"{path} is empty: it needs at least the header row")
    return parse_text_frame(data, path, resource)


def parse_text_frame(data: bytes, path: Path | str, resource: Resource | None = None) -> pl.DataFrame:
    """``read_text_frame`` of bytes already read, checked as UTF-8 and not blank (the structure
    layer reads each file once and parses the frame from the same bytes)."""
    dialect = resource.dialect if resource is not None else Dialect()
    # An unquoted empty field is already null; other missing values ("NA", say) are listed.
    missing = [v for v in (resource.missing_values if resource is not None else ()) if v != ""]
    try:
        return pl.read_csv(
            io.BytesIO(data),
            infer_schema=False,
            has_header=True,
            separator=dialect.delimiter,
            quote_char=dialect.quote_char,
            null_values=missing or None,
        )
    except pl.exceptions.PolarsError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise TableReadError(f"{path} cannot be parsed as CSV: {first_line}") from None


def read_table(root: Path, resource: Resource) -> pl.DataFrame:
    """All-text frame of a resource, columns checked against the schema."""
    try:
        path = resource.file(root)
    except containment.ContainmentError as exc:
        raise TableReadError(f"{resource.name}: {exc}") from None
    df = read_text_frame(path, resource.path, resource)
    expected = resource.field_names
    if df.columns != expected:
        raise TableReadError(
            f"{resource.path}: header {df.columns} does not match the schema's fields {expected}"
        )
    return df


def cast_to_schema(
    df: pl.DataFrame, resource: Resource, strict: bool = True, canonical: bool = True
) -> pl.DataFrame:
    """Cast an all-text frame to the Table Schema's types (dtypes come from schema.py).

    ``strict=False`` turns values that do not parse into nulls instead of raising: for checks that
    must still run on a table whose type errors the structure layer has already reported.
    ``canonical=False`` reads whatever Polars' parsers read (``6e8``, ``2025-7-3``): for values a
    person types on the command line, which are then written in canonical form. Cells of the
    package's files are read with ``canonical=True``.
    """
    columns = []
    for f in resource.fields:
        col = pl.col(f.name)
        form = canonical_form(f.type, f.format) if canonical else None
        if form is not None:
            if strict:
                _require_canonical(df, resource, f.name, form)
            # Any other spelling (NaN, 1_03, 2025-7-3, year 0) is a type-error of the structure
            # layer, so the typed frame holds it as missing, never as a NaN or an impossible date.
            col = pl.when(col.str.contains(f"^(?:{form})$")).then(col)
        if f.type == "date":
            expr = col.str.to_date(DATE_FORMAT, strict=strict)
        elif f.type == "boolean":
            mapping = {v: True for v in TRUE_VALUES} | {v: False for v in FALSE_VALUES}
            expr = col.replace_strict(mapping, default=None, return_dtype=pl.Boolean)
        else:
            expr = col.cast(f.polars_dtype, strict=strict)
        columns.append(expr.alias(f.name))
    try:
        return df.select(columns)
    except pl.exceptions.PolarsError as exc:
        first_line = str(exc).strip().splitlines()[0]
        raise TableReadError(
            f"{resource.path}: a value does not match its declared type ({first_line}); "
            "run `commitments validate` to find it"
        ) from None


def _require_canonical(df: pl.DataFrame, resource: Resource, name: str, form: str) -> None:
    """TableReadError naming the first cell of column ``name`` not written in its canonical form."""
    bad = (
        df.select(pl.col(name))
        .with_row_index("row", offset=2)  # the header is row 1, as in validation reports
        .filter(pl.col(name).is_not_null() & ~pl.col(name).str.contains(f"^(?:{form})$"))
        .head(1)
    )
    if bad.height:
        row, value = bad.row(0)
        f = resource.field(name)
        raise TableReadError(
            f"{resource.path}:{row}:{name}: {value[:40]!r} is not {_FORM_HINTS[f.type].split(' (')[0]}"
        )


def read_typed_table(root: Path, resource: Resource) -> pl.DataFrame:
    return cast_to_schema(read_table(root, resource), resource)


def read_tables(root: Path, package: Package | None = None, typed: bool = True) -> dict[str, pl.DataFrame]:
    """Every resource of the package, by name (typed by default)."""
    package = package or schema_mod.load_package(root)
    reader = read_typed_table if typed else read_table
    return {r.name: reader(root, r) for r in package.resources}


def _text_column(df: pl.DataFrame, name: str) -> pl.Expr:
    """An expression rendering one column as the text the CSV should hold."""
    col = pl.col(name)
    dtype = df.schema[name]
    if dtype == pl.String:
        text = col
    elif dtype.is_float():
        # 11000000000.0 is written 11000000000: amounts are plain numbers in the base unit.
        integral = col.is_finite() & (col == col.floor()) & (col.abs() < 2**53)
        text = pl.when(integral).then(col.cast(pl.Int64).cast(pl.String)).otherwise(col.cast(pl.String))
    elif dtype == pl.Date:
        text = col.dt.strftime(DATE_FORMAT)
    elif dtype == pl.Boolean:
        text = pl.when(col).then(pl.lit("true")).otherwise(pl.lit("false"))
    else:
        text = col.cast(pl.String)
    # An empty string and a missing value are the same thing in this package.
    return pl.when(text == "").then(None).otherwise(text).cast(pl.String).alias(name)


def to_canonical_text(df: pl.DataFrame, resource: Resource) -> pl.DataFrame:
    """Text frame in schema column order, sorted by primary key."""
    missing = [n for n in resource.field_names if n not in df.columns]
    extra = [n for n in df.columns if n not in resource.field_names]
    if missing or extra:
        raise TableReadError(
            f"{resource.name}: columns differ from the schema (missing {missing}, unexpected {extra})"
        )
    text = df.select([_text_column(df, n) for n in resource.field_names])
    key = list(resource.primary_key) or resource.field_names
    return text.sort(key, nulls_last=True, maintain_order=True)


def canonical_bytes(df: pl.DataFrame, resource: Resource) -> bytes:
    """The exact bytes the package stores for this table."""
    text = to_canonical_text(df, resource)
    dialect = resource.dialect
    out = text.write_csv(
        None,
        separator=dialect.delimiter,
        line_terminator=dialect.line_terminator,
        quote_char=dialect.quote_char,
        quote_style="necessary",
        # A missing value is written as the first of the schema's missingValues ("" here).
        null_value=(resource.missing_values or ("",))[0],
        include_header=True,
    )
    return out.encode(ENCODING)


def canonical_file_bytes(root: Path, resource: Resource) -> bytes:
    """What the resource's file would hold if rewritten canonically (compare with the disk)."""
    return canonical_bytes(read_table(root, resource), resource)


def write_table(root: Path, resource: Resource, df: pl.DataFrame) -> None:
    """Write one table canonically (atomically)."""
    write_tables_atomically(root, {resource.name: df}, resources={resource.name: resource})


def write_tables_atomically(
    root: Path,
    tables: Mapping[str, pl.DataFrame],
    package: Package | None = None,
    resources: Mapping[str, Resource] | None = None,
    extra_files: Mapping[Path, bytes] | None = None,
) -> None:
    """Write several tables canonically (plus ``extra_files``, e.g. a new seed) all or nothing.

    Every table is rendered first (a rendering error leaves the disk untouched), then
    ``atomic.write_files`` puts each file in place by temp file + rename in its own directory,
    rolling every file back if any step fails (see commitment_tracker/curation/atomic.py).
    """
    if resources is None:
        package = package or schema_mod.load_package(root)
        resources = {name: package.resource(name) for name in tables}
    files = {resources[name].file(root): canonical_bytes(df, resources[name]) for name, df in tables.items()}
    files.update(extra_files or {})
    atomic.write_files(root, files)
