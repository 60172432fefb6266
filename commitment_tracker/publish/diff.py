"""What changed between two versions of the package: schema, rows by primary key, seed files.

Each side is a package folder or a git ref (the package is read from the ref's tree, at the same
place in the repository as the package root). Rows are compared as the text the CSV files hold, so
a change is exactly what a reader of the files would see. Changed rows are compared on the columns
both sides have: a column added or removed is reported once, as a schema change, not once per row.

Schema changes are *breaking* when a consumer's code reading the previous version could fail or
silently misread the new one: a resource removed or moved to another path, a field removed,
retyped or moved (positional CSV readers), a primary key changed. Added resources and fields,
changed constraints, foreign keys and descriptions are not breaking.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from commitment_tracker.datapackage import containment, csvio, paths, schema
from commitment_tracker.datapackage.schema import Package, Resource
from commitment_tracker.errors import TrackerError

DIFF_VERSION = 1
CHANGE_COLUMNS = {
    "resource": pl.String,
    "change": pl.String,
    "kind": pl.String,
    "key": pl.String,
    "column": pl.String,
    "before": pl.String,
    "after": pl.String,
    "breaking": pl.Boolean,
}


class DiffError(TrackerError):
    """A side cannot be read (not a package folder, unknown git ref, unreadable table)."""


Row = dict[str, str | None]


@dataclass(frozen=True)
class SchemaChange:
    resource: str
    kind: str  # resource-added, resource-removed, path-changed, field-added, field-removed, ...
    breaking: bool
    field: str | None = None
    before: Any = None
    after: Any = None

    def describe(self) -> str:
        where = f"`{self.resource}.{self.field}`" if self.field else f"`{self.resource}`"
        detail = ""
        if self.before is not None or self.after is not None:
            detail = f": {_json(self.before)} → {_json(self.after)}"
        return f"{'**breaking** ' if self.breaking else ''}{where} {self.kind.replace('-', ' ')}{detail}"


@dataclass
class RowChange:
    key: Row
    columns: dict[str, tuple[str | None, str | None]]


@dataclass(frozen=True)
class DuplicateKey:
    """A primary key held by more than one row of one version (``rows`` counts like validation
    reports: the header is row 1)."""

    side: str  # old, new
    key: Row
    rows: list[int]


@dataclass
class ResourceDiff:
    name: str
    key: tuple[str, ...]
    added: list[Row] = field(default_factory=list)
    removed: list[Row] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    duplicates: list[DuplicateKey] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.duplicates)

    def key_text(self, row: Row) -> str:
        return " / ".join(str(row.get(k)) for k in self.key)


@dataclass(frozen=True)
class FileChange:
    path: str
    change: str  # added, removed, modified
    before_sha256: str | None
    after_sha256: str | None


@dataclass
class PackageDiff:
    old_label: str
    new_label: str
    old_version: str
    new_version: str
    schema_changes: list[SchemaChange]
    resources: list[ResourceDiff]
    seed_files: list[FileChange]
    notes: list[str] = field(default_factory=list)  # what could not be read as it should, per side

    @property
    def breaking(self) -> bool:
        return any(c.breaking for c in self.schema_changes)

    @property
    def is_empty(self) -> bool:
        return not self.schema_changes and not self.seed_files and all(r.is_empty for r in self.resources)

    def label(self, side: str) -> str:
        return self.old_label if side == "old" else self.new_label

    def resource(self, name: str) -> ResourceDiff:
        for r in self.resources:
            if r.name == name:
                return r
        return ResourceDiff(name=name, key=())

    def summary(self) -> dict[str, int]:
        return {
            "schema_changes": len(self.schema_changes),
            "breaking_changes": sum(c.breaking for c in self.schema_changes),
            "rows_added": sum(len(r.added) for r in self.resources),
            "rows_removed": sum(len(r.removed) for r in self.resources),
            "rows_changed": sum(len(r.changed) for r in self.resources),
            "seed_files_changed": len(self.seed_files),
            "duplicate_keys": sum(len(r.duplicates) for r in self.resources),
        }

    def sides(self) -> dict[str, dict[str, str]]:
        """How each side was named and its package version, as the JSON outputs give them."""
        return {
            "old": {"label": self.old_label, "version": self.old_version},
            "new": {"label": self.new_label, "version": self.new_version},
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "diff_version": DIFF_VERSION,
            **self.sides(),
            "breaking": self.breaking,
            "notes": self.notes,
            "summary": self.summary(),
            "schema_changes": [
                {
                    "resource": c.resource,
                    "kind": c.kind,
                    "field": c.field,
                    "before": c.before,
                    "after": c.after,
                    "breaking": c.breaking,
                }
                for c in self.schema_changes
            ],
            "seed_files": [vars(f) for f in self.seed_files],
            "resources": [
                {
                    "name": r.name,
                    "primary_key": list(r.key),
                    "added": r.added,
                    "removed": r.removed,
                    "changed": [
                        {
                            "key": c.key,
                            "columns": {k: {"before": b, "after": a} for k, (b, a) in c.columns.items()},
                        }
                        for c in r.changed
                    ],
                    "duplicate_keys": [vars(d) for d in r.duplicates],
                }
                for r in self.resources
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def to_frame(self) -> pl.DataFrame:
        """One row per change (long form), for Parquet or a DuckDB table.

        change is added / removed (whole rows, as JSON in after / before), changed (one row per
        column, with before and after), schema (kind says which), seed-file or duplicate-key (kind
        says in which version; after lists the rows holding the key, as JSON).
        """
        records: list[dict[str, Any]] = []

        def add(**values: Any) -> None:
            records.append({name: values.get(name) for name in CHANGE_COLUMNS})

        for c in self.schema_changes:
            add(
                resource=c.resource,
                change="schema",
                kind=c.kind,
                column=c.field,
                before=None if c.before is None else _json(c.before),
                after=None if c.after is None else _json(c.after),
                breaking=c.breaking,
            )
        for r in self.resources:
            for row in r.added:
                add(resource=r.name, change="added", key=_json(_key(row, r.key)), after=_json(row))
            for row in r.removed:
                add(resource=r.name, change="removed", key=_json(_key(row, r.key)), before=_json(row))
            for ch in r.changed:
                for column, (before, after) in ch.columns.items():
                    add(
                        resource=r.name,
                        change="changed",
                        key=_json(ch.key),
                        column=column,
                        before=before,
                        after=after,
                    )
            for d in r.duplicates:
                add(
                    resource=r.name,
                    change="duplicate-key",
                    kind=d.side,
                    key=_json(d.key),
                    after=_json(d.rows),
                )
        for f in self.seed_files:
            add(
                resource=paths.SEEDS_DIRNAME,
                change="seed-file",
                kind=f.change,
                key=_json({"path": f.path}),
                before=f.before_sha256,
                after=f.after_sha256,
            )
        return pl.DataFrame(records, schema=CHANGE_COLUMNS)

    def to_markdown(self) -> str:
        lines = [f"# Changes from {self.old_label} to {self.new_label}", ""]
        lines.append(f"Package version {self.old_version or '?'} → {self.new_version or '?'}.")
        lines.append("")
        if self.notes:
            lines += [f"- Note: {n}" for n in self.notes] + [""]
        if self.is_empty:
            lines.append("No changes.")
            return "\n".join(lines) + "\n"
        lines += ["## Schema", ""]
        if self.schema_changes:
            lines += [f"- {c.describe()}" for c in self.schema_changes]
        else:
            lines.append("No schema changes.")
        lines += ["", "## Rows", ""]
        changed = [r for r in self.resources if not r.is_empty]
        if changed:
            lines += [
                "| resource | added | removed | changed | duplicate keys |",
                "|---|---:|---:|---:|---:|",
            ]
            lines += [
                f"| `{r.name}` | {len(r.added)} | {len(r.removed)} | {len(r.changed)} | {len(r.duplicates)} |"
                for r in changed
            ]
        else:
            lines.append("No row changes.")
        if self.seed_files:
            lines += ["", "## Seed files", ""]
            lines += [f"- {f.change}: `{f.path}`" for f in self.seed_files]
        for r in changed:
            lines += ["", f"## `{r.name}`"]
            for title, rows in (("Added", r.added), ("Removed", r.removed)):
                if rows:
                    lines += ["", f"{title} ({len(rows)}):", ""]
                    for row in rows:
                        cells = "; ".join(
                            f"{k}: {_json(v)}" for k, v in row.items() if v is not None and k not in r.key
                        )
                        lines.append(f"- `{r.key_text(row)}`" + (f" — {cells}" if cells else ""))
            if r.changed:
                lines += ["", f"Changed ({len(r.changed)}):", ""]
                for ch in r.changed:
                    lines.append(f"- `{r.key_text(ch.key)}`")
                    lines += [f"  - {col}: {_json(b)} → {_json(a)}" for col, (b, a) in ch.columns.items()]
            if r.duplicates:
                lines += ["", f"Duplicate keys ({len(r.duplicates)}), each held by more than one row:", ""]
                lines += [
                    f"- `{r.key_text(d.key)}` in {self.label(d.side)}: rows {', '.join(map(str, d.rows))}"
                    for d in r.duplicates
                ]
        return "\n".join(lines) + "\n"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _key(row: Row, key: tuple[str, ...]) -> Row:
    return {k: row.get(k) for k in key}


# --- reading a side ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    root: Path
    label: str


@contextmanager
def open_side(spec: str, repo: Path) -> Iterator[Side]:
    """A package folder as is, or a git ref of ``repo`` exported to a temporary folder."""
    folder = Path(spec)
    if folder.is_dir():
        if not paths.descriptor_path(folder).is_file():
            raise DiffError(f"{spec} is a folder without datapackage.json")
        yield Side(folder, spec)
        return
    ref, label = resolve_ref(repo, spec)
    with tempfile.TemporaryDirectory(prefix="commitments-diff-") as tmp:
        export_ref(repo, ref, Path(tmp))
        yield Side(Path(tmp), label)


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)


def git_ref_exists(repo: Path, ref: str) -> bool:
    return _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode == 0


def resolve_ref(repo: Path, spec: str) -> tuple[str, str]:
    """The git ref for ``spec``, and how to name it. A release name ``vX.Y.Z`` that is not a tag
    (tags are not part of what a clone of the package carries) is the commit that set the package's
    version to X.Y.Z, found from the history of datapackage.json itself."""
    if git_ref_exists(repo, spec):
        return spec, spec
    match = RELEASE_NAME.fullmatch(spec)
    commit = release_commit(repo, match[1]) if match else None
    if commit is None:
        return spec, spec
    return commit, f"{spec} (commit {commit[:10]}, where the version became {match[1]})"


RELEASE_NAME = re.compile(r"v(\d+\.\d+\.\d+)")


def release_commit(repo: Path, version: str) -> str | None:
    """The commit that set datapackage.json's ``version`` to ``version`` (None if none did).

    Walks the descriptor's history from the newest commit: skips versions after it, keeps going
    back while the version is still ``version``, and stops at the first older one.
    """
    prefix = _git(repo, "rev-parse", "--show-prefix")
    if prefix.returncode != 0:
        return None
    descriptor = prefix.stdout.decode().strip() + paths.DESCRIPTOR_NAME
    log = _git(repo, "log", "--format=%H", "--", descriptor)
    found = None
    for commit in log.stdout.decode().split():
        shown = _git(repo, "show", f"{commit}:{descriptor}")
        try:
            at = json.loads(shown.stdout).get("version") if shown.returncode == 0 else None
        except (ValueError, AttributeError):
            at = None
        if at == version:
            found = commit
        elif found is not None:
            break
    return found


def export_ref(repo: Path, ref: str, dest: Path) -> None:
    """Write the package as it is at git ``ref`` (descriptor, data folders, seeds) into ``dest``."""
    prefix = _git(repo, "rev-parse", "--show-prefix")
    if prefix.returncode != 0:
        raise DiffError(f"{ref!r} is not a package folder, and {repo} is not in a git repository")
    if not git_ref_exists(repo, ref):
        raise DiffError(
            f"{ref!r} is neither a package folder nor a git ref (commit, tag or branch) of {repo}"
        )
    tree = f"{ref}:{prefix.stdout.decode().strip()}"
    shown = _git(repo, "show", f"{tree}{paths.DESCRIPTOR_NAME}")
    if shown.returncode != 0:
        raise DiffError(f"{ref} has no {paths.DESCRIPTOR_NAME} at the package's place in the repository")
    try:
        package = schema.parse_package(json.loads(shown.stdout))
    except (ValueError, schema.DescriptorError) as exc:
        raise DiffError(f"{paths.DESCRIPTOR_NAME} at {ref} is unusable: {exc}") from None
    listing = _git(repo, "ls-tree", "--name-only", tree).stdout.decode().split("\n")
    wanted = {paths.DESCRIPTOR_NAME, paths.SEEDS_DIRNAME} | {Path(r.path).parts[0] for r in package.resources}
    archive = _git(repo, "archive", "--format=tar", tree, *sorted(wanted & set(listing)))
    if archive.returncode != 0:
        raise DiffError(f"git archive {tree} failed: {archive.stderr.decode().strip()}")
    try:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            members = tar.getmembers()
            for member in members:
                _refuse_member(ref, member)
            # filter="data" refuses anything leading outside dest as well: a second lock, not the check.
            tar.extractall(dest, members=members, filter="data")
    except tarfile.TarError as exc:
        raise DiffError(f"the package at {ref} cannot be extracted: {exc}") from None


def _refuse_member(ref: str, member: tarfile.TarInfo) -> None:
    """Only folders and regular files are extracted from a ref's tree; the rest is a DiffError.

    A symbolic link in a tree is how a pull request would make a diff read a file outside the
    package (containment.py refuses the same in a package folder).
    """
    name = member.name
    if name.startswith("/") or ".." in Path(name).parts:
        raise DiffError(f"{ref}: {name!r} is not a path inside the package; nothing was compared")
    if member.issym() or member.islnk():
        kind = "a symbolic link" if member.issym() else "a hard link"
        raise DiffError(
            f"{ref}: {name} is {kind}; a package holds regular files only, so nothing was compared "
            "(replace the link by the file in that commit)"
        )
    if not (member.isfile() or member.isdir()):
        raise DiffError(f"{ref}: {name} is not a regular file or folder; nothing was compared")


# --- comparing --------------------------------------------------------------------------------


@dataclass
class Version:
    """One side, read: its descriptor and every table it holds as text (a table whose file is
    missing is absent), and what could not be read as it should."""

    root: Path
    label: str
    package: Package
    tables: dict[str, pl.DataFrame]
    notes: list[str]


def load_version(root: Path, label: str) -> Version:
    """Read a package folder for comparison. A descriptor the tools refuse as a whole (a resource
    they need was dropped) is still read for the resources it describes soundly, and a listed
    file that is gone is an empty table: both are changes to show, not reasons to stop."""
    notes = []
    try:
        descriptor = schema.read_descriptor(root)
    except schema.DescriptorError as exc:
        raise DiffError(f"{label}: {exc}") from None
    try:
        package = schema.parse_package(descriptor)
    except schema.DescriptorError as exc:
        package = schema.parse_sound_resources(descriptor)
        notes.append(f"{label}: {exc}; the resources it describes soundly are compared")
    tables = {}
    for res in package.resources:
        try:
            present = res.file(root).is_file()
        except containment.ContainmentError as exc:
            raise DiffError(f"{label}: {res.name}: {exc}") from None
        if present:
            tables[res.name] = _read(root, res)
        else:
            notes.append(f"{label}: {res.path} does not exist; its rows count as removed")
    return Version(root, label, package, tables, notes)


@contextmanager
def open_versions(old: str | Path, new: str | Path, repo: Path) -> Iterator[tuple[Version, Version]]:
    """Both sides read (each a package folder or a git ref of ``repo``); their folders live as
    long as the context, for what reads files beyond the tables (seeds)."""
    with open_side(str(old), repo) as a, open_side(str(new), repo) as b:
        yield load_version(a.root, a.label), load_version(b.root, b.label)


def diff(old: str | Path, new: str | Path, repo: Path) -> PackageDiff:
    """Compare two sides (each a package folder or a git ref of ``repo``)."""
    with open_versions(old, new, repo) as (a, b):
        return diff_versions(a, b)


def diff_folders(old_root: Path, new_root: Path, old_label: str, new_label: str) -> PackageDiff:
    return diff_versions(load_version(old_root, old_label), load_version(new_root, new_label))


def diff_versions(old: Version, new: Version) -> PackageDiff:
    names = [*new.package.resource_names]
    names += [n for n in old.package.resource_names if n not in names]
    resources = []
    for name in names:
        # The key of the newer description; a dropped resource keeps its old one.
        described = new.package if name in new.package.resource_names else old.package
        key = described.resource(name).primary_key
        old_df, new_df = old.tables.get(name), new.tables.get(name)
        if old_df is None and new_df is None:
            continue
        resources.append(_diff_resource(name, key, old_df, new_df))
    return PackageDiff(
        old_label=old.label,
        new_label=new.label,
        old_version=old.package.version,
        new_version=new.package.version,
        schema_changes=schema_changes(old.package, new.package),
        resources=resources,
        seed_files=_diff_seeds(old.root, new.root),
        notes=old.notes + new.notes,
    )


def schema_changes(old: Package, new: Package) -> list[SchemaChange]:
    changes = [
        SchemaChange(n, "resource-removed", True) for n in old.resource_names if n not in new.resource_names
    ]
    changes += [
        SchemaChange(n, "resource-added", False) for n in new.resource_names if n not in old.resource_names
    ]
    for res in new.resources:
        if res.name in old.resource_names:
            changes += _resource_schema_changes(old.resource(res.name), res)
    return changes


def _resource_schema_changes(old: Resource, new: Resource) -> list[SchemaChange]:
    name = new.name
    out = []
    if old.path != new.path:
        out.append(SchemaChange(name, "path-changed", True, before=old.path, after=new.path))
    old_fields = {f.name: f for f in old.fields}
    new_fields = {f.name: f for f in new.fields}
    out += [SchemaChange(name, "field-removed", True, f) for f in old_fields if f not in new_fields]
    out += [SchemaChange(name, "field-added", False, f) for f in new_fields if f not in old_fields]
    for fname, f in new_fields.items():
        before = old_fields.get(fname)
        if before is None:
            continue
        if before.type != f.type:
            out.append(SchemaChange(name, "field-retyped", True, fname, before.type, f.type))
        if before.constraints != f.constraints:
            out.append(
                SchemaChange(name, "constraints-changed", False, fname, before.constraints, f.constraints)
            )
    common_old = [f for f in old_fields if f in new_fields]
    common_new = [f for f in new_fields if f in old_fields]
    if common_old != common_new:
        out.append(SchemaChange(name, "fields-reordered", True, before=common_old, after=common_new))
    if old.primary_key != new.primary_key:
        out.append(
            SchemaChange(
                name, "primary-key-changed", True, before=list(old.primary_key), after=list(new.primary_key)
            )
        )
    fks = [(fk.fields, fk.resource, fk.reference_fields) for fk in old.foreign_keys]
    new_fks = [(fk.fields, fk.resource, fk.reference_fields) for fk in new.foreign_keys]
    if fks != new_fks:
        out.append(
            SchemaChange(
                name,
                "foreign-keys-changed",
                False,
                before=[list(map(list, k)) for k in fks],
                after=[list(map(list, k)) for k in new_fks],
            )
        )
    return out


def _read(root: Path, resource: Resource) -> pl.DataFrame:
    try:
        return csvio.read_table(root, resource)
    except csvio.TableReadError as exc:
        raise DiffError(str(exc)) from None


def _diff_resource(
    name: str, key_fields: tuple[str, ...], old_df: pl.DataFrame | None, new_df: pl.DataFrame | None
) -> ResourceDiff:
    """Rows added, removed and changed, by primary key; a side without the table has no rows.

    Rows whose key is held by more than one row in either version are listed as duplicates and
    compared whole (as a multiset), since a key cannot say which of them a row became.
    """
    old_df = new_df.clear() if old_df is None else old_df
    new_df = old_df.clear() if new_df is None else new_df
    common = [c for c in new_df.columns if c in old_df.columns]
    key = key_fields if set(key_fields) <= set(common) else ()
    key = list(key or common)  # no usable key: a row is its whole content
    result = ResourceDiff(name=name, key=tuple(key))
    result.duplicates = _duplicates("old", old_df, key) + _duplicates("new", new_df, key)
    join = {"on": key, "nulls_equal": True}  # a blank is a value like any other here
    doubled = pl.DataFrame([d.key for d in result.duplicates], schema=dict.fromkeys(key, pl.String))
    old_one, new_one = (df.join(doubled, how="anti", **join) for df in (old_df, new_df))
    result.added = new_one.join(old_one.select(key), how="anti", **join).to_dicts()
    result.removed = old_one.join(new_one.select(key), how="anti", **join).to_dicts()
    if doubled.height:
        old_many, new_many = (
            _numbered(df.join(doubled, how="semi", **join), common) for df in (old_df, new_df)
        )
        whole = {"on": [*common, _OCCURRENCE], "nulls_equal": True}
        result.added += new_many.join(old_many, how="anti", **whole).drop(_OCCURRENCE).to_dicts()
        result.removed += old_many.join(new_many, how="anti", **whole).drop(_OCCURRENCE).to_dicts()
    result.added.sort(key=lambda row: _sort_key(row, key))
    result.removed.sort(key=lambda row: _sort_key(row, key))
    others = [c for c in common if c not in key]
    if others:
        both = old_one.select(common).join(new_one.select(common), how="inner", suffix="__new", **join)
        both = both.sort(key)
        differs = pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"{c}__new")) for c in others])
        for rec in both.filter(differs).iter_rows(named=True):
            cols = {c: (rec[c], rec[f"{c}__new"]) for c in others if rec[c] != rec[f"{c}__new"]}
            result.changed.append(RowChange(key={k: rec[k] for k in key}, columns=cols))
    return result


_OCCURRENCE = "__occurrence"


def _numbered(df: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Identical rows told apart by their occurrence, so two copies against one is one added."""
    return df.select(columns).with_columns(pl.int_range(pl.len()).over(columns).alias(_OCCURRENCE))


def _sort_key(row: Row, key: list[str]) -> tuple:
    return tuple((row.get(k) is not None, row.get(k) or "") for k in key)


def _duplicates(side: str, df: pl.DataFrame, key: list[str]) -> list[DuplicateKey]:
    rows = (
        df.with_row_index("__row", offset=2)
        .group_by(key, maintain_order=True)
        .agg(pl.col("__row"))
        .filter(pl.col("__row").list.len() > 1)
    )
    return [
        DuplicateKey(side, {k: rec[k] for k in key}, list(rec["__row"])) for rec in rows.iter_rows(named=True)
    ]


def _seed_hashes(root: Path) -> dict[str, str]:
    hashes = {}
    try:
        for rel, refused in containment.walk_files(root, paths.SEEDS_DIRNAME):
            if refused is not None:
                raise refused
            hashes[rel] = hashlib.sha256(containment.read_package_file(root, rel)).hexdigest()
    except containment.ContainmentError as exc:
        raise DiffError(f"{root}: {exc}") from None
    return hashes


def _diff_seeds(old_root: Path, new_root: Path) -> list[FileChange]:
    old, new = _seed_hashes(old_root), _seed_hashes(new_root)
    out = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        change = "added" if before is None else "removed" if after is None else "modified"
        out.append(FileChange(path, change, before, after))
    return out
