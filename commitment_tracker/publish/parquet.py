"""Parquet files that say what the Table Schema says, to whichever tool opens them.

DuckDB's own ``COPY … TO parquet`` writes every column as nullable, without descriptions, and with
nothing that tells pandas an integer column with blanks is still an integer (``deadline_year``
came back float64, and ``frictionless validate`` then read its blanks as ``nan``). So the rows
come out of the built database as Arrow and are written with pyarrow under a schema derived from
the Table Schema:

- a ``required`` or primary-key field is a non-nullable Arrow field (``REQUIRED`` in Parquet);
- each field's ``description`` is in its Arrow field metadata (``description``), and the
  resource's in the schema metadata;
- the ``pandas`` schema metadata maps integers to pandas' nullable ``Int64`` and numbers to
  ``Float64``, so pandas (and Frictionless, which reads Parquet through pandas) see a blank as a
  missing value, never as ``NaN`` in a float column.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from commitment_tracker.datapackage.schema import Field, Resource

COMPRESSION = "zstd"
DEFAULT_TEXT_TYPE = "string"
# Table Schema type → Arrow type; a type not listed is written as text, like DuckDB's VARCHAR.
ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),
    "year": pa.int64(),
}
# Table Schema type → (pandas_type, numpy_type) in pyarrow's ``pandas`` metadata. numpy_type names
# the dtype pandas gets: the nullable extension dtypes keep a blank a blank (pd.NA).
PANDAS_TYPES: dict[str, tuple[str, str]] = {
    "string": ("unicode", "object"),
    "integer": ("int64", "Int64"),
    "number": ("float64", "Float64"),
    "boolean": ("bool", "boolean"),
    "date": ("date", "object"),
    "datetime": ("datetime", "datetime64[us]"),
    "year": ("int64", "Int64"),
}


def arrow_field(field: Field, primary_key: tuple[str, ...]) -> pa.Field:
    """The Arrow field of a Table Schema field: its type, NOT NULL when required, its description."""
    nullable = not (field.required or field.name in primary_key)
    metadata = {"description": field.description} if field.description else None
    return pa.field(field.name, arrow_type(field), nullable=nullable, metadata=metadata)


def arrow_type(field: Field) -> pa.DataType:
    return ARROW_TYPES.get(field.type, ARROW_TYPES[DEFAULT_TEXT_TYPE])


def pandas_metadata(resource: Resource) -> str:
    """pyarrow's ``pandas`` schema metadata for the resource's columns (no index)."""
    columns = []
    for f in resource.fields:
        pandas_type, numpy_type = PANDAS_TYPES.get(f.type, PANDAS_TYPES[DEFAULT_TEXT_TYPE])
        columns.append(
            {
                "name": f.name,
                "field_name": f.name,
                "pandas_type": pandas_type,
                "numpy_type": numpy_type,
                "metadata": None,
            }
        )
    return json.dumps({"index_columns": [], "column_indexes": [], "columns": columns})


def arrow_schema(resource: Resource) -> pa.Schema:
    metadata = {"pandas": pandas_metadata(resource)}
    description = resource.descriptor.get("description")
    if isinstance(description, str) and description:
        metadata["description"] = description
    return pa.schema([arrow_field(f, resource.primary_key) for f in resource.fields], metadata=metadata)


def write(table: pa.Table, resource: Resource, target: Path) -> None:
    """Write ``table`` (the resource's rows, in schema order) as ``target`` with the schema's types."""
    schema = arrow_schema(resource)
    # cast() checks that a non-nullable column holds no null; the database's NOT NULL already did.
    typed = table.rename_columns(schema.names).cast(schema)
    pq.write_table(typed, target, compression=COMPRESSION)
