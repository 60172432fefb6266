"""``commitments build``: the package as a DuckDB database with its constraints, and as Parquet.

Writes into ``out/``::

    commitments.duckdb      one table per resource with PRIMARY KEY, FOREIGN KEY, NOT NULL, UNIQUE
                            and CHECK (enum, pattern, minimum/maximum, length) from the schema,
                            and the schema's descriptions as table and column comments; and
                            the schema build_record: the SHA-256 of each CSV file loaded (hashed
                            before and after loading) and a self-referencing table again in CSV
                            order, for `query --from-build` (buildrecord.py)
    data/<resource>.parquet one zstd-compressed Parquet file per resource, typed like the tables
    seeds/                  the archived source texts, so sources.seed_path still resolves
    datapackage.json        the descriptor, with the resources pointing at the Parquet files

Everything is first written to a temporary folder beside ``out`` and checked there (reopened, rows
counted against the CSV files, types, constraints and Parquet content compared); only then does
each file replace its older version. A package that does not validate, or that breaks a
constraint while loading, is refused and ``out`` is left as it was.
"""

from __future__ import annotations

import copy
import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from commitment_tracker.database import LoadError, connect, no_field_size_limit, quote_ident, quote_literal
from commitment_tracker.datapackage import containment, paths
from commitment_tracker.datapackage import schema as schema_mod
from commitment_tracker.datapackage.schema import Package, Resource
from commitment_tracker.errors import TrackerError
from commitment_tracker.publish import buildrecord, parquet, partition
from commitment_tracker.staging import staged_folder

DATABASE_NAME = "commitments.duckdb"
PARQUET_DIRNAME = "data"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
PROBLEMS_SHOWN = 10
# DuckDB's default 256 KiB blocks make a 15 MB file of this small package; 16 KiB blocks keep it
# small; the v1.2.0 storage format lets DuckDB 1.x clients (CLI, R, DBeaver) open it, not only 2.x.
DATABASE_CONFIG = {"default_block_size": "16384", "storage_compatibility_version": "v1.2.0"}


class BuildError(TrackerError):
    """The package cannot be built, or an output failed its check; the message says what to fix."""


@dataclass
class Built:
    out: Path
    rows: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    constraints: int = 0

    def lines(self) -> list[str]:
        total = sum(self.rows.values())
        db = self.out / DATABASE_NAME
        return [
            f"wrote {db} ({len(self.rows)} tables, {total} rows, {self.constraints} constraints enforced)",
            f"wrote {self.out / PARQUET_DIRNAME}/*.parquet ({len(self.rows)} files, zstd)",
            f"wrote {self.out / paths.SEEDS_DIRNAME}/ and {self.out / paths.DESCRIPTOR_NAME}",
            "every output reopened and checked: row counts, column types, constraints, Parquet content",
        ]


def build(root: Path, out: Path, validate_first: bool = True, partition_by: str | None = None) -> Built:
    """``partition_by``: also write hive-partitioned Parquet by that column (see partition.py)."""
    root, out = Path(root), Path(out)
    try:
        containment.check_output(root, out)
    except containment.ContainmentError as exc:
        raise BuildError(f"--out {out}: {exc}") from None
    package = _load_package(root)
    if partition_by:
        partition.partitioned_resources(package, partition_by)  # an unknown column: refused first
    if validate_first:
        refuse_invalid(root, "nothing was built")
    expected = {r.name: _csv_row_count(root, r) for r in package.resources}
    seeds = _seed_files(root)  # before anything is written: a refused seed leaves out/ untouched
    with staged_folder(out, whole=False) as staging:
        _write_database(root, package, staging / DATABASE_NAME)
        _write_parquet(package, staging)
        if partition_by:
            partition.write(staging / DATABASE_NAME, package, partition_by, staging)
        _copy_seeds(root, seeds, staging)
        _write_descriptor(package, staging)
        built = Built(out=out, rows=expected)
        built.constraints = _check_database(package, staging / DATABASE_NAME, expected)
        _check_parquet(package, staging, expected)
        _check_descriptor(staging, package)
        built.files = sorted(out / item.name for item in staging.iterdir())
    return built


# --- refusing bad input --------------------------------------------------------------------------


def _load_package(root: Path) -> Package:
    try:
        return schema_mod.load_package(root)
    except schema_mod.DescriptorError as exc:
        raise BuildError(f"{exc}; nothing was built") from None


def refuse_invalid(root: Path, consequence: str) -> None:
    """Validate the package; BuildError summarising the problems when it is not valid.

    Shared by ``build`` and ``site``: a package that does not validate is never published.
    ``consequence`` says what was not done ("nothing was built").
    """
    from commitment_tracker.validation.validate import validate

    try:
        report = validate(root)
    except ValueError as exc:  # e.g. a malformed $COMMITMENTS_TODAY
        raise BuildError(str(exc)) from None
    if report.valid:
        return
    problems = report.problems
    shown = "\n".join(f"  {p.location()}: {p.rule} — {p.message}" for p in problems[:PROBLEMS_SHOWN])
    more = f"\n  … and {len(problems) - PROBLEMS_SHOWN} more" if len(problems) > PROBLEMS_SHOWN else ""
    raise BuildError(
        f"the package does not validate ({len(problems)} problem{'s' if len(problems) != 1 else ''}); "
        f"{consequence}:\n{shown}{more}\nRun `commitments validate` to see every problem."
    )


def _csv_row_count(root: Path, resource: Resource) -> int:
    # Counted with Python's csv module, independently of DuckDB, so the database check means something.
    # Runs first over every resource, so a file outside the package or not a regular file is refused
    # here even with --skip-validation.
    try:
        path = resource.file(root)
        containment.require_regular(path, resource.path)
        with open(path, encoding="utf-8", newline="") as fh, no_field_size_limit(path.stat().st_size):
            return max(sum(1 for _ in csv.reader(fh)) - 1, 0)
    except containment.ContainmentError as exc:
        raise BuildError(f"{exc}; nothing was built") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BuildError(f"{resource.path} cannot be read: {exc}") from None


# --- writing -------------------------------------------------------------------------------------


def _write_database(root: Path, package: Package, target: Path) -> None:
    """The tables with their constraints and comments, and the record of what they were loaded
    from (``buildrecord``): the files hashed before loading and again after, a change between the
    two refusing the build."""
    files = {r.name: r.file(root) for r in package.resources}
    before = buildrecord.csv_files(package.resources, files)
    try:
        con = connect(
            root,
            constraints=True,
            lock_connection=False,
            database=target,
            package=package,
            config=DATABASE_CONFIG,
        )
    except LoadError as exc:
        raise BuildError(f"{exc}\nThe database refused the data; nothing was built.") from None
    try:
        for resource in package.resources:
            table = quote_ident(resource.name)
            description = resource.descriptor.get("description") or resource.descriptor.get("title")
            if description:
                con.execute(f"COMMENT ON TABLE {table} IS {quote_literal(description)}")
            for f in resource.fields:
                if f.description:
                    con.execute(
                        f"COMMENT ON COLUMN {table}.{quote_ident(f.name)} IS {quote_literal(f.description)}"
                    )
        for resource in package.resources:
            copied = buildrecord.self_referencing(resource)
            if copied and buildrecord.write_csv_order_copy(con, resource, files[resource.name]):
                raise BuildError(f"{DATABASE_NAME}: {resource.name} in CSV order differs from its table")
        after = buildrecord.csv_files(package.resources, files)
        changed = [name for name in before if before[name] != after[name]]
        if changed:
            paths_changed = ", ".join(before[name].path for name in changed)
            raise BuildError(
                f"{paths_changed} changed while the build was reading it; nothing was built: "
                "run `commitments build` again once the file is no longer being written"
            )
        buildrecord.write(con, after.values())
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _write_parquet(package: Package, staging: Path) -> None:
    folder = staging / PARQUET_DIRNAME
    folder.mkdir()
    con = duckdb.connect(str(staging / DATABASE_NAME), read_only=True)
    try:
        for resource in package.resources:
            order = ", ".join(map(quote_ident, resource.primary_key)) or "ALL"
            rows = con.sql(f"SELECT * FROM {quote_ident(resource.name)} ORDER BY {order}").to_arrow_table()
            try:
                parquet.write(rows, resource, folder / f"{resource.name}.parquet")
            except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
                raise BuildError(
                    f"{PARQUET_DIRNAME}/{resource.name}.parquet cannot be written: {exc}"
                ) from None
    finally:
        con.close()


def _seed_files(root: Path) -> list[str]:
    """Every file under seeds/; a link leading outside or a special file refuses the build."""
    try:
        entries = list(containment.walk_files(root, paths.SEEDS_DIRNAME))
    except containment.ContainmentError as exc:
        raise BuildError(f"{exc}; nothing was built") from None
    for _rel, refused in entries:
        if refused is not None:
            raise BuildError(f"{refused}; nothing was built")
    return [rel for rel, _ in entries]


def _copy_seeds(root: Path, seeds: list[str], staging: Path) -> None:
    for rel in seeds:
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.write_bytes(containment.read_package_file(root, rel))
        except containment.ContainmentError as exc:  # changed since _seed_files looked
            raise BuildError(f"{exc}; nothing was built") from None


def parquet_descriptor(package: Package) -> dict:
    """The package descriptor with each resource pointing at its Parquet file.

    Without ``bytes`` or ``hash``: Frictionless reads Parquet through pyarrow, not as a byte
    stream, so it cannot count or hash it and reports every declared count as a mismatch
    ("actual is None"). The site's downloads page lists each file's size and SHA-256 instead.
    """
    descriptor = copy.deepcopy(package.descriptor)
    for raw in descriptor["resources"]:
        for key in ("encoding", "dialect", "bytes", "hash"):
            raw.pop(key, None)
        raw.update(
            path=f"{PARQUET_DIRNAME}/{raw['name']}.parquet",
            format="parquet",
            mediatype=PARQUET_MEDIATYPE,
        )
    return descriptor


def _write_descriptor(package: Package, staging: Path) -> None:
    descriptor = parquet_descriptor(package)
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    (staging / paths.DESCRIPTOR_NAME).write_text(text, encoding="utf-8")


# --- checking what was written -------------------------------------------------------------------


def _check_database(package: Package, path: Path, expected: dict[str, int]) -> int:
    """Reopen the database read-only: tables, row counts, column types and constraints as declared."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        for resource in package.resources:
            table = resource.name
            try:
                (count,) = con.execute(f"SELECT count(*) FROM {quote_ident(table)}").fetchall()[0]
            except duckdb.CatalogException:
                raise BuildError(f"{DATABASE_NAME}: table {table} is missing after writing") from None
            if count != expected[table]:
                raise BuildError(f"{DATABASE_NAME}: {table} has {count} rows, the CSV {expected[table]}")
            types = con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() "
                "WHERE table_name = $t ORDER BY column_index",
                {"t": table},
            ).fetchall()
            declared = [(f.name, f.duckdb_type) for f in resource.fields]
            if types != declared:
                raise BuildError(
                    f"{DATABASE_NAME}: {table} columns {types} differ from the schema {declared}"
                )
            kinds = dict(
                con.execute(
                    "SELECT constraint_type, count(*) FROM duckdb_constraints() "
                    "WHERE table_name = $t GROUP BY ALL",
                    {"t": table},
                ).fetchall()
            )
            if bool(resource.primary_key) != bool(kinds.get("PRIMARY KEY")):
                raise BuildError(f"{DATABASE_NAME}: {table} lacks its PRIMARY KEY")
            if kinds.get("FOREIGN KEY", 0) != len(resource.foreign_keys):
                raise BuildError(
                    f"{DATABASE_NAME}: {table} has {kinds.get('FOREIGN KEY', 0)} FOREIGN KEYs, "
                    f"the schema {len(resource.foreign_keys)}"
                )
        ((total,),) = con.execute("SELECT count(*) FROM duckdb_constraints()").fetchall()
        return int(total)
    finally:
        con.close()


def _check_parquet(package: Package, staging: Path, expected: dict[str, int]) -> None:
    """Each Parquet file: zstd, the schema's types, and exactly the rows of its database table."""
    con = duckdb.connect(str(staging / DATABASE_NAME), read_only=True)
    try:
        for resource in package.resources:
            path = quote_literal(str(staging / PARQUET_DIRNAME / f"{resource.name}.parquet"))
            name = f"{PARQUET_DIRNAME}/{resource.name}.parquet"
            rows = con.execute(f"SELECT num_rows FROM parquet_file_metadata({path})").fetchall()
            if not rows or rows[0][0] != expected[resource.name]:
                raise BuildError(f"{name}: {rows} rows, the CSV {expected[resource.name]}")
            codecs = {
                c
                for (c,) in con.execute(
                    f"SELECT DISTINCT compression FROM parquet_metadata({path})"
                ).fetchall()
            }
            if expected[resource.name] and codecs != {"ZSTD"}:
                raise BuildError(f"{name}: compressed with {sorted(codecs)}, not ZSTD")
            described = [
                (r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({path})").fetchall()
            ]
            declared = [(f.name, f.duckdb_type) for f in resource.fields]
            if described != declared:
                raise BuildError(f"{name}: columns {described} differ from the schema {declared}")
            table = quote_ident(resource.name)
            ((differing,),) = con.execute(
                f"SELECT count(*) FROM ("
                f"(SELECT * FROM {table} EXCEPT ALL SELECT * FROM read_parquet({path})) UNION ALL "
                f"(SELECT * FROM read_parquet({path}) EXCEPT ALL SELECT * FROM {table}))"
            ).fetchall()
            if differing:
                raise BuildError(f"{name}: {differing} rows differ from the database table")
    finally:
        con.close()


def _check_descriptor(staging: Path, package: Package) -> None:
    """The written datapackage.json parses, lists the same resources, and each of its files exists."""
    try:
        written = schema_mod.load_package(staging)
    except schema_mod.DescriptorError as exc:
        raise BuildError(f"the written {paths.DESCRIPTOR_NAME} is unusable: {exc}") from None
    if written.resource_names != package.resource_names:
        raise BuildError(f"the written {paths.DESCRIPTOR_NAME} lists {written.resource_names}")
    for resource in written.resources:
        if not resource.file(staging).is_file():
            raise BuildError(f"{paths.DESCRIPTOR_NAME}: {resource.path} was not written")
        if [f.name for f in resource.fields] != package.resource(resource.name).field_names:
            raise BuildError(f"{paths.DESCRIPTOR_NAME}: fields of {resource.name} changed")
