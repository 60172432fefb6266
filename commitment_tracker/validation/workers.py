"""A Python worker process spoken to over pipes: pickled requests in, ``(status, answer)`` out.

Used by the figure functions (``figure_worker``) and by the Great Expectations worker
(``gx_worker``). A worker is ``python -m MODULE``: a new interpreter, not a ``multiprocessing``
child, because its start methods either copy this process (fork: DuckDB's and polars' threads in
whatever state they are in) or re-run the caller's main script (spawn, forkserver), which a Python
user's script may not expect. Its standard error goes nowhere: a worker's failure comes back as
``WorkerError`` and the caller then does the work in its own process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any


class WorkerError(RuntimeError):
    """A worker stopped or answered with an error."""


class PipeWorker:
    """One ``python -m module`` process and its pipes."""

    def __init__(self, module: str) -> None:
        import commitment_tracker

        # The worker imports the same code as this process, wherever it was imported from.
        code_root = str(Path(commitment_tracker.__file__).resolve().parent.parent)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [code_root, os.environ.get("PYTHONPATH")])),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )

    def send(self, request: Any) -> None:
        assert self.process.stdin is not None
        pickle.dump(request, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.process.stdin.flush()

    def receive(self) -> Any:
        """The worker's next answer; WorkerError if it stopped or answered with an error."""
        assert self.process.stdout is not None
        try:
            status, answer = pickle.load(self.process.stdout)
        except (EOFError, pickle.UnpicklingError) as exc:
            raise WorkerError(f"a worker stopped (exit code {self.process.poll()})") from exc
        if status != "ok":
            raise WorkerError(f"a worker failed: {answer}")
        return answer

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()  # end of input: the worker exits
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.stop()


def answer_requests(handle: Any) -> None:
    """A worker's main loop: ``handle(request)`` for each pickled request on standard input, its
    result written as ``("ok", result)``, or ``("error", message)`` when it raised or cannot be
    pickled. End of input ends the process."""
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            request = pickle.load(source)
        except EOFError:
            break
        try:
            data = pickle.dumps(("ok", handle(request)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # reported to the caller, which redoes the work in its own process
            data = pickle.dumps(("error", f"{type(exc).__name__}: {exc}"), protocol=pickle.HIGHEST_PROTOCOL)
        sink.write(data)
        sink.flush()
    os._exit(0)  # nothing to tear down
