"""Write an output somewhere temporary, then move it into place: a failed write changes nothing.

For the outputs a command makes for readers (``query --output``, ``diff --output``, ``build``,
``site``): whatever was at the destination stays as it was until the new version is complete, and
nothing half-written is left behind. The temporary place is beside the destination, on the same
file system, so the final move is a rename.

Changes to the package itself go through ``curation.atomic`` instead: several files changed at
once, with a journal that rolls them back after a crash.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

# A replaced site folder is readable by a web server like any folder (mkdtemp makes it owner-only).
FOLDER_MODE = 0o755


@contextlib.contextmanager
def staged_file(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` to write to; renamed to ``target`` when the block succeeds."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield temp
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


@contextlib.contextmanager
def staged_folder(out: Path, whole: bool) -> Iterator[Path]:
    """An empty temporary folder to fill; moved into ``out`` when the block succeeds.

    ``whole``: the folder becomes ``out``, replacing a previous one entirely. Otherwise each entry
    of the folder replaces its namesake in ``out``, and the other entries of ``out`` stay.
    """
    if whole:
        out.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    else:
        out.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out))
    try:
        yield temp
        if whole:
            if out.exists():
                shutil.rmtree(out)
            os.replace(temp, out)
            os.chmod(out, FOLDER_MODE)
        else:
            for item in sorted(temp.iterdir()):
                target = out / item.name
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                os.replace(item, target)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
