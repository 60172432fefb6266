"""Shared fixtures: a fresh copy of the real package per test, helpers that break one thing, and
one validation of the real package per session (shared by every pytest-xdist worker)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from filelock import FileLock

from commitment_tracker.cli import cli
from commitment_tracker.curation import lock
from commitment_tracker.validation import validate as validate_module
from commitment_tracker.validation.report import Problem, Report

REPO = Path(__file__).resolve().parent.parent
PACKAGE_PARTS = ("datapackage.json", "data", "seeds", "validators", "queries")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under `pytest -n` (--dist loadgroup), tests that share a module- or class-scoped fixture run on
    one worker, so the fixture (a build, a site, a generated package) is made once, not once per
    worker. Tests already given an xdist_group keep it."""
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        defs = getattr(item, "_fixtureinfo", None)
        for name in getattr(item, "fixturenames", ()):
            scopes = [d.scope for d in (defs.name2fixturedefs.get(name, ()) if defs else ())]
            if scopes and scopes[-1] in ("module", "class"):
                item.add_marker(pytest.mark.xdist_group(f"{item.module.__name__}:{name}"))
                break


def generate_package(out: Path, claims: int, seed: int | None = None) -> Path:
    """A synthetic package of ``claims`` claims written by bench/generate.py (valid by construction)."""
    argv = [sys.executable, str(REPO / "bench" / "generate.py"), "--claims", str(claims), "--out", str(out)]
    if seed is not None:
        argv += ["--seed", str(seed)]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return out


def copy_package(target: Path) -> Path:
    """Copy the real package (descriptor, data, seeds, validators, queries) to ``target``; fail if
    incomplete."""
    missing = [p for p in PACKAGE_PARTS if not (REPO / p).exists()]
    assert not missing, f"the real package is incomplete, missing: {missing}"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "datapackage.json", target / "datapackage.json")
    shutil.copytree(REPO / "data", target / "data")
    shutil.copytree(REPO / "seeds", target / "seeds")
    shutil.copytree(REPO / "validators", target / "validators")
    shutil.copytree(REPO / "queries", target / "queries")
    return target


def pin_today(day: str):
    """An autouse fixture pinning "today" ($COMMITMENTS_TODAY) to ``day`` for every test of the module
    that assigns it (``pinned_today = pin_today(TODAY)``), so date rules are repeatable."""

    @pytest.fixture(autouse=True)
    def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("COMMITMENTS_TODAY", day)

    return pinned_today


def snapshot(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` (hidden ones included) by relative path, a symbolic link
    by its target (not followed); the package lock, which taking it creates and holds no data, left out."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.name == lock.LOCK_NAME:
            continue
        if p.is_symlink():
            out[p.relative_to(root).as_posix()] = f"link to {os.readlink(p)}"
        elif p.is_file():
            out[p.relative_to(root).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A writable copy of the real package."""
    return copy_package(tmp_path / "pkg")


def read_rows(root: Path, resource: str) -> tuple[list[str], list[list[str]]]:
    with open(root / "data" / f"{resource}.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def write_rows(root: Path, resource: str, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    (root / "data" / f"{resource}.csv").write_text(buf.getvalue(), encoding="utf-8", newline="")


def set_cell(root: Path, resource: str, row: int, column: str, value: str | Callable[[str], str]) -> str:
    """Change one cell; ``row`` counts like the report (header = 1). Returns the old value."""
    header, rows = read_rows(root, resource)
    record = rows[row - 2]
    index = header.index(column)
    old = record[index]
    record[index] = value(old) if callable(value) else value
    write_rows(root, resource, header, rows)
    return old


def edit(root: Path, resource: str, key: dict[str, str], **changes: str) -> int:
    """Set cells of the record matching every ``key`` column; returns its row number (header = 1)."""
    header, rows = read_rows(root, resource)
    for n, record in enumerate(rows, start=2):
        if all(record[header.index(k)] == v for k, v in key.items()):
            for column, value in changes.items():
                record[header.index(column)] = value
            write_rows(root, resource, header, rows)
            return n
    raise AssertionError(f"{resource} has no row {key}")


def run_cli(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@dataclass(frozen=True)
class ValidateRun:
    """One `validate --format json` run: its exit code and output, and the Report it printed."""

    exit_code: int
    output: str
    report: Report

    @property
    def data(self) -> dict:
        return json.loads(self.output)

    @property
    def problems(self) -> list[Problem]:
        return [Problem(**p) for p in self.data["problems"]]

    @property
    def text(self) -> str:
        """What `validate --limit 0` prints for the same report (the CLI renders it with to_text)."""
        return self.report.to_text(limit=0)


def validate_cli(root: Path, *args: str) -> ValidateRun:
    """Run `validate --root ROOT --format json` once, keeping the Report object the command printed.

    A test asserts the exit code, the JSON and the text report from this single validation instead
    of validating the same package again through the API or the text format.
    """
    reports: list[Report] = []
    real = validate_module.validate

    def recording(*a, **kw) -> Report:
        reports.append(real(*a, **kw))
        return reports[-1]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(validate_module, "validate", recording)
        result: Result = run_cli("validate", "--root", str(root), "--format", "json", *args)
    assert len(reports) == 1, f"validate ran {len(reports)} times: {result.output}"
    assert result.output == reports[0].to_json(), "the CLI printed another report than it computed"
    return ValidateRun(result.exit_code, result.output, reports[0])


@pytest.fixture(scope="session")
def real_package_run(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> ValidateRun:
    """The real package, as committed, validated once per test session through the CLI.

    For tests that only read the report. Under pytest-xdist the first worker to ask computes it and
    the others read it from the session's shared temporary folder (the pytest-xdist recipe).
    """
    if worker_id == "master":  # not running under xdist
        return validate_cli(REPO)
    shared = tmp_path_factory.getbasetemp().parent / "real-package-run.pickle"
    with FileLock(f"{shared}.lock"):
        if shared.is_file():
            return pickle.loads(shared.read_bytes())
        run = validate_cli(REPO)
        shared.write_bytes(pickle.dumps(run))
        return run
