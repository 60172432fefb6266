"""bench/generate.py: its packages pass `validate`, are reproducible, and one injected error is caught.

The benchmarks themselves are not run here (they take minutes); these tests keep the generator
honest, since a benchmark of an invalid package would time error reporting instead of validation.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, generate_package, pin_today, read_rows, run_cli, set_cell

CLAIMS = 1000

# Every test runs bench/generate.py in a new process (directly or through the module's package);
# one worker builds that package once for all of them.
pytestmark = [pytest.mark.subprocess, pytest.mark.xdist_group("bench-generator")]


def generate(out: Path, claims: int = CLAIMS, seed: int | None = None) -> Path:
    return generate_package(out, claims, seed)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("bench") / "pkg")


@pytest.fixture
def synthetic(generated: Path, tmp_path: Path) -> Path:
    """A writable copy of the generated 10^3-claim package."""
    return Path(shutil.copytree(generated, tmp_path / "pkg"))


pinned_today = pin_today("2026-01-01")


def problems_of(root: Path) -> list[dict]:
    """The problems `validate --format json` reports; asserts the package was rejected."""
    result = run_cli("validate", "--root", str(root), "--format", "json")
    assert result.exit_code == 1, result.output
    return json.loads(result.output)["problems"]


def test_generated_package_has_the_requested_size_and_every_resource(generated: Path):
    _, claims = read_rows(generated, "claims")
    assert len(claims) == CLAIMS
    for name in ("sources", "commitments", "status_updates", "discrepancies", "actor_aliases", "indicators"):
        _, rows = read_rows(generated, name)
        assert rows, f"{name} is empty"
    _, sources = read_rows(generated, "sources")
    assert len(list((generated / "seeds").iterdir())) == len(sources)


def test_generated_package_validates_cleanly(generated: Path):
    result = run_cli("validate", "--root", str(generated), "--limit", "0")
    assert result.exit_code == 0, result.output
    assert "VALID" in result.output


def test_generation_is_deterministic(generated: Path, tmp_path: Path):
    again = generate(tmp_path / "again")
    other = generate(tmp_path / "other", seed=7)
    files = sorted(p.relative_to(generated) for p in generated.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((generated / f).read_bytes() == (again / f).read_bytes() for f in files)
    assert (generated / "data" / "claims.csv").read_bytes() != (other / "data" / "claims.csv").read_bytes()


def test_injected_quote_shift_is_rejected(synthetic: Path):
    row = 500
    set_cell(synthetic, "claims", row, "quote_start", lambda v: str(int(v) + 1))
    set_cell(synthetic, "claims", row, "quote_end", lambda v: str(int(v) + 1))
    (problem,) = problems_of(synthetic)
    assert (problem["rule"], problem["resource"], problem["row"], problem["column"]) == (
        "quote-offsets",
        "claims",
        row,
        "quote",
    )
    assert "offsets shifted by +1" in problem["message"]


def test_injected_dangling_foreign_key_is_rejected(synthetic: Path):
    row = 42
    set_cell(synthetic, "status_updates", row, "source_id", "src-999999")
    found = [
        (p["resource"], p["row"], p["column"], p["value"])
        for p in problems_of(synthetic)
        if p["rule"] == "foreign-key"
    ]
    assert found == [("status_updates", row, "source_id", "src-999999")]


def test_generator_refuses_too_few_claims(tmp_path: Path):
    script = str(REPO / "bench" / "generate.py")
    argv = [sys.executable, script, "--claims", "5", "--out", str(tmp_path / "x")]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "claims are needed" in result.stderr
    assert "Traceback" not in result.stderr
