"""The worker process of ``gx_session.RemoteSession``: imports Great Expectations, then judges.

Standard input carries pickled ``(kind, arguments)`` requests from the session that started this
process: first ``("start", None)`` (answered once GX is imported), then ``validate`` and
``data-docs`` requests (see ``gx_session.serve``). End of input ends the process.
"""

from __future__ import annotations

from typing import Any

from commitment_tracker.validation.gx_session import GXSession, no_cycle_collection, serve
from commitment_tracker.validation.workers import answer_requests


class _Judge:
    session: GXSession | None = None

    def __call__(self, request: tuple[str, Any]) -> Any:
        if request[0] == "start":
            with no_cycle_collection():  # this process holds nothing but GX
                self.session = GXSession()
            return "ready"
        if self.session is None:
            raise RuntimeError("not started")
        return serve(self.session, request)


if __name__ == "__main__":
    answer_requests(_Judge())
