"""Where `validate`'s memory goes: resident memory per layer, and what was running at the peak.

Runs the layers of ``validate.LAYERS`` in this process, as ``validate()`` does, while a thread
reads this process's resident memory (``VmRSS``) and its child processes' (the figure workers)
every ``--interval`` seconds. Prints, per layer, the largest resident memory of this process and
of the whole tree seen while it ran, and the Python stack of the main thread at the largest
sample of this process: a poor man's py-spy, with no tool to install.

    python bench/validate_memory.py /tmp/benchpk/pkg-10000000 --interval 0.5
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import traceback
from pathlib import Path

from commitment_tracker.datapackage.schema import load_package


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    kids = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                kids += [int(k) for k in fh.read().split()]
        except OSError:
            pass
    return kids


def _short(filename: str) -> str:
    return filename.split("/site-packages/")[-1].split("/commitment_tracker/")[-1]


class Sampler(threading.Thread):
    def __init__(self, interval: float, log: Path | None):
        super().__init__(daemon=True)
        self.interval = interval
        self.log = open(log, "a", encoding="utf-8", buffering=1) if log else None  # noqa: SIM115
        self.started = time.monotonic()
        self.layer = "imports"
        self.main = threading.main_thread().ident
        self.peaks: dict[str, dict] = {}
        self.done = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.done.wait(self.interval):
            own = _rss_kib(me)
            tree = own + sum(_rss_kib(k) for k in _children(me))
            peak = self.peaks.setdefault(self.layer, {"own": 0, "tree": 0, "stack": "", "at": 0.0})
            peak["tree"] = max(peak["tree"], tree)
            frame = sys._current_frames().get(self.main)
            stack = [f"{_short(f.filename)}:{f.lineno} {f.name}" for f in traceback.extract_stack(frame)]
            if own > peak["own"]:
                peak.update(own=own, at=time.monotonic(), stack="\n".join(f"    {f}" for f in stack[-14:]))
            if self.log:
                # One line a sample, written at once: a run killed for its memory still says where it was.
                elapsed = time.monotonic() - self.started
                self.log.write(
                    f"{elapsed:.1f}s {self.layer} own={own} tree={tree} | {' < '.join(stack[:-5:-1])}\n"
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--layers", help="comma-separated layers to run (default: all, in order)")
    parser.add_argument("--log", type=Path, help="append every sample (memory and innermost frames) here")
    args = parser.parse_args(argv)
    sampler = Sampler(args.interval, args.log)
    sampler.start()
    started = time.monotonic()
    from commitment_tracker.validation.context import ValidationContext, today_from_env
    from commitment_tracker.validation.validate import LAYERS

    root = args.root.resolve()
    ctx = ValidationContext(root=root, package=load_package(root), today=today_from_env())
    failed = []
    wanted = args.layers.split(",") if args.layers else [name for name, _ in LAYERS]
    for name, run in (layer for layer in LAYERS if layer[0] in wanted):
        layer_start = time.monotonic()
        sampler.layer = name
        failed += [c for c in run(ctx) if c.status != "passed"]
        print(f"{name}: {time.monotonic() - layer_start:.1f} s", flush=True)
    sampler.done.set()
    sampler.join()
    print(f"total {time.monotonic() - started:.1f} s; problems in {[c.check for c in failed]}")
    for name, peak in sampler.peaks.items():
        print(
            f"{name}: peak {peak['own'] / 2**20:.2f} GiB in this process, {peak['tree'] / 2**20:.2f} GiB "
            f"with its workers; at {peak['at'] - started:.0f} s the main thread was in\n{peak['stack']}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
