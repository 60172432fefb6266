"""datapackage.json, read once, and the one mapping from Table Schema types to polars and DuckDB.

Everything else (CSV reading, the summary, DuckDB loads, generated expectation suites) asks this
module about resources, fields and keys instead of restating the schema.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commitment_tracker import containment, paths

if TYPE_CHECKING:
    import polars as pl


class DescriptorError(Exception):
    """datapackage.json is missing, is not valid JSON, or lacks what the tools need."""


# Table Schema type -> polars dtype. Types the package does not use yet are mapped to text so a new
# field never crashes a reader; add a real mapping here when one is adopted. Built on first use
# (see __getattr__ below) so that the DuckDB query path never pays for importing polars.
@functools.cache
def polars_types() -> dict[str, pl.DataType]:
    import polars as pl

    return {
        "string": pl.String(),
        "integer": pl.Int64(),
        "number": pl.Float64(),
        "boolean": pl.Boolean(),
        "date": pl.Date(),
        "datetime": pl.Datetime("us"),
        "year": pl.Int64(),
    }


DUCKDB_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "year": "BIGINT",
}

DEFAULT_TEXT_TYPE = "string"


def __getattr__(name: str) -> Any:
    # POLARS_TYPES stays a module constant for its readers while polars is imported lazily.
    if name == "POLARS_TYPES":
        return polars_types()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str = ""
    format: str | None = None
    constraints: dict[str, Any] = field(default_factory=dict)

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required", False))

    @property
    def enum(self) -> list[Any] | None:
        return self.constraints.get("enum")

    @property
    def polars_dtype(self) -> pl.DataType:
        types = polars_types()
        return types.get(self.type, types[DEFAULT_TEXT_TYPE])

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES.get(self.type, DUCKDB_TYPES[DEFAULT_TEXT_TYPE])


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str  # the referenced resource, already resolved for self-references
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    name: str
    path: str  # relative to the package root, as in the descriptor
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    missing_values: tuple[str, ...]
    descriptor: dict[str, Any]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"resource {self.name!r} has no field {name!r}")

    def file(self, root: Path) -> Path:
        return paths.resolve(root, self.path)

    def polars_schema(self) -> dict[str, pl.DataType]:
        return {f.name: f.polars_dtype for f in self.fields}

    def duckdb_columns(self) -> dict[str, str]:
        """The ``columns={...}`` argument of DuckDB's read_csv for this resource."""
        return {f.name: f.duckdb_type for f in self.fields}


@dataclass(frozen=True)
class Package:
    descriptor: dict[str, Any]
    resources: tuple[Resource, ...]

    @property
    def name(self) -> str:
        return str(self.descriptor.get("name", ""))

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    @property
    def resource_names(self) -> list[str]:
        return [r.name for r in self.resources]

    def resource(self, name: str) -> Resource:
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(f"datapackage.json has no resource {name!r}")

    def referencing(self, name: str) -> list[tuple[Resource, ForeignKey]]:
        """Foreign keys (in any resource) that point at resource ``name``."""
        return [(r, fk) for r in self.resources for fk in r.foreign_keys if fk.resource == name]


def read_descriptor(root: Path) -> dict[str, Any]:
    """The parsed datapackage.json; DescriptorError with a fix hint when it cannot be read."""
    path = paths.descriptor_path(root)
    try:
        # Through containment.py: a descriptor linked to a file outside, or a FIFO, is never read.
        text = containment.read_package_file(root, paths.DESCRIPTOR_NAME).decode("utf-8")
    except FileNotFoundError:
        raise DescriptorError(f"{path} does not exist (is --root the package folder?)") from None
    except UnicodeDecodeError as exc:
        raise DescriptorError(f"{path} is not UTF-8: {exc}") from None
    except OSError as exc:
        raise DescriptorError(f"{path} cannot be read: {exc}") from None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DescriptorError(
            f"datapackage.json is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    if not isinstance(descriptor, dict):
        raise DescriptorError("datapackage.json must hold a JSON object")
    return descriptor


def parse_package(descriptor: dict[str, Any]) -> Package:
    """Turn a descriptor into typed accessors; DescriptorError if its shape is unusable."""
    raw_resources = descriptor.get("resources")
    if not isinstance(raw_resources, list) or not raw_resources:
        raise DescriptorError("datapackage.json has no 'resources' list")
    resources = []
    for index, raw in enumerate(raw_resources):
        try:
            resources.append(_parse_resource(raw))
        except (KeyError, TypeError, AttributeError) as exc:
            name = raw.get("name", f"#{index}") if isinstance(raw, dict) else f"#{index}"
            raise DescriptorError(f"resource {name} in datapackage.json is malformed: {exc!r}") from None
    return Package(descriptor=descriptor, resources=tuple(resources))


def load_package(root: Path) -> Package:
    return parse_package(read_descriptor(root))


def _as_tuple(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _parse_resource(raw: dict[str, Any]) -> Resource:
    schema = raw["schema"]
    if not isinstance(schema, dict):
        raise TypeError("schema must be an inline object")
    fields = tuple(
        Field(
            name=f["name"],
            type=f.get("type", DEFAULT_TEXT_TYPE),
            description=f.get("description", ""),
            format=f.get("format"),
            constraints=dict(f.get("constraints", {})),
        )
        for f in schema["fields"]
    )
    foreign_keys = []
    for fk in schema.get("foreignKeys", []):
        reference = fk["reference"]
        # Table Schema: an empty or absent resource means the table references itself.
        target = reference.get("resource") or raw["name"]
        foreign_keys.append(
            ForeignKey(
                fields=_as_tuple(fk["fields"]),
                resource=target,
                reference_fields=_as_tuple(reference["fields"]),
            )
        )
    return Resource(
        name=raw["name"],
        path=raw["path"],
        fields=fields,
        primary_key=_as_tuple(schema.get("primaryKey")),
        foreign_keys=tuple(foreign_keys),
        missing_values=tuple(schema.get("missingValues", [""])),
        descriptor=raw,
    )
