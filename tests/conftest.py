"""Shared fixtures: a fresh copy of the real package per test, and helpers that break one thing."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

REPO = Path(__file__).resolve().parent.parent
PACKAGE_PARTS = ("datapackage.json", "data", "seeds", "validators")


def copy_package(target: Path) -> Path:
    """Copy the real package (descriptor, data, seeds, validators) to ``target``; fail if incomplete."""
    missing = [p for p in PACKAGE_PARTS if not (REPO / p).exists()]
    assert not missing, f"the real package is incomplete, missing: {missing}"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "datapackage.json", target / "datapackage.json")
    shutil.copytree(REPO / "data", target / "data")
    shutil.copytree(REPO / "seeds", target / "seeds")
    shutil.copytree(REPO / "validators", target / "validators")
    return target


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


def run_cli(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result
