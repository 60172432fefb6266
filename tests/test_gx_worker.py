"""Great Expectations in a worker process judges exactly as in this process.

A small package's validation imports GX in a worker started first (``gx_session.RemoteSession``),
so the import overlaps the structure layer. The report must be the same, check by check and
problem by problem (rule, resource, row, column, value, message), as with GX in this process (the
path of large packages); a worker that cannot start, or stops before or during the run, leaves the
work to this process with the same report, Data Docs included.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from conftest import REPO
from test_broken_corpus import CASES

from commitment_tracker.validation import gx_session
from commitment_tracker.validation.validate import validate
from commitment_tracker.validation.workers import WorkerError

TODAY = dt.date(2026, 11, 24)


def _in_process(root: Path, monkeypatch: pytest.MonkeyPatch, **options: object) -> dict:
    with monkeypatch.context() as patched:
        patched.setattr(gx_session, "WORKER_UP_TO_BYTES", -1)  # as for a large package
        assert gx_session.start_worker(root) is None
        return validate(root, today=TODAY, **options).to_dict()


def _in_worker(root: Path, **options: object) -> tuple[dict, gx_session.RemoteSession]:
    gx = gx_session.start_worker(root)
    assert gx is not None
    return validate(root, today=TODAY, gx=gx, **options).to_dict(), gx


def test_the_real_package_is_judged_alike_in_the_worker(monkeypatch):
    report, gx = _in_worker(REPO)
    assert gx.error is None and gx.judged_in_worker > 20  # every suite batch and every rule
    assert report["valid"]
    assert report == _in_process(REPO, monkeypatch)


def _refused_suite(root: Path) -> None:
    path = root / "validators" / "events.json"
    suite = json.loads(path.read_text(encoding="utf-8"))
    # a misspelt keyword: GX refuses to build the suite (pydantic's ValidationError)
    suite["expectations"].append(
        {
            "type": "expect_column_values_to_not_be_null",
            "kwargs": {"colum": "event_id"},
            "meta": {"rule": "typo", "why": "typo"},
        }
    )
    path.write_text(json.dumps(suite), encoding="utf-8")


BROKEN = {
    # rows located from GX's unexpected indexes, with their values
    "claim-unit-without-value": CASES["claim-unit-without-value"],
    "numeric-claim-without-unit": CASES["numeric-claim-without-unit"],
    # a SQL rule's result table judged by GX, violations located from its columns
    "conflicting-claims-without-discrepancy": CASES["conflicting-claims-without-discrepancy"],
    "agreement-with-one-party": CASES["agreement-with-one-party"],
    # GX's own failures: an expectation that raises, a suite GX refuses to build
    "expectation-that-crashes": CASES["expectation-that-crashes"],
    "suite-gx-refuses": _refused_suite,
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_packages_are_judged_alike_in_the_worker(package, monkeypatch, name):
    BROKEN[name](package)
    report, gx = _in_worker(package)
    assert gx.error is None and gx.judged_in_worker > 0
    assert not report["valid"] and any(p["layer"] == "content" for p in report["problems"])
    assert report == _in_process(package, monkeypatch)


def test_a_suite_gx_refuses_keeps_gx_s_message(package):
    _refused_suite(package)
    report, _ = _in_worker(package)
    (problem,) = [p for p in report["problems"] if p["check"] == "events"]
    assert problem["rule"] == "suite-malformed" and "ExpectColumnValuesToNotBeNull" in problem["message"]


def test_no_worker_process_leaves_gx_to_this_process(monkeypatch):
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no more processes")

    expected = _in_process(REPO, monkeypatch)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    assert gx_session.start_worker(REPO) is None
    assert validate(REPO, today=TODAY).to_dict() == expected


@pytest.mark.subprocess
def test_a_worker_that_stops_before_answering_is_replaced_by_this_process(monkeypatch):
    gx = gx_session.start_worker(REPO)
    assert gx is not None
    gx._worker.process.kill()
    report = validate(REPO, today=TODAY, gx=gx).to_dict()
    assert isinstance(gx.error, WorkerError) and gx.judged_in_worker == 0
    assert report == _in_process(REPO, monkeypatch)


def _pages(folder: Path) -> list[str]:
    """The suite of each validation page (its folder under validations/, before the run's time)."""
    return sorted(
        p.relative_to(folder / "validations").parts[0] for p in (folder / "validations").rglob("*.html")
    )


@pytest.mark.subprocess
def test_a_worker_that_stops_midway_leaves_the_rest_and_the_data_docs_to_this_process(
    package, monkeypatch, tmp_path
):
    CASES["claim-unit-without-value"](package)
    gx = gx_session.start_worker(package)
    assert gx is not None
    ask = gx._call

    def stop_after_three(request):
        answer = ask(request)
        if gx.judged_in_worker == 3 and gx._worker is not None:
            gx._worker.process.kill()
            gx._worker.process.wait()
        return answer

    monkeypatch.setattr(gx, "_call", stop_after_three)
    report = validate(package, today=TODAY, gx=gx, data_docs=tmp_path / "worker").to_dict()
    assert isinstance(gx.error, OSError | WorkerError) and gx.judged_in_worker == 3
    expected = _in_process(package, monkeypatch, data_docs=tmp_path / "here")
    moved = json.dumps(report).replace(str(tmp_path / "worker"), str(tmp_path / "here"))
    assert json.loads(moved) == expected
    (docs,) = [c for c in report["checks"] if c["check"] == "data-docs"]
    assert docs["status"] == "passed" and docs["checked"] > 20  # every suite and rule, once
    assert _pages(tmp_path / "worker") == _pages(tmp_path / "here")
    assert len(_pages(tmp_path / "here")) == docs["checked"]


def test_an_unusable_descriptor_stops_the_worker_at_once(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        del resource["schema"]
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    gx = gx_session.start_worker(package)
    assert gx is not None
    worker = gx._worker.process
    report = validate(package, today=TODAY, gx=gx)
    assert not report.valid and report.checks[0].problems  # structure/descriptor
    assert worker.poll() is not None  # killed while importing GX, not waited for


def test_an_unreadable_descriptor_starts_no_worker(package):
    (package / "datapackage.json").write_text("{", encoding="utf-8")
    assert gx_session.start_worker(package) is None
    # Nested deeper than Python's JSON parser recurses: no worker, and no crash either.
    (package / "datapackage.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    assert gx_session.start_worker(package) is None


def test_a_busy_machine_keeps_gx_in_this_process(monkeypatch):
    from commitment_tracker.validation.figure_functions import available_cores

    cores = available_cores()
    monkeypatch.setattr(gx_session.os, "getloadavg", lambda: (cores + 1.0, 0.0, 0.0))
    monkeypatch.setattr(gx_session, "_runnable_others", lambda: cores)
    assert gx_session.worker_if_idle(REPO) is None
    monkeypatch.setattr(gx_session.os, "getloadavg", lambda: (cores - 1.0, 0.0, 0.0))
    gx = gx_session.worker_if_idle(REPO)
    assert gx is not None
    gx.close()


def test_a_load_average_still_counting_a_finished_job_does_not_keep_gx_here(monkeypatch):
    """The 1-minute average lags: high, but nothing else runnable now, a core is free."""
    from commitment_tracker.validation.figure_functions import available_cores

    cores = available_cores()
    monkeypatch.setattr(gx_session.os, "getloadavg", lambda: (cores + 1.0, 0.0, 0.0))
    monkeypatch.setattr(gx_session, "_runnable_others", lambda: cores - 1)
    gx = gx_session.worker_if_idle(REPO)
    assert gx is not None
    gx.close()
    monkeypatch.setattr(gx_session, "_runnable_others", lambda: None)  # not Linux: the average decides
    assert gx_session.worker_if_idle(REPO) is None


def test_the_runnable_count_is_read_from_this_system():
    others = gx_session._runnable_others()
    if Path("/proc/loadavg").is_file():
        assert isinstance(others, int) and others >= 0
    else:
        assert others is None


def test_data_docs_written_by_the_worker_list_what_this_process_would(monkeypatch, tmp_path):
    report, gx = _in_worker(REPO, data_docs=tmp_path / "worker")
    assert gx.error is None
    expected = _in_process(REPO, monkeypatch, data_docs=tmp_path / "here")
    moved = json.dumps(report).replace(str(tmp_path / "worker"), str(tmp_path / "here"))
    assert json.loads(moved) == expected
    assert (tmp_path / "worker" / "index.html").is_file()
    assert _pages(tmp_path / "worker") == _pages(tmp_path / "here") != []
