"""Cold validation of the real package with Great Expectations in a worker or in this process.

``validate`` picks the worker on its own only while a core is free (``gx_session.worker_if_idle``);
this forces each way, in fresh processes taking turns, so both can be timed at any load:

* ``worker``: the worker started first thing (as the CLI does), before the validation modules load;
* ``in-process``: GX imported and run in this process (the path of large packages and busy machines).

Printed for each: median wall and CPU seconds (the process and its worker, from
``RUSAGE_CHILDREN``), the 1-minute load average at the starts, and each run.

    python bench/gx_worker_modes.py --runs 5
    git worktree add --detach /tmp/before BASE
    python bench/gx_worker_modes.py --runs 5 --tree before=/tmp/before --tree after=.

With ``--tree`` each code tree runs its own copy of this script (it must have one), trees and
modes taking turns within each round, so a neighbour's load falls on all alike.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from validate_cold import print_table, timed  # this folder: python bench/gx_worker_modes.py

REPO = Path(__file__).resolve().parent.parent
MODES = ("in-process", "worker")


def one(mode: str, root: Path) -> None:
    """Validate ``root`` once in this process, GX placed as ``mode`` says; exit 1 if invalid."""
    sys.path.insert(0, str(REPO))
    from commitment_tracker.validation import gx_session

    if mode == "worker":
        gx = gx_session.start_worker(root)
        assert gx is not None, "no worker: is the package large?"
    else:
        gx_session.WORKER_UP_TO_BYTES = -1  # validate() then keeps GX here
        gx = None
    from commitment_tracker.validation.validate import validate

    valid = validate(root, gx=gx).valid
    sys.stdout.flush()
    os._exit(0 if valid else 1)  # as the CLI ends: no module teardown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", type=Path, default=REPO)
    parser.add_argument("--tree", action="append", help="LABEL=PATH of a code tree (repeatable)")
    parser.add_argument("--one", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.root)
    trees = dict(t.split("=", 1) for t in args.tree) if args.tree else {"": str(REPO)}
    scripts = {label: Path(tree).resolve() / "bench" / Path(__file__).name for label, tree in trees.items()}
    runs: dict[str, list[tuple[float, float, float]]] = {
        f"{label} {mode}".strip(): [] for label in trees for mode in MODES
    }
    for _ in range(args.runs):
        for mode in MODES:
            for label, script in scripts.items():
                argv = [sys.executable, str(script), "--one", mode, "--root", str(args.root)]
                runs[f"{label} {mode}".strip()].append(timed(argv))
    print_table("GX", runs)


if __name__ == "__main__":
    main()
