"""UTF-8 judged on bytes, for the data files (structure layer) and the seeds (provenance layer).

Imports nothing heavy: pyarrow is loaded by the first check, DuckDB never.
"""

from __future__ import annotations

from array import array


def is_valid(data: bytes) -> bool:
    """UTF-8 validity checked by Arrow without building a Python string of the whole file."""
    import pyarrow as pa

    offsets = pa.py_buffer(array("q", [0, len(data)]))
    try:
        pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def first_error(data: bytes) -> UnicodeDecodeError:
    """Where bytes that ``is_valid`` refused stop being UTF-8 (``.start``, ``.end``), as Python says."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc
    raise AssertionError("Arrow and Python disagree on UTF-8")  # never: both follow RFC 3629
