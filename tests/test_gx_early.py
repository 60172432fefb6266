"""A curation write starts its Great Expectations worker before it imports its own modules.

The command line wraps each curation command in ``gx_session.early_worker``: the worker imports GX
while the command imports polars, DuckDB and the validation layers and loads the package, and the
validation of the staged copy takes that worker instead of starting one. Whatever happens, the
worker is stopped when the command ends.
"""

from __future__ import annotations

import pytest
from conftest import read_rows, run_cli

from commitment_tracker.validation import gx_session


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[gx_session.RemoteSession]:
    """Every GX worker session started, on a machine taken to have a core free."""
    monkeypatch.setenv("COMMITMENTS_TODAY", "2026-11-24")
    monkeypatch.setattr(gx_session, "SPARE_CORE", -1e9)  # never "busy", whatever the load
    sessions = []
    original = gx_session.RemoteSession.__init__

    def init(self: gx_session.RemoteSession) -> None:
        original(self)
        self.process = self._worker.process  # kept to see that it ended
        sessions.append(self)

    monkeypatch.setattr(gx_session.RemoteSession, "__init__", init)
    return sessions


def test_a_write_is_validated_by_the_worker_started_first(package, tmp_path, started):
    article = tmp_path / "article.txt"
    article.write_text("Le centre Al Jazari ouvre ses portes à Nador.\n", encoding="utf-8")
    result = run_cli(
        "add-source", str(article), "--root", str(package), "--outlet", "Hespress",
        "--title", "Le centre ouvre", "--published-on", "2026-11-10",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert any(row[read_rows(package, "sources")[0].index("title")] == "Le centre ouvre"
               for row in read_rows(package, "sources")[1])  # fmt: skip
    (gx,) = started  # the validation took the early worker, it started no other
    assert gx.error is None and gx.judged_in_worker > 20  # every suite batch and every rule
    assert gx.process.returncode is not None  # stopped with the command


def test_a_refused_write_stops_the_worker_it_never_used(package, started):
    result = run_cli(
        "set-status", "no-such-commitment", "--root", str(package), "--as-of", "2026-99-99",
        "--status", "in_progress", "--source", "no-such-source", "--rationale", "x",
    )  # fmt: skip
    assert result.exit_code == 1 and result.output.startswith("Error: "), result.output
    assert "2026-99-99" in result.output  # refused before any validation
    (gx,) = started
    assert gx.judged_in_worker == 0
    assert gx.process.returncode is not None


def test_a_validation_elsewhere_does_not_take_the_early_worker(package, tmp_path, started):
    other = tmp_path / "other"
    with gx_session.early_worker(package), gx_session.worker_for(other) as gx:
        assert gx is None  # "other" has no datapackage.json: no worker, and not the early one
        assert len(started) == 1
    assert started[0].process.returncode is not None


def test_a_refused_write_on_a_busy_machine_starts_no_worker(package, monkeypatch):
    monkeypatch.setattr(gx_session, "SPARE_CORE", 1e9)  # always "busy"
    result = run_cli(
        "set-status", "no-such-commitment", "--root", str(package), "--as-of", "2026-99-99",
        "--status", "in_progress", "--source", "no-such-source", "--rationale", "x",
    )  # fmt: skip
    assert result.exit_code == 1 and "2026-99-99" in result.output, result.output
