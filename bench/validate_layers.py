"""Where `python cli.py validate` spends its time on the real package (a benchmark, not a test).

Prints the cold-process wall time of the whole command (a new interpreter each run, imports
included; the OS file cache is warm after the first run) and, from separate cold processes, the
time of each step: start-up imports, the structure layer (frictionless included), the import of
Great Expectations, the content layer (suites and SQL rules, GX already imported), and the
provenance layer. Medians of --runs runs.

    python bench/validate_layers.py            # 5 runs each
    python bench/validate_layers.py --runs 9 --root path/to/package
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Runs in a fresh interpreter: times each step of validate() the way validate.py sequences them.
PROBE = r"""
import json, sys, time
t = [time.perf_counter()]
from pathlib import Path
from commitment_tracker.validation import content, gx_session, provenance, structure
from commitment_tracker.datapackage import schema
from commitment_tracker.validation.context import ValidationContext, today_from_env
t.append(time.perf_counter())
root = Path(sys.argv[1])
ctx = ValidationContext(root=root, package=schema.load_package(root), today=today_from_env())
checks = structure.run(ctx)
t.append(time.perf_counter())
gx_session.defer_unused_gx_imports()  # as GXSession does before importing GX
import great_expectations
t.append(time.perf_counter())
checks += content.run(ctx)
t.append(time.perf_counter())
checks += provenance.run(ctx)
t.append(time.perf_counter())
assert all(c.status == "passed" for c in checks), [c.check for c in checks if c.status != "passed"]
steps = ["imports (polars, duckdb, commitment_tracker)", "structure layer (files, frictionless, canonical)",
         "import great_expectations", "content layer (14 suites + SQL rules via GX)", "provenance layer"]
print(json.dumps(dict(zip(steps, [b - a for a, b in zip(t, t[1:])]))))
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_validate(root: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one `cli.py validate` in a new process."""
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(REPO / "cli.py"), "validate", "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"validate failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return elapsed, _children_cpu() - cpu


def probe(root: Path) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(root)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", type=Path, default=REPO)
    args = parser.parse_args()
    root = args.root.resolve()

    cold_validate(root)  # warm the OS file cache; not counted
    totals, cpus, samples = [], [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine load
        wall, cpu = cold_validate(root)
        totals.append(wall)
        cpus.append(cpu)
        samples.append(probe(root))
    steps = {name: statistics.median(s[name] for s in samples) for name in samples[0]}
    total = statistics.median(totals)

    print(f"python cli.py validate on {root} ({args.runs} cold runs, load average {os.getloadavg()[0]:.1f})")
    print(
        f"  whole command: median {total:.2f} s wall (min {min(totals):.2f}, max {max(totals):.2f}), "
        f"{statistics.median(cpus):.2f} s CPU"
    )
    print("  per step, in-process (median of cold runs):")
    for name, seconds in steps.items():
        print(f"    {seconds:6.2f} s  {seconds / total:4.0%}  {name}")
    rest = total - sum(steps.values())
    print(f"    {rest:6.2f} s  {rest / total:4.0%}  interpreter start-up, click, printing (the remainder)")


if __name__ == "__main__":
    main()
