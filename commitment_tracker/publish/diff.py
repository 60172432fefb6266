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


@dataclass
class ResourceDiff:
    name: str
    key: tuple[str, ...]
    added: list[Row] = field(default_factory=list)
    removed: list[Row] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

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

    @property
    def breaking(self) -> bool:
        return any(c.breaking for c in self.schema_changes)

    @property
    def is_empty(self) -> bool:
        return not self.schema_changes and not self.seed_files and all(r.is_empty for r in self.resources)

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
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "diff_version": DIFF_VERSION,
            "old": {"label": self.old_label, "version": self.old_version},
            "new": {"label": self.new_label, "version": self.new_version},
            "breaking": self.breaking,
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
                }
                for r in self.resources
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def to_frame(self) -> pl.DataFrame:
        """One row per change (long form), for Parquet or a DuckDB table.

        change is added / removed (whole rows, as JSON in after / before), changed (one row per
        column, with before and after), schema (kind says which) or seed-file.
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
            lines += ["| resource | added | removed | changed |", "|---|---:|---:|---:|"]
            lines += [
                f"| `{r.name}` | {len(r.added)} | {len(r.removed)} | {len(r.changed)} |" for r in changed
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
                        lines.append(f"- `{r.key_text(row)}` — {cells}")
            if r.changed:
                lines += ["", f"Changed ({len(r.changed)}):", ""]
                for ch in r.changed:
                    lines.append(f"- `{r.key_text(ch.key)}`")
                    lines += [f"  - {col}: {_json(b)} → {_json(a)}" for col, (b, a) in ch.columns.items()]
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


def diff(old: str | Path, new: str | Path, repo: Path) -> PackageDiff:
    """Compare two sides (each a package folder or a git ref of ``repo``)."""
    with open_side(str(old), repo) as a, open_side(str(new), repo) as b:
        return diff_folders(a.root, b.root, a.label, b.label)


def diff_folders(old_root: Path, new_root: Path, old_label: str, new_label: str) -> PackageDiff:
    try:
        old_pkg, new_pkg = schema.load_package(old_root), schema.load_package(new_root)
    except schema.DescriptorError as exc:
        raise DiffError(str(exc)) from None
    resources = []
    for res in new_pkg.resources:
        if res.name in old_pkg.resource_names:
            resources.append(_diff_resource(old_root, old_pkg.resource(res.name), new_root, res))
    return PackageDiff(
        old_label=old_label,
        new_label=new_label,
        old_version=old_pkg.version,
        new_version=new_pkg.version,
        schema_changes=schema_changes(old_pkg, new_pkg),
        resources=resources,
        seed_files=_diff_seeds(old_root, new_root),
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


def _diff_resource(old_root: Path, old_res: Resource, new_root: Path, new_res: Resource) -> ResourceDiff:
    old_df, new_df = _read(old_root, old_res), _read(new_root, new_res)
    common = [c for c in new_df.columns if c in old_df.columns]
    key = new_res.primary_key if set(new_res.primary_key) <= set(common) else ()
    key = key or tuple(common)  # no usable key: a row is its whole content
    result = ResourceDiff(name=new_res.name, key=tuple(key))
    by_key = list(key)
    join = {"on": by_key, "nulls_equal": True}  # a blank is a value like any other here
    result.added = new_df.join(old_df.select(by_key), how="anti", **join).sort(by_key).to_dicts()
    result.removed = old_df.join(new_df.select(by_key), how="anti", **join).sort(by_key).to_dicts()
    others = [c for c in common if c not in key]
    if others:
        both = old_df.select(common).join(new_df.select(common), how="inner", suffix="__new", **join)
        both = both.sort(by_key)
        differs = pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"{c}__new")) for c in others])
        for rec in both.filter(differs).iter_rows(named=True):
            cols = {c: (rec[c], rec[f"{c}__new"]) for c in others if rec[c] != rec[f"{c}__new"]}
            result.changed.append(RowChange(key={k: rec[k] for k in key}, columns=cols))
    return result


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
