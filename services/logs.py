"""Structured logs: one JSON object a line, each with the request id, tokens redacted.

gunicorn uses `GunicornLogger` (see gunicorn.conf.py) for its own, the access and the app's
log lines; a job worker or a CLI command calls `configure()` to write the same lines.
The access line holds the method, the path without its query string, the status, the size and
the time taken: never a query string, a referrer, a cookie, a name or a token.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from gunicorn.glogging import Logger

from services import request_id
from services.logfilter import REDACT, redact

#: Fields of a LogRecord that are not worth a key in every line.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class RequestIdFilter(logging.Filter):
    """Stamp each record with the current request id (None outside a request or job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.current()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str, ensure_ascii=False)


#: Flask-Limiter's logger: what it says about its storage is made one of our events.
LIMITER_LOGGER = "flask-limiter"


def _store_address() -> str | None:
    """host:port of the rate-limit store, never its password."""
    from urllib.parse import urlsplit

    from flask import current_app, has_app_context

    if not has_app_context():
        return None
    url = current_app.config.get("RATELIMIT_STORAGE_URI") or ""
    try:
        parts = urlsplit(url)
        return f"{parts.hostname}:{parts.port or 6379}" if parts.hostname else parts.scheme
    except ValueError:
        return None


class RateLimitStoreFilter(logging.Filter):
    """When the shared store (Redis) stops answering, Flask-Limiter counts in each worker's
    memory: every worker then allows the whole limit (SECURITY.md A6). That is said as a
    warning with `event` and `store` keys, and its recovery too, so an alert can look for it."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if "falling back to in-memory" in text:
            record.event = "rate_limits.per_worker"
            record.msg = ("Rate limits now count in each worker's memory: the shared store "
                          "does not answer, so every worker allows the whole limit until it does")
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        elif "storage recovered" in text:
            record.event = "rate_limits.shared"
            record.msg = "Rate limits are shared by the workers again: the store answers"
        else:
            return True
        record.args = None
        record.store = _store_address()
        return True


RATE_LIMIT_STORE = RateLimitStoreFilter()


def watch_rate_limit_store() -> None:
    """Once per process (addFilter skips a filter already there)."""
    logging.getLogger(LIMITER_LOGGER).addFilter(RATE_LIMIT_STORE)


def json_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(REDACT)
    return handler


def configure(level: int = logging.INFO, stream=None) -> None:
    """Send every logger's lines (the app's, SQLAlchemy's, a worker's) to one JSON handler."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_visitprep", False):
            root.removeHandler(handler)
    handler = json_handler(stream)
    handler._visitprep = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # Chatter that says nothing about a request: alembic's plugin set-up, WeasyPrint's progress
    # steps and its notes on screen-only CSS it ignores in print (about ten lines a PDF).
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)


class GunicornLogger(Logger):
    """gunicorn's logger, writing JSON lines; the access line is built from safe fields only."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())
                handler.addFilter(RequestIdFilter())
                handler.addFilter(REDACT)
        # The app's own loggers go to the same stream as gunicorn's errors.
        configure(self.error_log.level or logging.INFO)

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        headers = dict((k.lower(), v) for k, v in (resp.headers or ()))
        duration = request_time.seconds * 1000 + request_time.microseconds / 1000
        self.access_log.info(
            "request",
            extra={
                "request_id": headers.get("x-request-id"),
                "remote": environ.get("REMOTE_ADDR", "-"),
                "method": environ.get("REQUEST_METHOD"),
                "path": redact(environ.get("PATH_INFO", "")),
                "status": int(status),
                "bytes": getattr(resp, "sent", None),
                "ms": round(duration, 1),
            },
        )
