"""Great Expectations sessions: in this process, or in a worker process that imports GX meanwhile.

``import great_expectations`` takes 2-3 s, less once ``defer_unused_gx_imports`` keeps modules no
suite uses from loading (about 1.2 s), ``fast_field_copies`` speeds up how pydantic builds GX's
classes (0.1-0.5 s) and, in the worker, ``no_cycle_collection`` keeps the garbage collector from
scanning GX's objects over and over (about 0.3 s). A validation of a small package spends about as
long on its other imports and on the structure layer, none of which needs GX. So ``start_worker`` starts a
worker process (``gx_worker``) as the validation begins: it imports GX while this process does the
rest, then runs each suite sent to it with the same ``GXSession`` code as this process would, and
writes the Data Docs. Verdicts come back as plain ``Judged`` records, the same in both places, so
the content layer reads them alike; this process never imports GX (nor pandas). On a machine with
no core to spare the worker would only add its start-up, so none is started (``worker_if_idle``).

A worker that cannot start, cannot import GX or stops is given up: ``RemoteSession`` then starts a
``GXSession`` here, replays what the worker had judged (Data Docs list every run) and carries on, so
the report is the same either way. A large package (``WORKER_UP_TO_BYTES`` of data files) keeps GX
in this process: the import is then a small share of the time, and the frames sent to a worker
would be held twice.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import gc
import importlib.util
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commitment_tracker.validation.report import CheckResult
from commitment_tracker.validation.workers import PipeWorker, WorkerError

if TYPE_CHECKING:
    import pyarrow as pa

LAYER = "content"

DATA_DOCS_SITE = "validate"
# A first pass asks GX only for pass/fail, which costs half as much as the full result; the
# expectations that fail are run again with COMPLETE results to locate every offending row. Data Docs
# want full results for every suite, so with --data-docs the first pass is COMPLETE.
QUICK_FORMAT = {"result_format": "BOOLEAN_ONLY"}
FULL_FORMAT = {"result_format": "COMPLETE"}


def crash_message(exception_info: dict[str, Any]) -> str | None:
    """GX's exception message when the expectation raised instead of evaluating, else None."""
    infos = [exception_info] if "raised_exception" in exception_info else list(exception_info.values())
    for info in infos:
        if isinstance(info, dict) and info.get("raised_exception"):
            return str(info.get("exception_message") or "unknown error")
    return None


@dataclasses.dataclass(frozen=True)
class ExpectationConfig:
    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any] | None


@dataclasses.dataclass(frozen=True)
class Judged:
    """One expectation's verdict, in plain data (GX's own result object needs GX to unpickle)."""

    success: bool
    expectation_config: ExpectationConfig
    result: dict[str, Any]
    exception_info: dict[str, Any] | None

    @classmethod
    def of(cls, gx_result: Any) -> Judged:
        config = gx_result.expectation_config
        return cls(
            success=gx_result.success,
            expectation_config=ExpectationConfig(config.type, dict(config.kwargs), config.meta),
            result=dict(gx_result.result),
            exception_info=gx_result.exception_info,
        )


# Modules GX imports at start-up for expectations no suite here uses: scipy.stats for the KL
# divergence and Kolmogorov-Smirnov ones (about 1 s), altair for the KL divergence's charts (about
# 0.2 s), jsonschema for the JSON-schema one and mistune for Markdown in Data Docs (about 0.1 s
# together). GX only reads their attributes when such an expectation runs or a page is rendered.
DEFERRED_MODULES = ("scipy.stats", "altair", "jsonschema", "mistune")


class _DeferredModule(importlib.util._LazyModule):
    """The standard library's lazy module, except that reading ``__spec__`` does not load it.

    ``import altair as alt`` on a module already in sys.modules reads its ``__spec__`` (to see
    whether it is still being imported), which would load the plain lazy module at once. Python
    3.11's ``_LazyModule`` is what this relies on; ``defer_unused_gx_imports`` checks it is there.
    """

    def __getattribute__(self, attr: str) -> Any:
        if attr == "__spec__":
            return object.__getattribute__(self, "__dict__")["__spec__"]
        return importlib.util._LazyModule.__getattribute__(self, attr)


def defer_unused_gx_imports() -> None:
    """Let ``import great_expectations`` skip executing ``DEFERRED_MODULES`` until something uses them.

    The standard library's lazy-import recipe (``importlib.util.LazyLoader``) puts a module in each
    one's place that executes it in full on first attribute access, so those expectations still
    work; no GX code is touched. A module already imported or not installed is left as it is.
    """
    for name in DEFERRED_MODULES:
        if name in sys.modules:
            continue
        try:
            spec = importlib.util.find_spec(name)  # imports the parent package (scipy) itself: cheap
        except ImportError:
            continue
        if spec is None or spec.loader is None:
            continue
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        if type(module) is importlib.util._LazyModule:
            module.__class__ = _DeferredModule
        parent, _, child = name.rpartition(".")
        if parent:
            # `from scipy import stats` reads the attribute; without it scipy's __getattr__ would import it.
            setattr(sys.modules[parent], child, module)


# pydantic's v1 models (GX 1.x's classes are built on them) deep-copy every inherited field when a
# subclass is built (``smart_deepcopy(base.__fields__)`` in ``ModelMetaclass.__new__``); GX builds
# about 320 subclasses as it is imported, and ``copy.deepcopy``'s generic path for an object with
# ``__slots__`` (``__reduce_ex__``, a state tuple and dict built, copied, then unpacked) took
# 0.1-0.5 s of the import's 2.1-2.6 s of CPU from run to run here (with two more deferred modules,
# 0.44 of its 7.3 billion instructions by callgrind). ``fast_field_copies`` gives the two field
# classes the same copy done directly, slot by slot, while GX is imported. Checked on pydantic
# 2.14's v1 shim.
FAST_COPY_CHECKED_ON = ("2.",)
# What makes copy.deepcopy treat an object other than by its slots and __dict__: such a class is left alone.
_OWN_COPYING = ("__deepcopy__", "__copy__", "__reduce__", "__reduce_ex__", "__getstate__", "__setstate__")


def _copy_by_slots(self: Any, memo: dict[int, Any]) -> Any:
    """What ``copy.deepcopy`` returns for an object of a class that leaves copying to ``object``:
    a new instance (not initialised), recorded in ``memo`` first so cycles resolve to it, with
    each slot that is set, and the ``__dict__`` if any, deep-copied; an unset slot stays unset."""
    cls = type(self)
    new = cls.__new__(cls)
    memo[id(self)] = new
    for name in _slot_names(cls):
        try:
            value = object.__getattribute__(self, name)
        except AttributeError:
            continue
        setattr(new, name, copy.deepcopy(value, memo))
    state = getattr(self, "__dict__", None)
    if state:
        new.__dict__.update(copy.deepcopy(state, memo))
    return new


def _slot_names(cls: type) -> list[str]:
    names = []
    for klass in cls.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in ("__dict__", "__weakref__") and name not in names:
                names.append(name)
    return names


def _copies_by_default(cls: type) -> bool:
    """Whether ``copy.deepcopy`` copies ``cls``'s objects by their slots and dict (no class in
    its MRO but ``object`` defines how it is copied or pickled)."""
    return all(name not in klass.__dict__ for klass in cls.__mro__[:-1] for name in _OWN_COPYING)


@contextlib.contextmanager
def fast_field_copies() -> Iterator[None]:
    """While inside, pydantic v1's ``ModelField`` and ``FieldInfo`` are deep-copied by
    ``_copy_by_slots`` (the same copies, made faster); outside, as pydantic has them. Nothing
    changes on another pydantic version, without pydantic, or if either class copies itself."""
    try:
        import pydantic
        from pydantic.v1.fields import FieldInfo, ModelField
    except ImportError:
        yield
        return
    version = str(getattr(pydantic, "VERSION", ""))
    classes = [c for c in (ModelField, FieldInfo) if version.startswith(FAST_COPY_CHECKED_ON)]
    classes = [c for c in classes if _copies_by_default(c)]
    for cls in classes:
        cls.__deepcopy__ = _copy_by_slots
    try:
        yield
    finally:
        for cls in classes:
            del cls.__deepcopy__


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """No cyclic garbage collection while inside; on leaving, what exists is frozen (``gc.freeze``).

    GX's import allocates some million objects, nearly all kept for the life of the process, and
    the collector ran about 250 times over them (0.25-0.3 s of CPU, measured with ``gc.callbacks``).
    Collecting once afterwards instead costs about 0.2 s; freezing leaves GX's objects out of every
    later collection (which otherwise grew from 0.01 to 0.15 s over the suites) and costs nothing.
    Frozen objects are still freed when no reference is left; only the cycles among them that were
    already garbage (about 1,900 objects after GX's import) are never reclaimed. So this is for the
    worker process, which holds nothing else: in a process that already holds tables (GX in this
    process) every cycle then awaiting collection would be kept for good.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


# GX's pandas engine fingerprints (hashes) every frame smaller than a module constant (1e9 bytes)
# when it builds a batch: about 2 s per 10^6-row frame, for a batch id nothing here uses (each frame
# gets its own validator; nothing is cached or stored). Pinned to the GX versions it was checked on.
HASH_THRESHOLD_MODULE = "great_expectations.execution_engine.pandas_execution_engine"
HASHING_CHECKED_ON = ("1.24.",)


def skip_frame_hashing(version: str) -> bool:
    """Turn GX's per-frame fingerprint off; False (GX hashes as usual) on any other GX version or
    if the constant is not where GX 1.24 keeps it. Verdicts do not depend on it either way."""
    import importlib

    if not version.startswith(HASHING_CHECKED_ON):
        return False
    try:
        engine = importlib.import_module(HASH_THRESHOLD_MODULE)
    except ImportError:
        return False
    if not isinstance(getattr(engine, "HASH_THRESHOLD", None), int | float):
        return False
    engine.HASH_THRESHOLD = 0
    return True


class GXSession:
    """One ephemeral GX context with one pandas batch definition, reused for every validation."""

    def __init__(self) -> None:
        defer_unused_gx_imports()
        with fast_field_copies():
            import great_expectations as gx
            from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        self.hashing_skipped = skip_frame_hashing(gx.__version__)
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = self.context.data_sources.add_pandas("package")
        self._batches = source.add_dataframe_asset("tables").add_batch_definition_whole_dataframe("whole")
        self._runs: dict[str, tuple[Any, Any]] = {}

    def validate(
        self, suite: dict[str, Any], table: pa.Table, parameters: dict[str, Any], complete: bool
    ) -> list[Judged]:
        """Run one suite on one table (given as Arrow, judged as pandas with dates as
        ``datetime.date``, comparable with date bounds); the verdict of every expectation, in no
        particular order. GX raises as it does when it refuses the suite."""
        frame = table.to_pandas(date_as_object=True)
        return [Judged.of(r) for r in self._results(suite, frame, parameters, complete)]

    def _results(
        self, suite: dict[str, Any], frame: Any, parameters: dict[str, Any], complete: bool
    ) -> list[Any]:
        """GX's result of every expectation of ``suite`` on ``frame``.

        One GX validator per frame: GX fingerprints (hashes) the whole frame each time it builds a
        batch, so this is done once, not once per ``get_batch`` and again per ``validate`` as
        ``Batch.validate`` does. Unless ``complete``, the first pass asks only for pass/fail and the
        failing expectations alone run again, on the same validator, with COMPLETE results. The
        first pass of each suite is kept for Data Docs.
        """
        from great_expectations.validator.v1_validator import Validator

        gx_suite = self._gx.ExpectationSuite(**suite)
        validator = Validator(
            batch_definition=self._batches,
            batch_parameters={"dataframe": frame},
            result_format=FULL_FORMAT if complete else QUICK_FORMAT,
        )
        outcome = validator.validate_expectation_suite(gx_suite, parameters)
        self._runs[gx_suite.name] = (gx_suite, outcome)
        if complete or outcome.success:
            return list(outcome.results)
        # A crash is reported from its first result as it is; a real failure needs its rows.
        failing = [r for r in outcome.results if not r.success and not crash_message(r.exception_info or {})]
        rerun = {id(r) for r in failing}
        kept = [r for r in outcome.results if id(r) not in rerun]
        if not failing:
            return kept
        validator.result_format = FULL_FORMAT
        detailed = validator.validate_expectation_suite(
            self._gx.ExpectationSuite(
                name=gx_suite.name, expectations=[r.expectation_config.to_domain_obj() for r in failing]
            ),
            parameters,
        )
        return kept + list(detailed.results)

    def write_data_docs(self, folder: Path) -> CheckResult:
        """GX Data Docs (HTML) for every suite and rule validated in this run."""
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        result = CheckResult(
            LAYER, "data-docs", f"Great Expectations Data Docs written to {folder}", unit="pages"
        )
        try:
            self.context.add_data_docs_site(
                site_name=DATA_DOCS_SITE,
                site_config={
                    "class_name": "SiteBuilder",
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(folder),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
            run_id = RunIdentifier(run_name="validate", run_time=dt.datetime.now(dt.UTC))
            for suite, outcome in self._runs.values():
                self.context.suites.add(suite)
                key = ValidationResultIdentifier(
                    expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite.name),
                    run_id=run_id,
                    batch_identifier=suite.name,
                )
                self.context.validation_results_store.set(key, outcome)
                result.checked += 1
            self.context.build_data_docs(site_names=[DATA_DOCS_SITE])
        except Exception as exc:  # an unwritable folder must not hide the validation results
            result.problem("data-docs", f"Data Docs could not be written to {folder}: {exc}")
        return result


# Data files up to this size are judged by GX in a worker process (see the module's docstring):
# about 25,000 claims, whose suite columns are a few megabytes to send.
WORKER_UP_TO_BYTES = 16 * 2**20
GX_WORKER = "commitment_tracker.validation.gx_worker"
# A worker starts only while the 1-minute load average is at most the cores less this (see
# worker_if_idle): on 2 cores, up to 1.5.
SPARE_CORE = 0.5


class GXRefused(Exception):
    """GX refused a suite in the worker (unknown expectation type, bad kwargs); GX's own message."""


def serve(session: GXSession, request: tuple[str, Any]) -> tuple[str, Any]:
    """One ``RemoteSession`` request answered by ``session``: what the worker runs, and what this
    process runs once the worker is given up, so both answer alike."""
    kind, args = request
    if kind == "validate":
        try:
            return "judged", session.validate(*args)
        except Exception as exc:  # GX refuses the suite: the content layer reports it as malformed
            return "refused", str(exc)
    if kind == "data-docs":
        return "written", session.write_data_docs(*args)
    raise ValueError(f"unknown request {kind!r}")


class RemoteSession:
    """``GXSession``'s calls, answered by a ``gx_worker`` process, or here once it failed."""

    def __init__(self) -> None:
        self._worker: PipeWorker | None = PipeWorker(GX_WORKER)  # OSError: no process can start
        self._worker.send(("start", None))  # the worker imports GX and answers when it is ready
        self._waiting = True
        self._local: GXSession | None = None
        self._answered: list[tuple[str, Any]] = []
        self.error: BaseException | None = None  # why the worker was given up, if it was
        self.judged_in_worker = 0  # requests the worker answered

    def ready(self) -> RemoteSession:
        """Wait until the worker has imported GX; if it cannot, start GX here, which raises as
        ``GXSession()`` does when GX cannot start at all."""
        if self._waiting:
            self._waiting = False
            try:
                assert self._worker is not None
                self._worker.receive()
            except (OSError, WorkerError) as exc:
                self._give_up(exc)
        return self

    def validate(
        self, suite: dict[str, Any], table: pa.Table, parameters: dict[str, Any], complete: bool
    ) -> list[Judged]:
        kind, answer = self._call(("validate", (suite, table, parameters, complete)))
        if kind == "refused":
            raise GXRefused(answer)
        return answer

    def write_data_docs(self, folder: Path) -> CheckResult:
        return self._call(("data-docs", (folder,)))[1]

    def close(self) -> None:
        """Stop the worker; killed if it is still importing GX (nothing was asked of it)."""
        worker, self._worker = self._worker, None
        if worker is None:
            return
        if self._waiting:
            worker.kill()
        else:
            worker.stop()

    def _call(self, request: tuple[str, Any]) -> tuple[str, Any]:
        self.ready()
        if self._worker is not None:
            try:
                self._worker.send(request)
                answer = self._worker.receive()
            except (OSError, WorkerError) as exc:  # the worker stopped: this process carries on
                self._give_up(exc)
            else:
                self._answered.append(request)
                self.judged_in_worker += 1
                return answer
        assert self._local is not None
        return serve(self._local, request)

    def _give_up(self, exc: BaseException) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.kill()
        self.error = exc
        self._local = GXSession()
        for request in self._answered:  # Data Docs list every suite judged in the run
            serve(self._local, request)


# Workers started before a command imported its own modules (``early_worker``), by package root.
_EARLY: dict[Path, RemoteSession] = {}


@contextlib.contextmanager
def early_worker(root: Path) -> Iterator[None]:
    """Start ``worker_if_idle(root)`` now, for the first ``worker_for(root)`` inside to take.

    A curation write imports its modules (about 1 s: polars, DuckDB, the validation layers) and
    loads the package before it validates a staged copy; a worker started first imports GX
    meanwhile. Closed on leaving, whether or not it was taken (a refused change never validates).
    """
    key = Path(root).resolve()
    gx = worker_if_idle(key)
    if gx is not None:
        _EARLY[key] = gx
    try:
        yield
    finally:
        if gx is not None:
            if _EARLY.get(key) is gx:
                del _EARLY[key]
            gx.close()


@contextlib.contextmanager
def worker_for(root: Path) -> Iterator[RemoteSession | None]:
    """The worker ``early_worker(root)`` started, if any is waiting, else ``worker_if_idle(root)``;
    closed on leaving (whatever ``validate`` left open, say after a usage error)."""
    gx = _EARLY.pop(Path(root).resolve(), None) or worker_if_idle(root)
    try:
        yield gx
    finally:
        if gx is not None:
            gx.close()


def worker_if_idle(root: Path) -> RemoteSession | None:
    """``start_worker(root)`` when the machine has a core to spare, else None (GX in this process).

    The worker saves wall time only by running beside this process. On a machine whose cores are
    all busy it runs in turns with it instead, and then only adds its own start-up (about 1 s of
    CPU: an interpreter, numpy and pyarrow imported a second time) to the wait.
    """
    from commitment_tracker.validation.figure_functions import available_cores

    return None if _cores_busy(available_cores()) else start_worker(root)


def _cores_busy(cores: int) -> bool:
    """Whether every core is taken: the 1-minute load average says so (above the cores less
    ``SPARE_CORE``), and so does the number of other threads runnable right now.

    The average alone lags: for a minute after a long job ends it still counts that job although
    its cores are idle again (a real-package validate then took 5.4-6.2 s instead of about 3.2 s,
    bench/results.md, issue 17's close). Where either figure is unknown, the other decides.
    """
    try:
        if os.getloadavg()[0] <= cores - SPARE_CORE:
            return False
    except OSError:  # no load average on this system: assume a core is free
        return False
    others = _runnable_others()
    return others is None or others > cores - SPARE_CORE


def _runnable_others() -> int | None:
    """Threads runnable at this moment besides the one asking (Linux: the first number of
    ``/proc/loadavg``'s fourth field counts every runnable thread, this one included); None
    where the system does not say."""
    try:
        runnable = Path("/proc/loadavg").read_text(encoding="ascii").split()[3].split("/")[0]
        return max(int(runnable) - 1, 0)
    except (OSError, IndexError, ValueError):
        return None


def start_worker(root: Path) -> RemoteSession | None:
    """A ``RemoteSession`` whose worker starts importing GX now; None (GX in this process) for a
    large package, a descriptor this cannot read (the structure layer says why), or when no
    process can start."""
    if not _small_package(root):
        return None
    try:
        return RemoteSession()
    except OSError:
        return None


def _small_package(root: Path) -> bool:
    """Whether the data files the descriptor names add up to at most ``WORKER_UP_TO_BYTES``."""
    from commitment_tracker.datapackage import paths

    try:
        descriptor = json.loads(paths.descriptor_path(root).read_bytes())
        total = 0
        for resource in descriptor["resources"]:
            for relative in resource["path"] if isinstance(resource["path"], list) else [resource["path"]]:
                total += os.stat(paths.resolve(root, relative)).st_size
    # RecursionError: JSON nested too deep for Python's parser (the structure layer reports it).
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return False
    return total <= WORKER_UP_TO_BYTES
