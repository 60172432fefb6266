"""The built outputs open in the tools people already have, run from outside our code.

`.ci/run` installs those tools in `.consumers/` (apart from `.venv`). Locally without them these
tests skip and say why; in CI (CI=true) they fail, so a green run means the files were opened.
"""

from __future__ import annotations

import csv
import os
import subprocess

import pytest
from conftest import REPO

from commitment_tracker.publish import build

DUCKDB_1X = REPO / ".consumers" / "bin" / "duckdb"


def _tool(path):
    if not path.exists():
        reason = f"{path.relative_to(REPO)} is not installed (bash .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"consumer test cannot run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    return str(path)


@pytest.mark.subprocess
def test_duckdb_1x_cli_opens_the_built_database(package, tmp_path):
    cli = _tool(DUCKDB_1X)
    version = subprocess.run([cli, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("v1."), version
    build.build(package, tmp_path / "dist", validate_first=False)
    database = tmp_path / "dist" / build.DATABASE_NAME
    done = subprocess.run(
        [cli, "-readonly", "-csv", str(database), "-c", "SELECT count(*) AS n FROM claims"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with open(package / "data" / "claims.csv", encoding="utf-8", newline="") as fh:
        claims = sum(1 for _ in csv.reader(fh)) - 1
    assert done.stdout.split() == ["n", str(claims)]
