"""bench/generate.py keeps its bytes: the benchmarks compare runs of the same ``(claims, seed)``.

The generator writes in chunks so that 10^7 claims fit in memory; the frozen hashes (taken from the
generator before it streamed) fail on any byte that chunking, or any later change, would move.
A partial run leaves nothing at ``--out`` that could pass for a package.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, generate_package

FROZEN = json.loads(
    (Path(__file__).parent / "fixtures" / "generator_frozen_300.json").read_text(encoding="utf-8")
)

pytestmark = [pytest.mark.subprocess, pytest.mark.xdist_group("bench-generator")]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_generator(*args: str) -> subprocess.CompletedProcess:
    argv = [sys.executable, str(REPO / "bench" / "generate.py"), *args]
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def test_generated_bytes_are_frozen(tmp_path: Path):
    out = generate_package(tmp_path / "pkg", FROZEN["claims"])
    written = sorted(
        p.relative_to(out).as_posix()
        for folder in ("data", "seeds")
        for p in (out / folder).iterdir()
        if p.name not in ("units.csv", "sectors.csv")
    )
    assert written == sorted(FROZEN["sha256"])
    changed = [name for name in written if sha256(out / name) != FROZEN["sha256"][name]]
    assert changed == []


def test_copied_files_are_the_repository_s(tmp_path: Path):
    """Reference tables, suites, rules and queries are the repository's; the descriptor too, but
    for its list of sources."""
    out = generate_package(tmp_path / "pkg", FROZEN["claims"])
    copied = [Path("data/units.csv"), Path("data/sectors.csv")]
    copied += [
        p.relative_to(REPO) for folder in ("validators", "queries") for p in (REPO / folder).rglob("*")
    ]
    different = [
        str(p) for p in copied if (REPO / p).is_file() and (out / p).read_bytes() != (REPO / p).read_bytes()
    ]
    assert different == []
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    generated = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert generated.pop("sources") != descriptor.pop("sources")
    assert generated == descriptor


def test_a_failed_run_leaves_nothing_behind(tmp_path: Path):
    result = run_generator("--claims", "5", "--out", str(tmp_path / "pkg"))
    assert result.returncode == 2
    assert "claims are needed" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_folder_with_files_is_refused_and_left_as_it_was(tmp_path: Path):
    out = tmp_path / "pkg"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = run_generator("--claims", "300", "--out", str(out))
    assert result.returncode == 2
    assert "not an empty folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["pkg"]
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
