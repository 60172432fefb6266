"""Tools for the Morocco AI commitments data package: schema access, canonical CSV, validation, summary.

Every function that touches the package takes the package root as an explicit ``root: Path`` so the
same code runs on the repository, on a copy in a test, or on a user's download.
"""

__version__ = "0.1.0"

# The Python API: ``from commitment_tracker import load`` -> {resource: polars.DataFrame}. Importing
# it here is cheap (duckdb is the only heavy import, polars is imported when load() runs).
# Note: this name shadows the submodule attribute; import the module's other helpers with
# ``from commitment_tracker.database import connect`` (which always resolves the module).
from commitment_tracker.database import load

__all__ = ["__version__", "load"]
