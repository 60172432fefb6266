"""Tools for the Morocco AI commitments data package: schema access, canonical CSV, validation, summary.

Every function that touches the package takes the package root as an explicit ``root: Path`` so the
same code runs on the repository, on a copy in a test, or on a user's download.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "load"]


def __getattr__(name: str) -> Any:
    # The Python API: ``from commitment_tracker import load`` -> {resource: polars.DataFrame},
    # imported on first use so that a worker process importing one module of the package
    # (validation.gx_worker) does not import DuckDB. Note: ``load`` is a function, not a submodule;
    # import the module's other helpers with ``from commitment_tracker.database import connect``.
    if name == "load":
        from commitment_tracker.database import load

        return load
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
