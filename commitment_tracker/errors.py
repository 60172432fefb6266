"""The one error base of the tools, and the exit codes the command line maps errors to.

Every error a user can cause (a package that cannot be read, a refused query or curation input, a
write that cannot be made) is a :class:`TrackerError`: a message that names what is wrong, an
optional hint on how to fix it, and the exit code it ends the command with. The click group in
``cli.py`` catches it once and prints ``Error: message`` (and ``Hint: hint``), with no traceback.
Anything else that escapes a command is a bug in the tools, reported as such with exit code 3, so a
script or CI can tell a bad package from a broken tool.
"""

from __future__ import annotations

from typing import ClassVar

# The exit codes of every command (docs/validation.md, `commitments --help`).
EXIT_OK = 0  # valid, or done
EXIT_INVALID = 1  # the package is invalid, or a user's input was refused
EXIT_USAGE = 2  # usage error: unknown option, bad option value (click's own code)
EXIT_BUG = 3  # the tool itself failed: a bug, to be reported

DEBUG_ENV = "COMMITMENTS_DEBUG"


class TrackerError(Exception):
    """An error whose message a user can act on; ``str()`` is the message.

    ``hint`` says how to fix it (None when the message already does); ``exit_code`` is what the
    command exits with; ``title`` is the word printed before the message.
    """

    title: ClassVar[str] = "Error"
    exit_code: int = EXIT_INVALID
    hint: str | None = None

    def __init__(self, message: str = "", hint: str | None = None, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def message(self) -> str:
        # str() rather than a stored copy: subclasses (DescriptorError, ContainmentError) build
        # their message in their own __init__ and pass it up as the exception's argument.
        return str(self)


class InternalError(TrackerError):
    """An exception no command expected: a bug in the tools, not a problem with the user's data."""

    title: ClassVar[str] = "Internal error"
    exit_code: int = EXIT_BUG

    @classmethod
    def from_exception(cls, exc: BaseException) -> InternalError:
        detail = str(exc).strip().splitlines()
        what = type(exc).__name__ + (f": {detail[0]}" if detail else "")
        return cls(
            f"the tool failed ({what}). This is a bug in the commitments tools, not a problem with "
            "your data: please report it to the package's maintainers (see CITATION.cff) with the "
            "command you ran and its output with --debug.",
            hint=f"run the command again with --debug (or {DEBUG_ENV}=1) to see where it failed.",
        )
