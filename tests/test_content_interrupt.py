"""Ctrl-C during the content layer stops `validate` at once, not after Great Expectations' suites.

With GX in a worker, the content layer judges the suites in a thread while the rules' SQL runs in
this one (content.py).
Python raises KeyboardInterrupt in the main thread only (and DuckDB turns it into a RuntimeError,
"Query interrupted", inside a query): either must reach the caller without waiting for the suites.
With GX in a worker, which Ctrl-C stops too, that thread would first import GX here and then judge
every suite.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from conftest import REPO

from commitment_tracker.datapackage.schema import load_package
from commitment_tracker.validation import content
from commitment_tracker.validation.context import ValidationContext


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), RuntimeError("Query interrupted")], ids=repr)
def test_ctrl_c_during_the_rules_does_not_wait_for_the_suites(monkeypatch, stop):
    released, judged = threading.Event(), []

    def suites_still_running(ctx: ValidationContext, names: list[str]):
        released.wait(timeout=10)
        judged.append(names)
        return None, []

    def rules_stopped(*args: object) -> None:
        raise stop

    monkeypatch.setattr(content, "_judge_suites", suites_still_running)
    monkeypatch.setattr(content, "evaluate_rules", rules_stopped)
    # A session handed in by validate(): GX in a worker, the case where the suites run in a thread.
    worker = object()
    ctx = ValidationContext(root=REPO, package=load_package(REPO), today=dt.date(2026, 11, 24), gx=worker)
    try:
        with pytest.raises(type(stop)):
            content.run(ctx)
        assert judged == []  # raised while GX was still judging the suites
    finally:
        released.set()
