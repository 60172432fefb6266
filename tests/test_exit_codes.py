"""Exit codes, errors caught once, queries read from --root, and what an installed wheel holds.

0 valid or done; 1 the package is invalid or a user's input was refused; 2 usage error; 3 the tool
itself failed (a bug). A user never sees a traceback for their own mistake, and a bug is never
disguised as invalid data.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, read_rows, run_cli, set_cell, validate_cli

from commitment_tracker import errors
from commitment_tracker.cli import cli
from commitment_tracker.publish import summary
from commitment_tracker.query import limits


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the package's data/ and seeds/, byte for byte."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for folder in ("data", "seeds")
        for p in sorted((root / folder).rglob("*"))
        if p.is_file()
    }


# --- one real case per exit code -----------------------------------------------------------------


def test_valid_package_exits_0(real_package_run):
    assert real_package_run.exit_code == errors.EXIT_OK == 0
    assert real_package_run.data["valid"] is True


def test_invalid_package_exits_1(package):
    set_cell(package, "commitments", 2, "deadline_year", "soon")
    run = validate_cli(package)
    assert run.exit_code == errors.EXIT_INVALID == 1
    assert run.data["valid"] is False
    assert any(p.resource == "commitments" and p.column == "deadline_year" for p in run.problems)


def test_unusable_package_exits_1_with_a_hint_and_no_traceback(package):
    (package / "datapackage.json").write_text("{", encoding="utf-8")
    result = run_cli("summary", "--root", str(package))  # run_cli asserts there is no traceback
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("Error: datapackage.json"), result.output
    assert lines[1] == "Hint: run `commitments validate` to see every problem.", result.output


def test_refused_curation_input_exits_1_and_changes_nothing(package, monkeypatch):
    monkeypatch.setenv("COMMITMENTS_TODAY", "2026-11-24")
    before = snapshot(package)
    result = run_cli(
        "add-claim",
        "--root",
        str(package),
        "--source",
        "no-such-source",
        "--commitment",
        read_rows(package, "commitments")[1][0][0],
        "--quote",
        "Le centre",
    )
    assert (result.exit_code, result.output) == (1, "Error: unknown source 'no-such-source'\n")
    assert snapshot(package) == before


def test_unknown_option_exits_2():
    result = run_cli("validate", "--no-such-option")
    assert result.exit_code == errors.EXIT_USAGE == 2
    assert "Error: No such option '--no-such-option'" in result.output


def test_a_folder_that_is_no_package_is_a_usage_error(tmp_path):
    result = run_cli("summary", "--root", str(tmp_path))
    assert result.exit_code == 2
    assert f"no datapackage.json in {tmp_path.resolve()}" in result.output


def _boom(root: Path) -> str:
    raise RuntimeError("boom: an invariant the code relies on broke")


def test_an_unexpected_exception_is_a_bug_exit_3_without_traceback(monkeypatch):
    monkeypatch.setattr(summary, "render", _boom)
    monkeypatch.delenv(errors.DEBUG_ENV, raising=False)
    result = CliRunner().invoke(cli, ["summary"])
    assert result.exit_code == errors.EXIT_BUG == 3
    assert "Traceback" not in result.output
    first, hint = result.output.splitlines()
    assert first.startswith(
        "Internal error: the tool failed (RuntimeError: boom: an invariant the code relies on broke). "
        "This is a bug in the commitments tools, not a problem with your data"
    ), first
    debug = f"--debug (or {errors.DEBUG_ENV}=1)"
    assert hint == f"Hint: run the command again with {debug} to see where it failed."


@pytest.mark.parametrize(
    ("args", "env"),
    [(["--debug", "summary"], {}), (["summary"], {errors.DEBUG_ENV: "1"})],
    ids=["--debug", "env"],
)
def test_debug_shows_the_traceback_of_a_bug(monkeypatch, args, env):
    monkeypatch.setattr(summary, "render", _boom)
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 3
    assert "Traceback (most recent call last)" in result.output
    assert 'RuntimeError("boom' in result.output or "RuntimeError: boom" in result.output
    assert "Internal error: the tool failed (RuntimeError: boom" in result.output


def test_a_tracker_error_keeps_its_own_exit_code(monkeypatch):
    # The Ctrl-C code of a query (130) passes through the group unchanged.
    def interrupted(root: Path) -> str:
        raise limits.QueryInterrupted("stopped by Ctrl-C")

    monkeypatch.setattr(summary, "render", interrupted)
    result = run_cli("summary")
    assert (result.exit_code, result.output) == (130, "Error: stopped by Ctrl-C\n")


# --- the codes are documented where users look -----------------------------------------------------

CODES = {0: "valid", 1: "invalid", 2: "usage error", 3: "bug", 130: "Ctrl-C"}


def test_exit_codes_are_listed_in_help_and_docs():
    help_text = run_cli("--help").output
    doc = (REPO / "docs" / "validation.md").read_text(encoding="utf-8")
    section = doc[doc.index("\n## Exit codes\n") :]
    table = section[: section.index("\n\n", section.index("|"))]
    for code, word in CODES.items():
        flags = re.MULTILINE | re.IGNORECASE
        assert re.search(rf"^\s+{code}\s+.*{word}", help_text, flags), (code, help_text)
        assert re.search(rf"^\| {code} \|.*{word}", table, flags), (code, table)


# --- named queries come from the package given, not from where the tools are installed ------------

EXTRA_QUERY = """\
-- title: Sectors counted
-- description: How many sectors does this copy of the package have?
-- param: none
-- example: commitments query sectors-counted --root COPY
SELECT count(*) AS n FROM sectors
"""


def test_named_queries_are_read_from_the_root(package):
    (package / "queries" / "sectors-counted.sql").write_text(EXTRA_QUERY, encoding="utf-8")

    listed = run_cli("queries", "--root", str(package))
    assert listed.exit_code == 0
    assert "sectors-counted: Sectors counted" in listed.output
    assert "due-by:" in listed.output  # the package's own queries, copied with it

    ran = run_cli("query", "sectors-counted", "--root", str(package), "--format", "csv")
    assert ran.exit_code == 0, ran.output
    assert ran.output.splitlines() == ["n", str(len(read_rows(package, "sectors")[1]))]

    in_repo = run_cli("queries")
    assert in_repo.exit_code == 0 and "sectors-counted" not in in_repo.output
    unknown = run_cli("query", "sectors-counted")
    assert unknown.exit_code == 1
    assert unknown.output.startswith("Error: no query named 'sectors-counted'")


# --- a non-editable install ---------------------------------------------------------------------

TOOL_FILES = (".py", ".json", ".css", ".js", ".html")


def _build_wheel(tmp_path: Path) -> Path:
    """Build the wheel from a copy of the sources, so no build/ or egg-info lands in the checkout."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "LICENSE"):
        shutil.copy2(REPO / name, src / name)
    shutil.copytree(
        REPO / "commitment_tracker", src / "commitment_tracker", ignore=shutil.ignore_patterns("__pycache__")
    )
    # No build isolation: the setuptools pinned in requirements.lock builds it, so nothing downloads.
    command = [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation", "-q"]
    command += ["-w", str(tmp_path / "whl")]
    built = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp_path / "whl").glob("*.whl")
    return wheel


@pytest.mark.subprocess
def test_the_wheel_holds_the_tools_and_runs_on_a_package_root(tmp_path):
    wheel = _build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        members = set(archive.namelist())
        installed = tmp_path / "site-packages"
        archive.extractall(installed)  # what installing a pure-Python wheel amounts to

    sources = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "commitment_tracker").rglob("*")
        if p.is_file() and p.suffix in TOOL_FILES and "__pycache__" not in p.parts
    }
    assert "commitment_tracker/validation/report.schema.json" in sources
    assert sources - members == set(), "files of the tools missing from the wheel"
    top_level = {m.split("/")[0] for m in members if not m.split("/")[0].endswith(".dist-info")}
    assert top_level == {"commitment_tracker"}, "the wheel installs something besides the tools"

    env = {k: v for k, v in os.environ.items() if k not in ("COMMITMENTS_ROOT", errors.DEBUG_ENV)}
    env["PYTHONPATH"] = str(installed)

    def commitments(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "commitment_tracker.cli", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    # Without --root the installed tools have no package next to them: a usage error that says so,
    # naming the install folder (which shows this copy of the tools is the one that ran).
    bare = commitments("queries")
    assert bare.returncode == 2
    assert f"no datapackage.json in {installed}" in bare.stderr

    listed = commitments("queries", "--root", str(REPO))
    assert listed.returncode == 0, listed.stderr
    assert "due-by: Commitments due by a given year" in listed.stdout
    ran = commitments("query", "due-by", "--root", str(REPO), "--param", "year=2030", "--format", "csv")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[0].startswith("commitment_id,")
