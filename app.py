"""The VisitPrep application factory.

`create_app()` is the only entry point: nothing at module level touches the
database, so importing this module is always safe (gunicorn, the CLI, tests).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, g, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import Pool
from werkzeug.routing import IntegerConverter

from config import BASE_DIR, Config, load_config
from extensions import babel, db, limiter, login_manager, mail, migrate
from services import csrf_guard, web_session

#: The one Content-Security-Policy: no inline script or style anywhere.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


def create_app(config: Config | None = None, **overrides: Any) -> Flask:
    """Build the app from a config object (default: from the environment)."""
    app = Flask(__name__, instance_path=str(BASE_DIR / "instance"))
    register_config(app, config or load_config(), overrides)
    register_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_headers(app)
    register_templates(app)
    register_commands(app)
    register_logging(app)
    return app


def register_config(app: Flask, config: Config, overrides: dict[str, Any]) -> None:
    app.config.from_object(config)
    app.config.update(overrides)


def register_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, take the client's address and scheme from their
    X-Forwarded-For / X-Forwarded-Proto (rate limits and audit rows then see the real
    client, and cookies and HSTS see HTTPS). With 0, forwarded headers are ignored."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    from services.passwords import use_parameters

    if app.config.get("ARGON2_PARAMETERS"):
        use_parameters(**app.config["ARGON2_PARAMETERS"])
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    web_session.init_app(app)
    csrf_guard.init_app(app)
    login_manager.init_app(app)
    from services.i18n import select_locale, select_timezone

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    from services import jobs
    from services.channels import backend_for

    app.config["MAIL_BACKEND"] = backend_for(app.config)
    mail.init_app(app)
    jobs.init_app(app)


#: A pooled connection idle longer than this is tried ("SELECT 1") before a request gets
#: it, and replaced if the server has gone away meanwhile (a restart, a failover, an idle
#: timeout). Pinging every checkout (SQLAlchemy's pool_pre_ping) cost a round trip each
#: time: three a request, since the session store takes its own connections.
PING_AFTER_IDLE_SECONDS = 10.0


@event.listens_for(Pool, "checkin")
def _note_checkin(dbapi_connection: Any, connection_record: Any) -> None:
    connection_record.info["idle_since"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection: Any, connection_record: Any, proxy: Any) -> None:
    idle_since = connection_record.info.get("idle_since")
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
        return  # brand new, or used a moment ago
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
    except Exception as error:  # noqa: BLE001 - any driver's "connection is gone"
        raise DisconnectionError("a pooled connection was gone; taking a new one") from error


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Durable, concurrent SQLite: WAL, full sync, foreign keys, a busy timeout."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class DatabaseInt(IntegerConverter):
    """`<int:...>` that ends at the largest id the database holds (32-bit signed), so a
    longer number is a 404 on SQLite and PostgreSQL alike, never an overflow."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseInt
    from blueprints.admin import bp as admin_bp
    from blueprints.auth import bp as auth_bp
    from blueprints.errors import bp as errors_bp
    from blueprints.health import bp as health_bp
    from blueprints.patient import bp as patient_bp
    from blueprints.portal import bp as portal_bp
    from blueprints.reception import bp as reception_bp

    for bp in (errors_bp, health_bp, portal_bp, patient_bp, auth_bp, reception_bp, admin_bp):
        app.register_blueprint(bp)
    from services.channels import DevOutboxBackend

    if app.config.get("MAIL_BACKEND") is DevOutboxBackend:
        from blueprints.dev import bp as dev_bp

        app.register_blueprint(dev_bp)


def register_headers(app: Flask) -> None:
    from services.static_version import IMMUTABLE

    @app.after_request
    def security_headers(response):
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        elif request.args.get("v") and response.status_code == 200:
            response.headers["Cache-Control"] = IMMUTABLE
        if app.config.get("HSTS"):
            response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        return response


def register_templates(app: Flask) -> None:
    from blueprints.fields import shows_errors
    from services.formatting import register_filters
    from services.i18n import register as register_i18n

    register_filters(app)
    app.jinja_env.add_extension("services.compact_html.CompactHTML")
    from services.public_url import public_url

    app.add_template_global(public_url, "public_url")
    register_i18n(app)
    register_static_versions(app)
    app.add_template_global(shows_errors, "shows_errors")


def register_static_versions(app: Flask) -> None:
    """`url_for('static', ...)` carries the file's hash, so the file may be cached for a year."""
    from services.static_version import version_of

    @app.url_defaults
    def version_static_urls(endpoint, values):
        if endpoint == "static" and "v" not in values and values.get("filename"):
            version = version_of(app.static_folder, values["filename"])
            if version:
                values["v"] = version


def register_commands(app: Flask) -> None:
    from commands import register

    register(app)


def register_logging(app: Flask) -> None:
    """Keep tokens out of the logs; give each request an id that its log lines carry.

    The id comes from the proxy's `X-Request-ID` when well formed, else is made here, and is
    sent back in the `X-Request-ID` header. Jobs take it along (`services.request_id`).
    """
    from services import request_id
    from services.logfilter import REDACT
    from services.logs import watch_rate_limit_store

    watch_rate_limit_store()

    # One shared filter: loggers are process-wide, and addFilter skips one already there.
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", app.logger.name):
        logging.getLogger(name).addFilter(REDACT)

    @app.before_request
    def bind_request_id():
        incoming = request.headers.get("X-Request-ID")
        g.request_id_token = request_id.set_current(request_id.accept(incoming))

    @app.after_request
    def send_request_id(response):
        if request_id.current():
            response.headers["X-Request-ID"] = request_id.current()
        return response

    @app.teardown_request
    def unbind_request_id(exc):
        token = g.pop("request_id_token", None)
        if token is not None:
            request_id.reset(token)
