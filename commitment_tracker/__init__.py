"""Tools for the Morocco AI commitments data package: schema access, canonical CSV, validation, summary.

Every function that touches the package takes the package root as an explicit ``root: Path`` so the
same code runs on the repository, on a copy in a test, or on a user's download.
"""

__version__ = "0.1.0"
