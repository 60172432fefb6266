"""Curation: add sources, claims, commitments, actors, discrepancies and status rows without risk.

Every command is one transaction (:func:`transaction`):

1. take the package lock (commitment_tracker/curation/lock.py) and roll back any write a crash interrupted
   (a dry run rolls nothing back: it refuses to run while a journal is pending, and says so);
2. load the tables as text and add rows in memory (:meth:`Draft.add`), each value parsed as its
   field's type so it is written in canonical form;
3. write the changed tables into a staged copy of the package and run the whole validation there
   (``commitment_tracker.validation.validate.validate``, every layer it has): the Table Schema,
   the suites and SQL rules in validators/ and provenance judge the change, as they judge a hand
   edit. No command keeps its own copy of a constraint or a rule; a refusal lists the problems
   the change brings, located in the staged files, each with its rule and, for a value that is
   not allowed or an unknown id, the nearest allowed ones;
4. only if that copy is valid, write the same files into the package with
   ``csvio.write_tables_atomically`` (all files or none, canonical form, rows sorted by key).

Nothing outside the package is read or written: every package file is reached through
``atomic.inside`` (no '..', no absolute path, no symbolic link), and the staged copies live in the
temp dir under a name holding the pid (:data:`STAGE_PREFIX`), so a run removes the copies of runs
that were killed. Every figure and date a command writes has the package's canonical form.

Rows are only ever added: no command edits or deletes one, which is what keeps ``status_updates``
append-only. Generated ids are slugs derived from the row's own content (a title, a name, the
subject of a claim), with ``-2``, ``-3`` appended on a clash, so the same input gives the same id.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
import os
import re
import shutil
import stat
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from commitment_tracker import figures
from commitment_tracker.curation import atomic, lock
from commitment_tracker.datapackage import csvio, paths
from commitment_tracker.datapackage import schema as schema_mod
from commitment_tracker.datapackage.schema import Package, Resource
from commitment_tracker.errors import TrackerError
from commitment_tracker.text import closest
from commitment_tracker.validation import context, gx_session, provenance
from commitment_tracker.validation.report import Problem, Report
from commitment_tracker.validation.rules import FIRST_RECORD_ROW

MAX_PROBLEMS_SHOWN = 15
SEED_NUMBER = re.compile(r"^seeds/(\d+)_")
# The largest text add-source archives (docs/curation-commands.md): a captured article is tens of KB.
MAX_SEED_BYTES = 5 * 1024 * 1024
# Staged copies are named <prefix><pid>-<random>: a later run removes those whose process is dead.
STAGE_PREFIX = "commitments-stage-"
_STAGE_NAME = re.compile(rf"{STAGE_PREFIX}(\d+)-[a-z0-9_]+")
# What a figure, a whole number and a date given to a command may look like; csvio then writes
# each figure canonically (6e8 as 600000000). Dates from 1900 to 2100.
NUMBER_FORM = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
INTEGER_FORM = re.compile(r"-?[0-9]+")
DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


class CurationError(TrackerError):
    """The change cannot be made; the message says why and how to fix it. Nothing was written."""


Row = dict[str, str | None]


@dataclass
class Outcome:
    """What a curation command added (or, in a dry run, would add)."""

    added: dict[str, list[Row]]
    files: list[str]
    dry_run: bool
    keys: dict[str, tuple[str, ...]]
    notes: list[str] = field(default_factory=list)

    def ids(self, resource: str) -> list[str]:
        """The primary-key values of the rows added to ``resource`` (joined by '/' when compound)."""
        return [_key_text(row, self.keys[resource]) for row in self.added.get(resource, [])]

    def render(self) -> str:
        lines = list(self.notes)
        if self.dry_run:
            lines.append("Dry run: nothing written. The package stays valid with these rows added:")
        else:
            lines.append("Added (the whole package validated, then written atomically):")
        for resource, rows in self.added.items():
            for row in rows:
                lines.append(f"+ {resource}  {_key_text(row, self.keys[resource])}")
                lines.extend(f"    {name}: {value}" for name, value in row.items() if value is not None)
        verb = "would change" if self.dry_run else "changed"
        lines.append(f"Files {verb}: {', '.join(self.files)}")
        return "\n".join(lines) + "\n"


def _key_text(row: Mapping[str, str | None], key: Sequence[str]) -> str:
    return " / ".join(str(row.get(k)) for k in key)


# --- the transaction -------------------------------------------------------------------------


class Draft:
    """The package loaded under the lock, plus the rows and files a command adds to it."""

    def __init__(self, root: Path, package: Package, today: dt.date) -> None:
        self.root = root
        self.package = package
        self.today = today
        self.notes: list[str] = []
        self._loaded: dict[str, pl.DataFrame] = {}
        self.added: dict[str, list[Row]] = {}
        self.new_files: dict[str, bytes] = {}  # package-relative path -> bytes
        self.descriptor: dict | None = None  # set when datapackage.json itself changes
        self._origin: str | None = None  # what the rows being added come from (see part())
        self._origins: dict[int, str] = {}  # id of an added row -> its origin

    # reading

    def table(self, name: str) -> pl.DataFrame:
        """All-text frame of a resource as it will be: rows on disk plus rows added so far."""
        if name not in self._loaded:
            resource = self.package.resource(name)
            try:
                atomic.inside(self.root, resource.path)
                self._loaded[name] = csvio.read_table(self.root, resource)
            except (csvio.TableReadError, atomic.OutsidePackageError) as exc:
                raise CurationError(f"{exc}\nRun `commitments validate` and fix the package first.") from None
        pending = self.added.get(name)
        if not pending:
            return self._loaded[name]
        schema = dict.fromkeys(self.package.resource(name).field_names, pl.String)
        return pl.concat([self._loaded[name], pl.DataFrame(pending, schema=schema)])

    def rows(self, name: str, **where: str) -> list[Row]:
        table = self.table(name)
        for column, value in where.items():
            table = table.filter(pl.col(column) == value)
        return table.to_dicts()

    def values(self, name: str, column: str) -> set[str]:
        return {v for v in self.table(name)[column].to_list() if v is not None}

    def require(self, name: str, column: str, value: str, what: str) -> Row:
        """The row whose ``column`` is ``value``; CurationError with close matches when absent."""
        found = self.rows(name, **{column: value})
        if not found:
            raise CurationError(_unknown(what, value, self.values(name, column)))
        return found[0]

    # changing

    def add(self, name: str, values: Mapping[str, object]) -> Row:
        """Add one row, each value in its canonical text; :meth:`commit` validates it."""
        resource = self.package.resource(name)
        unknown = set(values) - set(resource.field_names)
        if unknown:
            raise ValueError(f"{name} has no field(s) {sorted(unknown)}")
        row = _typed_row(resource, values)
        self.added.setdefault(name, []).append(row)
        if self._origin is not None:
            self._origins[id(row)] = self._origin
        return row

    @contextmanager
    def part(self, origin: str) -> Iterator[None]:
        """One part of a bigger change (a changeset row): the rows added inside are labelled
        ``origin`` when the validator refuses them, and dropped again when the part raises
        CurationError, so the other parts can still be tried and every refusal reported."""
        marks = {name: len(rows) for name, rows in self.added.items()}
        self._origin = origin
        try:
            yield
        except CurationError:
            for name, rows in list(self.added.items()):
                for row in rows[marks.get(name, 0) :]:
                    self._origins.pop(id(row), None)
                del rows[marks.get(name, 0) :]
                if not rows:
                    del self.added[name]
            raise
        finally:
            self._origin = None

    def add_file(self, relative: str, data: bytes) -> None:
        self.new_files[relative] = data

    def allocate(self, name: str, column: str, base: str, explicit: str | None = None) -> str:
        """A free id: ``explicit`` if given (refused when taken), else ``base``, ``base-2``, …"""
        taken = self.values(name, column)
        if explicit:
            if explicit in taken:
                raise CurationError(f"{name} already has {column} {explicit!r}; choose another --id")
            return explicit
        base = base or name.rstrip("s")
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def commit(self, dry_run: bool) -> Outcome:
        """Validate the changed package on a staged copy; then write it, unless ``dry_run``."""
        changed = {name: self.table(name) for name, rows in self.added.items() if rows}
        if not changed and not self.new_files:
            raise CurationError("nothing to add")
        # GX imports in a worker while the copy is staged and its structure checked (gx_session).
        with (
            gx_session.worker_for(self.root) as gx,
            tempfile.TemporaryDirectory(prefix=f"{STAGE_PREFIX}{os.getpid()}-") as tmp,
        ):
            stage = stage_copy(self.root, Path(tmp) / "package", self.package)
            self._write(stage, changed)
            report = _validate(stage, self.today, gx)
            if not report.valid:
                raise CurationError(self._explain_invalid(report, stage))
        if not dry_run:
            self._write(self.root, changed)
        files = [r.path for r in (self.package.resource(n) for n in changed)] + sorted(self.new_files)
        if self.descriptor is not None:
            files.append(paths.DESCRIPTOR_NAME)
        resources = [self.package.resource(n) for n in self.added]
        keys = {r.name: r.primary_key or tuple(r.field_names) for r in resources}
        return Outcome(added=self.added, files=files, dry_run=dry_run, keys=keys, notes=self.notes)

    def _write(self, root: Path, tables: Mapping[str, pl.DataFrame]) -> None:
        extra = {paths.resolve(root, rel): data for rel, data in self.new_files.items()}
        if self.descriptor is not None:
            text = json.dumps(self.descriptor, indent=2, ensure_ascii=False) + "\n"
            extra[paths.descriptor_path(root)] = text.encode("utf-8")
        resources = {n: self.package.resource(n) for n in tables}
        csvio.write_tables_atomically(root, tables, resources=resources, extra_files=extra)

    def _explain_invalid(self, report: Report, stage: Path) -> str:
        """The refusal: every problem the change brings, as the validator located it in ``stage``."""
        before = _validate(self.root, self.today)
        if not before.valid:
            return (
                f"the package is already invalid ({len(before.problems)} problems) so nothing was "
                "written; run `commitments validate`, fix it, then retry"
            )
        # The package was valid, so every problem of the staged copy is one the change brings.
        added = self._added_row_numbers(stage)
        lines = ["the change would leave the package invalid, so nothing was written:"]
        for p in report.problems[:MAX_PROBLEMS_SHOWN]:
            value = f" — {p.value!r}" if p.value is not None else ""
            new = ""
            if (p.resource, p.row) in added:
                origin = added[(p.resource, p.row)]
                new = f" (in the {p.resource} row {f'added by {origin}' if origin else 'this command adds'})"
            lines.append(f"  {p.location()}: {p.rule}{value}{new}")
            lines.append(f"      {p.message}")
            hint = self._hint(p)
            if hint:
                lines.append(f"      {hint}")
        hidden = len(report.problems) - MAX_PROBLEMS_SHOWN
        if hidden > 0:
            lines.append(f"  … and {hidden} more")
        return "\n".join(lines)

    def _added_row_numbers(self, stage: Path) -> dict[tuple[str, int], str | None]:
        """(resource, report row) of each added row in the staged files, which are sorted by key,
        with the origin of the row (see part()) when it has one."""
        found = {}
        for name, rows in self.added.items():
            try:
                staged = csvio.read_table(stage, self.package.resource(name)).to_dicts()
            except csvio.TableReadError:
                continue  # the report says why the file cannot be read
            origins = {frozenset(row.items()): self._origins.get(id(row)) for row in rows}
            for n, row in enumerate(staged, start=FIRST_RECORD_ROW):
                key = frozenset(row.items())
                if key in origins:
                    found[(name, n)] = origins[key]
        return found

    def _hint(self, problem: Problem) -> str | None:
        """The nearest allowed value for a value outside an enum, or ids near one that does not exist."""
        if problem.resource not in self.package.resource_names or problem.value is None:
            return None
        resource = self.package.resource(problem.resource)
        if problem.rule == "constraint-error" and problem.column in resource.field_names:
            allowed = resource.field(problem.column).enum
            if allowed is None or problem.value in map(str, allowed):
                return None
            # The validator's message lists the allowed values; point at the one likely meant.
            close = closest(problem.value, map(str, allowed), cutoff=0.6)  # difflib's default, as before
            return f"did you mean {close[0]!r}?" if close else None
        if problem.rule == "foreign-key":
            for fk in resource.foreign_keys:
                if fk.fields == (problem.column,):
                    what = fk.resource.rstrip("s")
                    return _unknown(what, problem.value, self.values(fk.resource, fk.reference_fields[0]))
        return None


@contextmanager
def transaction(root: Path, timeout: float = lock.DEFAULT_TIMEOUT, dry_run: bool = False) -> Iterator[Draft]:
    """Hold the package lock, undo any interrupted write, and hand out a Draft of the package.

    A dry run writes nothing, so it does not roll an interrupted write back: it refuses to run
    on the torn package, naming the files the journal would restore.
    """
    root = Path(root)
    try:
        today = context.today_from_env()
    except ValueError as exc:
        raise CurationError(str(exc)) from None
    remove_stale_stages()
    with lock.package_lock(root, timeout):
        if dry_run:
            _refuse_pending_write(root)
            restored = []
        else:
            restored = atomic.recover(root)
        try:
            atomic.inside(root, paths.DESCRIPTOR_NAME)
            package = schema_mod.load_package(root)
        except (schema_mod.DescriptorError, atomic.OutsidePackageError) as exc:
            raise CurationError(str(exc)) from None
        draft = Draft(root, package, today)
        if restored:
            draft.notes.append(f"Rolled back a write that was interrupted earlier: {', '.join(restored)}")
        yield draft


def _refuse_pending_write(root: Path) -> None:
    entries = atomic.read_journal(root)  # JournalError for a journal recovery would refuse too
    if entries is not None:
        files = ", ".join(e["path"] for e in entries) or "no files"
        raise CurationError(
            f"{atomic.journal_path(root)} holds a write that was interrupted (it would restore: {files}). "
            "A dry run writes nothing, so it does not roll that write back: run any curation command "
            "without --dry-run (it rolls back first), then retry"
        )


def remove_stale_stages(folder: Path | None = None) -> list[Path]:
    """Remove staged copies (in the temp dir) left by curation runs that were killed.

    Only folders named by :func:`Draft.commit` (``STAGE_PREFIX<pid>-…``), owned by this user, not
    links, and whose pid is no running process; a pid reused since is only a copy left a while
    longer. Returns what was removed.
    """
    folder = Path(folder or tempfile.gettempdir())
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _STAGE_NAME.fullmatch(entry.name)
        if not match or int(match.group(1)) in (0, os.getpid()):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or _alive(int(match.group(1))):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)  # removes links inside, never their targets
        removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process, or not a pid at all: leave the folder be
    return True


def stage_copy(root: Path, dest: Path, package: Package) -> Path:
    """A throwaway copy of the package to validate a change on.

    The descriptor, the data folders, seeds/, validators/ and queries/ are copied (a change writes
    into the first ones; the others are read only from inside the package, so a link out of the
    stage would be refused); every other top-level entry is linked, so each validation layer finds what it
    reads in the real package, whatever layers exist. Hidden entries (.git, .venv, the lock) are left
    out. Symbolic links are copied as links, never followed: validation judges them as they are.
    """
    dest.mkdir(parents=True)
    copied = {paths.DESCRIPTOR_NAME, paths.SEEDS_DIRNAME, paths.VALIDATORS_DIRNAME, "queries"} | {
        Path(r.path).parts[0] for r in package.resources
    }
    for entry in sorted(Path(root).iterdir()):
        if entry.name.startswith("."):
            continue
        target = dest / entry.name
        if entry.name not in copied:
            target.symlink_to(entry.resolve(), target_is_directory=entry.is_dir())
        elif entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, target, symlinks=True)
        else:
            shutil.copy2(entry, target, follow_symlinks=False)
    return dest


def _validate(root: Path, today: dt.date, gx: gx_session.RemoteSession | None = None) -> Report:
    # Looked up at call time so every layer validate.LAYERS has now takes part.
    from commitment_tracker.validation import validate as validate_mod

    return validate_mod.validate(root, today=today, gx=gx)


# --- values, typed from the schema ------------------------------------------------------------


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if text != "" else None


def _typed_row(resource: Resource, values: Mapping[str, object]) -> Row:
    """The canonical text of a new row: each value parsed as its field's type.

    A value must parse to be written canonically (6e8 as 600000000); whether it is allowed (enum,
    pattern, range, required, keys) is the validator's to judge, on the staged package.
    """
    text = {name: _as_text(values.get(name)) for name in resource.field_names}
    for f in resource.fields:
        problem = None if text[f.name] is None else _form_problem(f.type, text[f.name])
        if problem:
            raise CurationError(f"{resource.name}.{f.name}: {text[f.name]!r} {problem}")
    frame = pl.DataFrame([text], schema=dict.fromkeys(resource.field_names, pl.String))
    typed = csvio.cast_to_schema(frame, resource, strict=False, canonical=False)
    for f in resource.fields:
        if text[f.name] is not None and typed[f.name][0] is None:
            raise CurationError(
                f"{resource.name}.{f.name}: {text[f.name]!r} is not a valid {f.type}"
                + (" (write dates as YYYY-MM-DD)" if f.type == "date" else "")
            )
    return csvio.to_canonical_text(typed, resource).row(0, named=True)


def _unknown(what: str, value: str, candidates: set[str]) -> str:
    close = closest(value, sorted(candidates), n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown {what} {value!r}{hint}"


def slugify(text: str, max_words: int = 6) -> str:
    """'Le centre Al Jazari ouvre à Nador' -> 'le-centre-al-jazari-ouvre-a': ASCII, lowercase, hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower())[:max_words])


def _form_problem(kind: str, text: str) -> str | None:
    """Why ``text`` is not a value of Table Schema type ``kind`` in the package's form, or None.

    Stricter than parsing: Python and polars accept ' 103', '1e400' (infinity), 'nan', '+5' or
    '20250703', none of which the package stores. Figures are finite decimals (an exponent is
    allowed) that a float holds exactly as written; dates are YYYY-MM-DD from EARLIEST_DATE to
    LATEST_DATE.
    """
    if kind == "number":
        if not NUMBER_FORM.fullmatch(text):
            return (
                "is not a decimal number: write digits with an optional '.' and decimals, in the base "
                "unit (11 milliards = 11000000000 or 11e9), without spaces, '_', ',', NaN or infinity"
            )
        number = float(text)
        if not math.isfinite(number) or abs(number) >= 2**53:
            return f"is too large: figures must be below {2**53} to be stored exactly"
        if decimal.Decimal(text) != decimal.Decimal(repr(number)):  # rounded, or underflowed to 0
            return "has more significant digits than a figure can hold exactly"
    elif kind == "integer" and not INTEGER_FORM.fullmatch(text):
        return "is not a whole number: write digits only, without spaces, '_', '+' or exponent"
    elif kind == "date":
        if not DATE_FORM.fullmatch(text):
            return "is not a date: write YYYY-MM-DD (ISO 8601, e.g. 2025-07-03)"
        try:
            date = dt.date.fromisoformat(text)
        except ValueError:
            return "is not a date: no such day in the calendar (YYYY-MM-DD)"
        if not EARLIEST_DATE <= date <= LATEST_DATE:
            return f"is outside the dates this package records ({EARLIEST_DATE} to {LATEST_DATE})"
    return None


def _parse_date(value: str | dt.date | None, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    problem = _form_problem("date", text)
    if problem:
        raise CurationError(f"{what}: {text!r} {problem}")
    return dt.date.fromisoformat(text)


def _figure(value: str | float | int | None, option: str, kind: str = "number") -> str | None:
    """The text of a figure given to ``option``, checked; CurationError naming the option otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        text = str(int(value))  # 11000000000.0 from Python means 11000000000
    else:
        text = str(value)
    problem = _form_problem(kind, text)
    if problem:
        raise CurationError(f"{option}: {text!r} {problem}")
    return text


# --- quotes ----------------------------------------------------------------------------------


def quote_starts(text: str, quote: str) -> list[int]:
    """Every offset where ``quote`` begins in ``text``, overlaps included: what --occurrence counts."""
    starts = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    return starts


def find_quote(seed_text: str, quote: str, occurrence: int | None, where: str) -> int:
    """Start offset of ``quote`` in the seed; CurationError with a hint when absent or ambiguous."""
    if not quote:
        raise CurationError("the quote is empty")
    starts = quote_starts(seed_text, quote)
    if not starts:
        hints = "; ".join(provenance.explain_absence(seed_text, quote))
        raise CurationError(f"the quote is not in {where}: {hints}")
    if occurrence is None:
        if len(starts) == 1:
            return starts[0]
        lines = [f"the quote occurs {len(starts)} times in {where}; choose one with --occurrence K:"]
        for k, start in enumerate(starts, start=1):
            context_text = seed_text[max(0, start - 30) : start + len(quote) + 30]
            lines.append(f"  {k}: at {start}:{start + len(quote)}  …{context_text!r}…")
        raise CurationError("\n".join(lines))
    if not 1 <= occurrence <= len(starts):
        raise CurationError(
            f"--occurrence {occurrence}: the quote occurs {len(starts)} time(s) in {where}; "
            f"pass a number from 1 to {len(starts)}"
        )
    return starts[occurrence - 1]


def _seed(draft: Draft, source_id: str) -> tuple[Row, str]:
    source = draft.require("sources", "source_id", source_id, "source")
    try:
        path = atomic.inside(draft.root, source["seed_path"])
        return source, provenance.read_seed(path)
    except (OSError, UnicodeDecodeError, atomic.OutsidePackageError) as exc:
        raise CurationError(
            f"seed of source {source_id} cannot be read ({exc}); run `commitments validate`"
        ) from None


def _locate(draft: Draft, source_id: str, quote: str, occurrence: int | None = None) -> tuple[int, int]:
    source, text = _seed(draft, source_id)
    start = find_quote(text, quote, occurrence, f"{source['seed_path']} (source {source_id})")
    return start, start + len(quote)


def _source_tag(source: Row) -> str:
    """'c005' for a source whose seed is seeds/005_…: claim ids start with their seed's number."""
    match = SEED_NUMBER.match(source["seed_path"] or "")
    return f"c{match.group(1)}" if match else f"c-{source['source_id']}"


# --- the commands ----------------------------------------------------------------------------


def read_capture(file: Path) -> bytes:
    """The bytes of a text to archive: a non-empty regular UTF-8 file of at most MAX_SEED_BYTES.

    Checked before it is opened (a FIFO or a device such as /dev/zero would block or never end)
    and again on the open descriptor, which never follows a link: a seed is the file itself.
    """
    try:
        st = os.lstat(file)
    except OSError as exc:
        raise CurationError(f"{file} cannot be read: {exc.strerror}") from None
    if stat.S_ISLNK(st.st_mode):
        raise CurationError(f"{file} is a symbolic link; pass the file it points to itself")
    if not stat.S_ISREG(st.st_mode):
        raise CurationError(f"{file} is not a regular file (a folder, pipe or device); pass a saved text")
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise CurationError(f"{file} is not a regular file; pass a saved text file")
            data = fh.read(MAX_SEED_BYTES + 1)
    except OSError as exc:
        raise CurationError(f"{file} cannot be read: {exc.strerror}") from None
    if len(data) > MAX_SEED_BYTES:
        raise CurationError(
            f"{file} is larger than {MAX_SEED_BYTES // (1024 * 1024)} MB, the most a seed may hold; "
            "archive the article's text, not a whole site or a binary file"
        )
    if not data.strip():
        raise CurationError(f"{file} is empty (or only whitespace): there is nothing to quote")
    try:
        text = provenance.decode_seed(data)
    except UnicodeDecodeError as exc:
        raise CurationError(
            f"{file} is not UTF-8 (byte {exc.start}); quote offsets are counted in UTF-8 text, so "
            "save the capture as UTF-8 first"
        ) from None
    if "\x00" in text:
        raise CurationError(
            f"{file} contains a NUL byte (at byte {data.index(0)}): it is not a text file; save the "
            "article's text as UTF-8"
        )
    return data


def add_source(
    root: Path,
    file: Path,
    *,
    outlet: str | None,
    title: str | None,
    published_on: str | None,
    author: str | None = None,
    url: str | None = None,
    genre: str | None = "news",
    language: str | None = "fr",
    notes: str | None = None,
    source_id: str | None = None,
    dry_run: bool = False,
) -> Outcome:
    """Archive ``file`` byte for byte in seeds/ and add its sources row (refused if already archived)."""
    data = read_capture(Path(file))
    published = _parse_date(published_on, "--published-on")
    digest = hashlib.sha256(data).hexdigest()
    with transaction(root, dry_run=dry_run) as draft:
        same = draft.rows("sources", seed_sha256=digest)
        if same:
            raise CurationError(
                f"{file} is already archived as source {same[0]['source_id']} ({same[0]['seed_path']}); "
                "add claims to that source instead"
            )
        numbers = [
            int(m.group(1)) for p in draft.values("sources", "seed_path") if (m := SEED_NUMBER.match(p))
        ]
        number = f"{max(numbers, default=-1) + 1:03d}"
        seed_path = f"{paths.SEEDS_DIRNAME}/{number}_{digest[:16]}.txt"
        if os.path.lexists(paths.resolve(draft.root, seed_path)):
            raise CurationError(f"{seed_path} already exists but no source uses it; remove it or record it")
        words = [w for w in slugify(title or "", 12).split("-") if len(w) > 3][:3]
        base = "-".join(["seed", number, slugify(outlet or "", 2) or "source", *words])
        new_id = draft.allocate("sources", "source_id", base, source_id)
        draft.add_file(seed_path, data)
        row = draft.add(
            "sources",
            {
                "source_id": new_id,
                "seed_path": seed_path,
                "seed_sha256": digest,
                "outlet": outlet,
                "title": title,
                "author": author,
                "published_on": published,
                "genre": genre,
                "language": language,
                "url": url,
                "notes": notes,
            },
        )
        # The descriptor lists the archived texts too; keep that list in step with sources.csv.
        listed = draft.package.descriptor.get("sources")
        if isinstance(listed, list):
            descriptor = json.loads(json.dumps(draft.package.descriptor))
            title = row["title"] or f"Untitled article ({new_id})"
            descriptor["sources"].append({"title": title, "path": seed_path})
            draft.descriptor = descriptor
        return draft.commit(dry_run)


def add_claim(
    root: Path,
    *,
    discrepancy: str | None = None,
    disputes: Sequence[str] = (),
    discrepancy_kind: str | None = None,
    discrepancy_description: str | None = None,
    dry_run: bool = False,
    **claim: str | float | int | None,
) -> Outcome:
    """Quote a passage of a source about one commitment, indicator or event; offsets are found.

    ``claim`` holds the claim's fields, named as :func:`_claim` takes them: ``source`` and
    ``quote``, one of ``commitment``, ``indicator`` or ``event``, and optionally ``value``,
    ``unit``, ``qualifier``, ``speaker``, ``notes``, ``occurrence`` and ``claim_id``.

    A claim whose figure differs from another claim's on the same subject is only valid once a
    discrepancy links them, so the link is made in the same write: ``discrepancy`` joins an
    existing discrepancy; ``disputes`` (claim ids) records a new one of ``discrepancy_kind``,
    described by ``discrepancy_description``, between those claims and the new one.
    """
    claim["value"] = _figure(claim.get("value"), "--value")
    with transaction(root, dry_run=dry_run) as draft:
        row = _claim(draft, **claim)
        if discrepancy or disputes:
            if discrepancy and disputes:
                raise CurationError("pass either --discrepancy (an existing one) or --disputes (a new one)")
            claims = [row["claim_id"], *disputes]
            _discrepancy(draft, discrepancy_kind, discrepancy_description, claims, to=discrepancy)
        return draft.commit(dry_run)


def _claim(
    draft: Draft,
    *,
    source: str,
    quote: str,
    commitment: str | None = None,
    indicator: str | None = None,
    event: str | None = None,
    value: str | float | None = None,
    unit: str | None = None,
    qualifier: str | None = None,
    speaker: str | None = None,
    notes: str | None = None,
    occurrence: int | None = None,
    claim_id: str | None = None,
) -> Row:
    subjects = {"commitment": commitment, "indicator": indicator, "event": event}
    given = {k: v for k, v in subjects.items() if v}
    if len(given) != 1:
        raise CurationError(
            "a claim is about exactly one thing: pass one of --commitment, --indicator, --event"
        )
    ((kind, subject),) = given.items()
    subject_row = draft.require(f"{kind}s", f"{kind}_id", subject, kind)
    if value is not None and unit is None:
        unit = subject_row.get("unit_id")  # the subject's unit, so a figure is never unitless
    source_row = draft.require("sources", "source_id", source, "source")
    start, end = _locate(draft, source, quote, occurrence)
    new_id = draft.allocate("claims", "claim_id", f"{_source_tag(source_row)}-{subject}", claim_id)
    return draft.add(
        "claims",
        {
            "claim_id": new_id,
            "source_id": source,
            "commitment_id": commitment,
            "indicator_id": indicator,
            "event_id": event,
            "quote": quote,
            "quote_start": start,
            "quote_end": end,
            "value": value,
            "value_stated": _stated(quote, value, unit, qualifier),
            "unit_id": unit,
            "qualifier": qualifier,
            "speaker_actor_id": speaker,
            "notes": notes,
        },
    )


def _stated(quote: str, value: str | float | None, unit: str | None, qualifier: str | None) -> str | None:
    """The figure as the quote writes it (claims.value_stated), found by the figure grammar.

    None when there is no value, or when the quote states no such figure: the validator then
    refuses the claim and says what the quote does state.
    """
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None  # not a number: the validator reports the type error
    return None if number is None else figures.stated_form(quote, number, unit, qualifier)


def add_commitment(
    root: Path,
    *,
    title_fr: str,
    title_en: str,
    kind: str,
    sector: str,
    source: str,
    quote: str,
    rationale: str,
    occurrence: int | None = None,
    owner: str | None = None,
    parent: str | None = None,
    target_value: str | float | None = None,
    unit: str | None = None,
    qualifier: str | None = None,
    deadline_year: str | int | None = None,
    announced_on: str | None = None,
    event: str | None = None,
    notes: str | None = None,
    status: str = "announced",
    formality: str | None = None,
    as_of: str | None = None,
    parties: Sequence[tuple[str, str]] = (),
    speaker: str | None = None,
    commitment_id: str | None = None,
    dry_run: bool = False,
) -> Outcome:
    """A new commitment together with its first claim, its first status row and its parties.

    They go in one write because a commitment without evidence or status is not a valid package
    state: the claim quotes ``quote`` from ``source`` (carrying the target value, unit and
    qualifier), the status row (``status``, as of ``as_of``, else the announcement date, else the
    source's publication date) cites that claim, and each (actor, role) party is named by it.
    """
    target_value = _figure(target_value, "--target-value")
    deadline_year = _figure(deadline_year, "--deadline-year", "integer")
    announced = _parse_date(announced_on, "--announced-on")
    first = _parse_date(as_of, "--as-of")
    with transaction(root, dry_run=dry_run) as draft:
        new_id = draft.allocate("commitments", "commitment_id", slugify(title_en), commitment_id)
        draft.add(
            "commitments",
            {
                "commitment_id": new_id,
                "title_fr": title_fr,
                "title_en": title_en,
                "kind": kind,
                "sector_id": sector,
                "owner_actor_id": owner,
                "parent_commitment_id": parent,
                "target_value": target_value,
                "unit_id": unit,
                "target_qualifier": qualifier,
                "deadline_year": deadline_year,
                "announced_on": announced,
                "event_id": event,
                "notes": notes,
            },
        )
        claim = _claim(
            draft,
            source=source,
            quote=quote,
            commitment=new_id,
            value=target_value,
            # A claim carries a unit and qualifier only with a figure.
            unit=unit if target_value is not None else None,
            qualifier=qualifier if target_value is not None else None,
            speaker=speaker,
            occurrence=occurrence,
        )
        published = _parse_date(
            draft.require("sources", "source_id", source, "source")["published_on"], "published_on"
        )
        first_date = first or announced or published
        if first_date is None:
            raise CurationError(
                "neither --announced-on nor the source's publication date is known: pass --as-of"
            )
        _status(draft, new_id, first_date, status, formality, None, source, claim["claim_id"], rationale)
        for actor, role in parties:
            draft.add(
                "commitment_parties",
                {"commitment_id": new_id, "actor_id": actor, "role": role, "claim_id": claim["claim_id"]},
            )
        return draft.commit(dry_run)


def add_actor(
    root: Path,
    name: str,
    *,
    kind: str,
    source: str,
    aliases: Sequence[str] = (),
    title: str | None = None,
    country: str | None = None,
    notes: str | None = None,
    parties: Sequence[tuple[str, str, str]] = (),
    actor_id: str | None = None,
    dry_run: bool = False,
) -> Outcome:
    """A new actor; its name and each extra spelling are located in ``source`` as actor_aliases.

    ``parties`` are (commitment, role, claim) triples: the commitments the actor takes part in.
    """
    with transaction(root, dry_run=dry_run) as draft:
        base = slugify(name, 8)
        if actor_id is None and base in draft.values("actors", "actor_id"):
            existing = draft.require("actors", "actor_id", base, "actor")
            raise CurationError(
                f"actor {base!r} ({existing['name']}) already exists; to record another spelling use "
                f"--to {base} --alias '…', or pass --id for a different actor"
            )
        new_id = draft.allocate("actors", "actor_id", base, actor_id)
        draft.add(
            "actors",
            {
                "actor_id": new_id,
                "name": name,
                "kind": kind,
                "title": title,
                "country": country,
                "notes": notes,
            },
        )
        _aliases(draft, new_id, [name, *aliases], source)
        for commitment, role, claim in parties:
            draft.add(
                "commitment_parties",
                {"commitment_id": commitment, "actor_id": new_id, "role": role, "claim_id": claim},
            )
        return draft.commit(dry_run)


def add_aliases(
    root: Path, actor: str, aliases: Sequence[str], source: str, dry_run: bool = False
) -> Outcome:
    """Record more spellings of an existing actor's name, each located in ``source``."""
    if not aliases:
        raise CurationError("pass at least one --alias to record")
    with transaction(root, dry_run=dry_run) as draft:
        _aliases(draft, actor, aliases, source)
        return draft.commit(dry_run)


def _aliases(draft: Draft, actor: str, spellings: Sequence[str], source: str) -> None:
    known = {r["alias"] for r in draft.rows("actor_aliases", actor_id=actor)}
    _, text = _seed(draft, source)
    for spelling in dict.fromkeys(spellings):
        if spelling in known:
            raise CurationError(f"{spelling!r} is already recorded as a spelling of {actor}")
        start = find_quote(text, spelling, 1, f"source {source}")  # aliases use the first occurrence
        draft.add(
            "actor_aliases",
            {
                "actor_id": actor,
                "alias": spelling,
                "source_id": source,
                "quote_start": start,
                "quote_end": start + len(spelling),
            },
        )


def record_discrepancy(
    root: Path,
    *,
    kind: str | None = None,
    description: str | None = None,
    claims: Sequence[str] = (),
    aliases: Sequence[tuple[str, str]] = (),
    discrepancy_id: str | None = None,
    to: str | None = None,
    dry_run: bool = False,
) -> Outcome:
    """Link the versions that disagree (claims, or spellings as (actor, alias)) as one discrepancy.

    With ``to``, the claims and spellings join an existing discrepancy instead (a new source repeats
    one of the versions, say).
    """
    with transaction(root, dry_run=dry_run) as draft:
        _discrepancy(draft, kind, description, claims, aliases, discrepancy_id, to)
        return draft.commit(dry_run)


def _discrepancy(
    draft: Draft,
    kind: str | None,
    description: str | None,
    claims: Sequence[str],
    aliases: Sequence[tuple[str, str]] = (),
    discrepancy_id: str | None = None,
    to: str | None = None,
) -> str:
    if to:
        if kind or description or discrepancy_id:
            raise CurationError(
                "--to adds versions to an existing discrepancy: drop --kind, --description and --id"
            )
        target = to
        if not claims and not aliases:
            raise CurationError("pass the --claim or --alias versions to add")
    else:
        base = slugify(description or "", 5)
        target = draft.allocate("discrepancies", "discrepancy_id", base, discrepancy_id)
        draft.add("discrepancies", {"discrepancy_id": target, "kind": kind, "description": description})
    for claim in claims:
        draft.add("discrepancy_claims", {"discrepancy_id": target, "claim_id": claim})
    for actor, alias in aliases:
        # A spelling is located once per source that uses it: the discrepancy links each of them
        # (none found: the row names no source and the validator refuses it with the missing alias).
        located = draft.rows("actor_aliases", actor_id=actor, alias=alias) or [{"source_id": None}]
        for row in located:
            draft.add(
                "discrepancy_aliases",
                {"discrepancy_id": target, "actor_id": actor, "alias": alias, "source_id": row["source_id"]},
            )
    return target


def set_status(
    root: Path,
    commitment: str,
    *,
    as_of: str | dt.date,
    status: str,
    source: str,
    rationale: str,
    formality: str | None = None,
    actual_value: str | float | None = None,
    claim: str | None = None,
    dry_run: bool = False,
) -> Outcome:
    """Append a dated status row for ``commitment``; past rows are never touched."""
    date = _parse_date(as_of, "--as-of")
    if date is None:
        raise CurationError("--as-of is required")
    actual_value = _figure(actual_value, "--actual-value")
    with transaction(root, dry_run=dry_run) as draft:
        _status(draft, commitment, date, status, formality, actual_value, source, claim, rationale)
        return draft.commit(dry_run)


def _status(
    draft: Draft,
    commitment: str,
    as_of: dt.date,
    status: str,
    formality: str | None,
    actual_value: str | None,
    source: str,
    claim: str | None,
    rationale: str,
) -> Row:
    # The commitment exists, the date is not in the future nor before the announcement, and the
    # evidence comes from the row's source: the validator judges those on the staged package. What
    # follows is the command's own contract: rows are appended in date order, with evidence about
    # the commitment itself.
    history = sorted(r["as_of"] for r in draft.rows("status_updates", commitment_id=commitment))
    if history and as_of.isoformat() <= history[-1]:
        latest = draft.rows("status_updates", commitment_id=commitment, as_of=history[-1])[0]
        same = as_of.isoformat() == history[-1]
        raise CurationError(
            f"{commitment} already has a status row {'for' if same else 'after'} {as_of}: "
            f"{latest['status']} as of {history[-1]}. status_updates is append-only, so a new row must be "
            "dated after the latest one; to correct a past row, record the correction as a new dated row"
        )
    for evidence in draft.rows("claims", claim_id=claim) if claim else []:
        if evidence["commitment_id"] != commitment:
            about = evidence["commitment_id"] or evidence["indicator_id"] or evidence["event_id"]
            raise CurationError(f"claim {claim} is about {about}, not {commitment}")
    return draft.add(
        "status_updates",
        {
            "commitment_id": commitment,
            "as_of": as_of,
            "status": status,
            "formality": formality,
            "actual_value": actual_value,
            "source_id": source,
            "claim_id": claim,
            "rationale": rationale,
        },
    )
