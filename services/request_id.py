"""The request id: one short id per request, in every log line it causes, handed on to jobs.

The web app takes the id nginx sends (`X-Request-ID`, its `$request_id`) or makes one, and
returns it in the `X-Request-ID` response header. A job worker carries it along with the job:

    from services import request_id
    job_meta = {"request_id": request_id.current()}       # when the request queues a job
    with request_id.bound(job_meta.get("request_id")):    # in the worker, around the job
        ...                                               # every log line carries the id

Nothing here needs Flask, so the worker and the CLI use the same helper.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import secrets
from collections.abc import Iterator

#: What an id from outside may look like: no spaces, quotes or newlines reach a log line.
_VALID = re.compile(r"[A-Za-z0-9._\-]{8,64}")

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def new() -> str:
    """A fresh random id (128 bits, 32 hex characters, the shape of nginx's $request_id)."""
    return secrets.token_hex(16)


def accept(value: str | None) -> str:
    """The id a proxy sent when it is well formed, otherwise a new one."""
    if value and _VALID.fullmatch(value):
        return value
    return new()


def current() -> str | None:
    """The id of the request or job being handled now, or None outside one."""
    return _current.get()


def set_current(value: str | None) -> contextvars.Token:
    """Make `value` the current id; give the returned token to `reset` when done."""
    return _current.set(value)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


@contextlib.contextmanager
def bound(value: str | None = None) -> Iterator[str]:
    """Run a block (a job, a CLI command) under `value`, or under a new id when it is None."""
    token = _current.set(accept(value))
    try:
        yield _current.get()  # type: ignore[misc]
    finally:
        _current.reset(token)
