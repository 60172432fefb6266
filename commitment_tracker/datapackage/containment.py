"""The package's edge: every file the package names lies inside its root and is a regular file.

A pull request is hostile input. A data file, a seed or a whole folder (``data/``, ``seeds/``)
committed as a symbolic link to ``/etc/passwd`` or ``/proc/self/environ``, a path written as
``../x`` or ``/etc/x`` in ``datapackage.json`` or ``sources.seed_path``, or a FIFO or device where a
file is expected (reading a FIFO blocks forever, ``/dev/zero`` never ends) must never be read,
copied or published. Every reader of package files goes through this module, so the rule is
checked in one place:

* ``inside(root, relative)``: the path, after checking it lexically (not absolute, no ``..``) and
  for real (``os.path.realpath`` of every symbolic link on the way, against the real root), for
  reading or for writing;
* ``read_bytes(path)``: the bytes of a regular file, opened without blocking and checked with
  ``fstat`` on the open descriptor, so the check and the read concern the same file;
* ``require_regular(path)``: the same check before a path is handed to a reader we do not
  control (DuckDB's ``read_csv``, Python's ``csv`` module);
* ``walk_files(root, folder)``: every entry under a package folder, each with its problem if any.

A refused path raises ``ContainmentError``, an OSError and ValueError whose ``rule`` is the problem's rule
name (``path-outside-package`` or ``not-a-regular-file``). Its message names the path as the
package wrote it, never the link's target and never the content, which was not read.
Symbolic links that stay inside the package are followed: they read nothing the package does not
already hold.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from commitment_tracker.errors import TrackerError

OUTSIDE = "path-outside-package"
NOT_REGULAR = "not-a-regular-file"


class ContainmentError(TrackerError, OSError, ValueError):
    """A path the package names lies outside it, or is not a regular file; nothing was read.

    An OSError (a file that may not be read, like PermissionError) and a ValueError (a bad path,
    what ``paths.resolve`` always raised), so every caller that already handles either one turns
    it into its own clean message.
    """

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def _real(path: Path | str) -> str:
    return os.path.realpath(path)


def _is_within(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def inside(root: Path, relative: str) -> Path:
    """``root / relative``, refused unless it stays inside the package once every link is followed.

    The path need not exist (a file about to be written is checked the same way).
    """
    rel = _lexical(relative)
    path = Path(root) / rel
    real_root = _real(root)
    if not _is_within(_real(path), real_root):
        raise ContainmentError(OUTSIDE, _outside_message(Path(root), rel, real_root))
    return path


def _lexical(relative: str) -> Path:
    """``relative`` as a Path, refused unless it is a non-empty relative path without ``..``."""
    if not isinstance(relative, str) or not relative or "\x00" in relative:
        raise ContainmentError(OUTSIDE, f"path {relative!r} must be a non-empty relative path")
    rel = Path(relative)
    if rel.is_absolute() or ".." in rel.parts:
        raise ContainmentError(
            OUTSIDE, f"path {relative!r} must be relative to the package root, without '..'"
        )
    return rel


def _outside_message(root: Path, rel: Path, real_root: str) -> str:
    """Name the first symbolic link on the way that leads out (not its target: that is outside)."""
    for depth in range(1, len(rel.parts) + 1):
        step = Path(*rel.parts[:depth])
        candidate = root / step
        if candidate.is_symlink() and not _is_within(_real(candidate), real_root):
            if step == rel:
                what = "folder" if candidate.is_dir() else "file"
                return (
                    f"{rel.as_posix()} is a symbolic link leading outside the package; nothing is read "
                    f"or written through it: replace the link by the {what} itself"
                )
            return (
                f"{rel.as_posix()} leads outside the package through the symbolic link "
                f"{step.as_posix()}; nothing is read or written through it: replace the link by "
                "the folder itself"
            )
    return f"{rel.as_posix()} leads outside the package; nothing is read or written through it"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _not_regular(shown: str, mode: int) -> ContainmentError:
    return ContainmentError(NOT_REGULAR, f"{shown} is {_kind(mode)}, not a regular file; it was not read")


def require_regular(path: Path, shown: str | None = None) -> None:
    """Refuse anything but a regular file (FileNotFoundError when there is nothing)."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise _not_regular(shown or str(path), mode)


def read_bytes(path: Path, shown: str | None = None, follow: bool = True) -> bytes:
    """The bytes of the regular file at ``path`` (already checked with ``inside``).

    Opened with O_NONBLOCK, so a FIFO is refused instead of waiting for a writer that never comes,
    and checked with fstat on the descriptor itself. ``follow=False``: a symbolic link is not
    followed (OSError ELOOP).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags if follow else flags | os.O_NOFOLLOW)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(shown or str(path), info.st_mode)
        if info.st_size < _SMALL:
            return _read_small(fd, info.st_size)
        # One buffer sized from fstat, read into in place (a large data file is never copied).
        with io.FileIO(fd, "rb", closefd=False) as fh:
            return fh.readall()
    finally:
        os.close(fd)


# Below this size a file is read with os.read, without a file object: a seed of 10^6 claims'
# 20,000 costs two system calls and no buffered reader (fdopen was a third of the read's CPU).
_SMALL = 1 << 20


def _read_small(fd: int, size: int) -> bytes:
    """A small file whole: as many bytes as fstat said, then read until the end (an empty read),
    in case a read came short or the file grew."""
    first = os.read(fd, size + 1)
    rest = []
    while first and (chunk := os.read(fd, _SMALL)):
        rest.append(chunk)
    return first + b"".join(rest) if rest else first


def read_package_file(root: Path, relative: str) -> bytes:
    """``inside`` then ``read_bytes``: the one call for a file named by the package."""
    return read_bytes(inside(root, relative), relative)


class PackageReader:
    """``read_package_file`` for many files (the seeds of 10^6 claims): each folder on the way is
    resolved once, not once per file.

    A file whose folder lies inside the package and whose own name is not a symbolic link (opened
    with O_NOFOLLOW) is inside the package: that is what ``inside`` concludes too, with two
    ``realpath`` walks per file. Anything else (a link, a folder outside) goes through
    ``read_package_file`` itself, which follows links inside the package and words the refusal.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._real_root = _real(self.root)
        self._folders: dict[str, bool] = {}

    def read(self, relative: str) -> bytes:
        # A plain path (names of safe characters joined by single slashes, no "." or "..") is
        # judged on its text, as _lexical would judge it; any other goes through _lexical.
        # Building Path objects was half of this method's CPU for 20,000 seeds.
        plain = isinstance(relative, str) and _PLAIN.fullmatch(relative) is not None
        folder = relative.rpartition("/")[0] if plain else _lexical(relative).parent.as_posix()
        inside_folder = self._folders.get(folder)
        if inside_folder is None:
            inside_folder = _is_within(_real(os.path.join(self.root, folder)), self._real_root)
            self._folders[folder] = inside_folder
        if not inside_folder:
            return read_package_file(self.root, relative)
        try:
            return read_bytes(os.path.join(self.root, relative), relative, follow=False)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            return read_package_file(self.root, relative)  # the name is a link: judge where it leads


# Names of letters, digits, "_", "-" and "." (not "." or ".." alone) joined by single slashes.
_PLAIN = re.compile(r"(?!\.{1,2}(?:/|$))[\w.-]+(?:/(?!\.{1,2}(?:/|$))[\w.-]+)*", re.ASCII)


def read_package_path(root: Path, path: Path) -> bytes:
    """``read_package_file`` for a path found by listing a package folder (rules, suites, queries):
    a link anywhere between the root and the file that leads out of the package is refused."""
    relative = Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    return read_package_file(root, relative)


def check_folder(root: Path, relative: str) -> Path:
    """A package folder (``seeds``, ``data``): inside the package and, when present, a folder."""
    path = inside(root, relative)
    if path.exists() and not path.is_dir():
        raise ContainmentError(NOT_REGULAR, f"{relative} must be a folder")
    return path


def check_output(root: Path, out: Path) -> None:
    """An output folder named inside the package (``dist/``) must stay inside it once links are
    followed: a committed ``dist`` link would otherwise make ``build`` or ``site`` write elsewhere.
    A folder outside the package is the user's own choice and is not judged here."""
    try:
        relative = Path(out).absolute().relative_to(Path(root).absolute())
    except ValueError:
        return
    if relative.parts:
        inside(root, relative.as_posix())


def walk_files(root: Path, relative: str) -> Iterator[tuple[str, ContainmentError | None]]:
    """Every non-folder entry under the package folder ``relative``, package-relative, in order.

    Each comes with the reason it may not be read (outside the package, not a regular file) or
    None. Symbolic links to folders are not descended into (they are reported like files).
    Raises ContainmentError when the folder itself leads outside the package.
    """
    folder = check_folder(root, relative)
    if not folder.is_dir():
        return
    yield from _walk(root, str(folder), Path(folder).relative_to(root).as_posix())


def _walk(root: Path, folder: str, rel: str) -> Iterator[tuple[str, ContainmentError | None]]:
    """``walk_files`` below one folder reached without following a link: its own entries sorted
    by name (a link to a folder among them, judged as a file), then each real subfolder in name
    order, as ``os.walk`` (top-down, sorted, not following links) lists them. A folder that cannot
    be listed is skipped, as ``os.walk`` skips it. From ``os.scandir``'s entry types, without a
    stat or a Path per file (0.4 s of CPU for the 20,000 seeds of 10^6 claims)."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return
    subfolders = []
    for entry in entries:
        if _real_folder(entry):
            subfolders.append(entry)
            continue
        path = f"{rel}/{entry.name}"
        # A regular file that is no link, in a folder reached without following links under a
        # folder inside the package, is inside and readable: no realpath walk needed.
        yield path, None if _plain_file(entry) else _problem_of(root, path)
    for entry in subfolders:
        yield from _walk(root, entry.path, f"{rel}/{entry.name}")


def _real_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False  # as os.walk: an entry it cannot judge is listed, not descended into


def _plain_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


def _problem_of(root: Path, relative: str) -> ContainmentError | None:
    try:
        require_regular(inside(root, relative), relative)
    except ContainmentError as exc:
        return exc
    except FileNotFoundError:
        return ContainmentError(
            NOT_REGULAR, f"{relative} is a broken symbolic link (its target does not exist)"
        )
    return None


def refusal(exc: ContainmentError, relative: str) -> str:
    """Why a later check skips a refused file, short (the file check gave the full message)."""
    return f"{relative} was refused ({exc.rule})"
