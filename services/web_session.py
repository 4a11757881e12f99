"""The browser session, held on the server (SECURITY.md A10, P7).

The `vp_session` cookie carries only a random id; what Flask keeps in `session` (the
packet and link ids, the half-finished staff login, the CSRF secret, flash messages, and
the resume link or one-time password to show once) lives in the `web_session` table,
keyed by a hash of that id. So no token, code, password or name ever sits in a cookie,
and ending a session (Leave, a new login) deletes its row: a copied cookie opens nothing.

A session ends after PATIENT_IDLE_TIMEOUT without a request and PATIENT_ABSOLUTE_TIMEOUT
in all, counted on the server. Rows are read and written on their own connection, so the
request's own transaction is never committed by accident. When the database does not
answer, the request gets an empty session that is never saved (the error page then says
the database is down; nothing here raises).

A request holds one pooled connection at a time: the row is read before the view takes
its own, and written after the view's has gone back to the pool. (Taking a second one
while still holding the first let 15 concurrent requests hold the whole pool and wait for
each other until the pool's timeout, which then looked like "the session store does not
answer".) A row is written only when its contents changed, or to move `last_seen_at` on
at most every TOUCH_EVERY, and that write is conditional, so many requests at once with
one cookie do not queue up behind each other's write.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

from flask import Flask, Request, Response
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import CallbackDict

from extensions import db

log = logging.getLogger(__name__)
_serializer = TaggedJSONSerializer()

#: `last_seen_at` is written at most this often when nothing else changed.
TOUCH_EVERY = timedelta(seconds=60)


def now() -> datetime:
    """The one clock; tests move it to step past the time limits."""
    return datetime.now(UTC)


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


class ServerSession(CallbackDict, SessionMixin):
    """A dict that knows its row and whether it changed."""

    def __init__(self, initial: dict | None = None, sid: str | None = None,
                 created_at: datetime | None = None, last_seen_at: datetime | None = None,
                 store_down: bool = False, ended: str | None = None,
                 stored: str | None = None) -> None:
        def on_update(self: ServerSession) -> None:
            self.modified = True
            self.accessed = True

        super().__init__(initial, on_update)
        self.sid = sid
        self.created_at = created_at
        self.last_seen_at = last_seen_at
        self.store_down = store_down
        #: The row's data as read, so an unchanged session is not written back.
        self.stored = stored
        #: Why the session from the cookie just ended (idle, expired), if it did.
        self.ended = ended
        #: Row ids (hashes) to delete when the session is saved: a regenerated one's old row.
        self.dropped: list[str] = []
        self.modified = False
        self.accessed = False

    @property
    def new(self) -> bool:  # type: ignore[override]
        return self.sid is None

    def regenerate(self) -> None:
        """Forget everything and take a new id (login, Leave): the old row is deleted."""
        if self.sid is not None:
            self.dropped.append(_hash(self.sid))
        self.sid = None
        self.created_at = None
        self.clear()
        self.modified = True


def _table():
    from models import WebSession

    return WebSession.__table__


class DatabaseSessionInterface(SessionInterface):
    serializer = _serializer

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        sid = request.cookies.get(self.get_cookie_name(app))
        if not sid or len(sid) > 100:
            return ServerSession()
        table = _table()
        try:
            with db.engine.connect() as conn:
                row = conn.execute(
                    select(table.c.data, table.c.created_at, table.c.last_seen_at)
                    .where(table.c.sid_hash == _hash(sid))
                ).first()
        except SQLAlchemyError:
            log.warning("The session store did not answer; this request has no session")
            return ServerSession(store_down=True)
        if row is None:
            return ServerSession()
        data, created_at, last_seen_at = row
        created_at, last_seen_at = _aware(created_at), _aware(last_seen_at)
        at = now()
        ended = None
        if at - created_at > app.config["PATIENT_ABSOLUTE_TIMEOUT"]:
            ended = "expired"
        elif at - last_seen_at > app.config["PATIENT_IDLE_TIMEOUT"]:
            ended = "idle"
        if ended:
            session = ServerSession(ended=ended)
            session.dropped.append(_hash(sid))
            session.modified = True
            return session
        try:
            values = self.serializer.loads(data) if data else {}
        except Exception:  # noqa: BLE001 - a row we cannot read is a session we do not have
            values = {}
        return ServerSession(values, sid=sid, created_at=created_at, last_seen_at=last_seen_at,
                             stored=data)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not isinstance(session, ServerSession) or session.store_down:
            return
        name = self.get_cookie_name(app)
        domain, path = self.get_cookie_domain(app), self.get_cookie_path(app)
        secure, httponly = self.get_cookie_secure(app), self.get_cookie_httponly(app)
        samesite = self.get_cookie_samesite(app)
        if session.accessed:
            response.vary.add("Cookie")
        table = _table()
        at = now()
        release_request_connection()
        try:
            with db.engine.begin() as conn:
                if session.dropped:
                    conn.execute(delete(table).where(table.c.sid_hash.in_(session.dropped)))
                if not session:
                    if session.sid is not None:
                        conn.execute(delete(table).where(table.c.sid_hash == _hash(session.sid)))
                    if session.sid is not None or session.dropped:
                        response.delete_cookie(name, domain=domain, path=path, secure=secure,
                                               httponly=httponly, samesite=samesite)
                    return
                data = self.serializer.dumps(dict(session))
                if session.sid is None:
                    session.sid = secrets.token_urlsafe(32)
                    session.created_at = at
                    conn.execute(insert(table).values(
                        sid_hash=_hash(session.sid), data=data, created_at=at, last_seen_at=at))
                elif session.modified and data != session.stored:
                    conn.execute(update(table).where(table.c.sid_hash == _hash(session.sid))
                                 .values(data=data, last_seen_at=at))
                elif session.last_seen_at is None or at - session.last_seen_at > TOUCH_EVERY:
                    # Only the first of many requests at once moves it on; the rest match
                    # no row and write nothing.
                    conn.execute(update(table).where(
                        table.c.sid_hash == _hash(session.sid),
                        table.c.last_seen_at < at - TOUCH_EVERY,
                    ).values(last_seen_at=at))
                else:
                    return
        except SQLAlchemyError:
            log.warning("The session could not be saved; the cookie is left as it was")
            return
        # The cookie lives as long as the session may; the server decides before that.
        expires = session.created_at + app.config["PATIENT_ABSOLUTE_TIMEOUT"]
        response.set_cookie(name, session.sid, expires=expires, httponly=httponly,
                            domain=domain, path=path, secure=secure, samesite=samesite)


def release_request_connection() -> None:
    """Give the request's own connection back to the pool before the session row is
    written: the response is made, and what the view left uncommitted is rolled back at
    teardown anyway. (On SQLite this also lets go of a write lock the session's own write
    would otherwise wait for until the busy timeout.)"""
    if not db.session.registry.has():
        return
    orm_session = db.session()
    if not orm_session.in_transaction():
        return
    try:
        orm_session.rollback()
    except SQLAlchemyError:
        log.warning("The request's database transaction could not be ended")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def end_expired(older_than: datetime | None = None) -> int:
    """Delete rows past either time limit (the retention command runs this)."""
    from flask import current_app

    table = _table()
    config = current_app.config
    at = older_than or now()
    with db.engine.begin() as conn:
        result = conn.execute(delete(table).where(
            (table.c.created_at < at - config["PATIENT_ABSOLUTE_TIMEOUT"])
            | (table.c.last_seen_at < at - config["PATIENT_IDLE_TIMEOUT"])
        ))
    return result.rowcount or 0


def init_app(app: Flask) -> None:
    app.session_interface = DatabaseSessionInterface()

