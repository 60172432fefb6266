"""When Great Expectations cannot start, `validate` says so once and the other layers still run.

The content layer starts GX (here, or in a worker process) in a thread while the rules' SQL runs;
a GX that cannot be imported must still give one located problem, exit 1, no traceback, and the
structure and provenance layers' verdicts, with no rule reported as judged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO, copy_package, set_cell


def _validate_without_gx(root: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    broken = tmp_path / "site-packages" / "great_expectations"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text('raise ImportError("great_expectations is broken on this machine")\n')
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(broken.parent), str(REPO)])}
    env.pop("COMMITMENTS_DEBUG", None)
    return subprocess.run(
        [sys.executable, str(REPO / "cli.py"), "validate", "--root", str(root), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_gx_that_cannot_start_is_one_problem_and_the_other_layers_still_judge(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "pkg")
    set_cell(root, "sources", 2, "language", "french")  # a structure problem, still found
    run = _validate_without_gx(root, tmp_path)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    report = json.loads(run.stdout)
    unavailable = [p for p in report["problems"] if p["rule"] == "gx-unavailable"]
    assert len(unavailable) == 1
    assert "Great Expectations could not start" in unavailable[0]["message"]
    assert "great_expectations is broken on this machine" in unavailable[0]["message"]
    assert any(
        p["layer"] == "structure" and p["resource"] == "sources" and p["column"] == "language"
        for p in report["problems"]
    )
    checks = {(c["layer"], c["check"]) for c in report["checks"]}
    assert ("content", "great-expectations") in checks
    assert ("content", "suites") in checks
    assert not any(check.startswith("rule:") for layer, check in checks if layer == "content")
    assert any(layer == "provenance" for layer, _ in checks)
