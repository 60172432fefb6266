"""`query --from-build` runs the statement while the CSV files are hashed, and shows nothing of it
(rows, column names, another error) until the hashes prove the build is of the files as they are.

The hashing is held back in these tests until the statement has read its first rows, so the
statement has run on the (stale) build before the hashes are known: the case the timing of a real
run makes likely on a large package and rare on a small one.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from conftest import copy_package, pin_today, run_cli
from test_query_from_build import built_copy, change_one_byte_keeping_size_and_mtime  # noqa: F401 (a fixture)

from commitment_tracker.publish import build as build_mod
from commitment_tracker.publish import buildrecord
from commitment_tracker.query import limits, named

pinned_today = pin_today("2026-01-01")

STALE = "Error: --from-build: data/claims.csv has changed since the build"
# A named query that reads claims and fails while running, not while planning.
FAILING_QUERY = """\
-- title: Fails while running
-- description: Reads the claims, then fails on the first row.
-- param: none
-- example: python cli.py query fails-while-running
SELECT claim_id, CASE WHEN claim_id IS NOT NULL THEN error('the statement failed') END AS boom FROM claims
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_package(tmp_path_factory.mktemp("hashing") / "pkg")
    (root / "queries" / "fails-while-running.sql").write_text(FAILING_QUERY, encoding="utf-8")
    build_mod.build(root, root / "dist", validate_first=False)
    return root


@pytest.fixture
def stale(built_copy: Path) -> Path:  # noqa: F811 (the fixture imported above)
    """A copy of the built package (``built_copy`` of this module's ``built``) whose claims.csv
    has changed since the build."""
    change_one_byte_keeping_size_and_mtime(built_copy / "data" / "claims.csv")
    return built_copy


@pytest.fixture
def hashing_after_the_statement(monkeypatch: pytest.MonkeyPatch):
    """Hold the hashing back until the query waits for it; the returned list says, for each
    hashing, what the statement had done by then: "rows" read, or "failed"."""
    waiting = threading.Event()
    done: list[str] = []
    seen: list[str | None] = []
    real_batches, real_arrow_batches = named.QueryRun._batches, named.QueryRun._arrow_batches
    real_error, real_confirmed = named.QueryRun._error, named.QueryRun._confirmed
    real_csv_files = buildrecord.csv_files

    def noting_rows(real):
        def batches(self, *args, **kwargs):
            for batch in real(self, *args, **kwargs):
                done.append("rows")
                yield batch

        return batches

    def noting_failure(self, exc):
        done.append("failed")
        return real_error(self, exc)

    def confirmed(self):
        waiting.set()
        return real_confirmed(self)

    def csv_files_once_the_query_waits(*args, **kwargs):
        waiting.wait(timeout=120)
        seen.append(done[0] if done else None)
        return real_csv_files(*args, **kwargs)

    monkeypatch.setattr(named.QueryRun, "_batches", noting_rows(real_batches))
    monkeypatch.setattr(named.QueryRun, "_arrow_batches", noting_rows(real_arrow_batches))
    monkeypatch.setattr(named.QueryRun, "_error", noting_failure)
    monkeypatch.setattr(named.QueryRun, "_confirmed", confirmed)
    monkeypatch.setattr(buildrecord, "csv_files", csv_files_once_the_query_waits)
    yield seen
    waiting.set()


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "jsonl", "markdown"])
def test_a_stale_build_is_refused_and_nothing_of_the_answer_is_printed(
    stale, hashing_after_the_statement, fmt
):
    result = run_cli("query", "sectors", "--root", str(stale), "--from-build", "--format", fmt)
    assert hashing_after_the_statement == ["rows"], "the statement had not run before the hashes were known"
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(STALE)
    assert "Hint: run `commitments build --root" in result.stderr


def test_a_stale_build_writes_no_output_file(stale, hashing_after_the_statement, tmp_path):
    for fmt in ("csv", "parquet"):
        out = tmp_path / f"sectors.{fmt}"
        args = ("--format", fmt, "--output", str(out))
        result = run_cli("query", "sectors", "--root", str(stale), "--from-build", *args)
        assert result.exit_code == 1
        assert STALE in result.stderr
        assert not out.exists()
        assert list(tmp_path.iterdir()) == [stale], "a temporary file was left beside --output"
    assert hashing_after_the_statement == ["rows", "rows"]


def test_the_stale_file_is_reported_rather_than_the_statements_own_error(
    built, stale, hashing_after_the_statement
):
    failing = run_cli("query", "fails-while-running", "--root", str(built), "--from-build", "--format", "csv")
    assert failing.exit_code == 1
    assert "the statement failed" in failing.stderr
    refused = run_cli("query", "fails-while-running", "--root", str(stale), "--from-build", "--format", "csv")
    assert hashing_after_the_statement == ["failed", "failed"]
    assert refused.exit_code == 1
    assert refused.stdout == ""
    assert refused.stderr.startswith(STALE)
    assert "the statement failed" not in refused.stderr


def test_an_unchanged_build_answers_as_before(built, hashing_after_the_statement):
    from_csv = run_cli("query", "sectors", "--root", str(built), "--format", "csv")
    from_db = run_cli("query", "sectors", "--root", str(built), "--from-build", "--format", "csv")
    assert hashing_after_the_statement == ["rows"]
    assert (from_db.exit_code, from_db.output) == (0, from_csv.output)
    assert from_db.output.count("\n") > 1


def test_ctrl_c_while_waiting_for_the_hashes_stops_the_query(stale, monkeypatch):
    """Ctrl-C stops at once, without waiting for the hashing to end (exit 130, as during a statement)."""
    waiting, release = threading.Event(), threading.Event()
    real_csv_files, real_paused = buildrecord.csv_files, limits.Stopper.paused

    @contextlib.contextmanager
    def paused(self):
        with real_paused(self):
            waiting.set()
            yield

    def interrupted_while_hashing(*args, **kwargs):
        waiting.wait(timeout=120)  # the statement has run; the query waits for this hashing
        os.kill(os.getpid(), signal.SIGINT)
        release.wait(timeout=120)
        return real_csv_files(*args, **kwargs)

    monkeypatch.setattr(limits.Stopper, "paused", paused)
    monkeypatch.setattr(buildrecord, "csv_files", interrupted_while_hashing)
    try:
        result = run_cli("query", "sectors", "--root", str(stale), "--from-build", "--format", "csv")
    finally:
        release.set()
    assert result.exit_code == limits.INTERRUPTED_EXIT_CODE
    assert result.stdout == ""
    assert result.stderr == "Error: query 'sectors': interrupted (Ctrl-C): the query was stopped\n"


class _Connection:
    def __init__(self) -> None:
        self.interrupted = False

    def interrupt(self) -> None:
        self.interrupted = True


def test_the_wait_for_the_hashes_does_not_count_towards_the_timeout():
    connection = _Connection()
    with limits.Stopper(0.3) as stopper:
        stopper.watch(connection)
        with stopper.paused():
            time.sleep(0.6)  # longer than the whole timeout
        assert stopper.reason is None
        assert not connection.interrupted
        deadline = time.monotonic() + 60
        while stopper.reason is None and time.monotonic() < deadline:
            time.sleep(0.05)  # the rest of the timeout runs on after the wait
    assert stopper.reason == "timeout"
    assert connection.interrupted
