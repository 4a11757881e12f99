"""Configuration read from the environment.

`VISITPREP_ENV` picks the class: development (default), production or testing.
Production refuses to start without a strong SECRET_KEY; development makes one
and keeps it in `instance/` so sessions survive a restart.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("VISITPREP_INSTANCE_DIR", BASE_DIR / "instance"))

#: Keys shorter than this, or drawn from too few characters, are refused in production.
MIN_SECRET_KEY_LENGTH = 32
WEAK_SECRET_KEYS = {"dev", "secret", "changeme", "change-me", "development", "test", "password"}


class ConfigError(RuntimeError):
    """The environment does not hold a configuration the app can run with."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from exc


def normalise_database_url(url: str) -> str:
    """Send plain postgres URLs through psycopg 3, the driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def default_database_url() -> str:
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'visitprep.sqlite3'}"


def is_strong_secret(key: str | None) -> bool:
    if not key or len(key) < MIN_SECRET_KEY_LENGTH:
        return False
    if key.lower() in WEAK_SECRET_KEYS or len(set(key)) < 10:
        return False
    return True


def development_secret_key() -> str:
    """Return the key kept in instance/, making it on first use."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "development"
    TESTING = False
    SECRET_KEY: str | None = None

    SQLALCHEMY_TRACK_MODIFICATIONS = False
    #: Pooled connections are checked before use when they have been idle (app.py).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    #: A 2 MiB body is refused with 413; no form here needs more than a few kB.
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024

    #: The patient's cookie: they arrive from the clinic portal, another site.
    SESSION_COOKIE_NAME = "vp_session"
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = False
    #: Patient sessions end after this long without a request, and this long in all (P7).
    PATIENT_IDLE_TIMEOUT = timedelta(hours=2)
    PATIENT_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    PERMANENT_SESSION_LIFETIME = PATIENT_ABSOLUTE_TIMEOUT

    #: The staff cookie holds a server-side session id and is Strict.
    STAFF_COOKIE_NAME = "vp_staff"
    STAFF_IDLE_TIMEOUT = timedelta(minutes=15)
    STAFF_ABSOLUTE_TIMEOUT = timedelta(hours=12)

    #: CSRF tokens live as long as the patient session, so a slow patient is never refused.
    WTF_CSRF_TIME_LIMIT = int(PATIENT_ABSOLUTE_TIMEOUT.total_seconds())
    #: Flask-WTF's Referer check is off: with `Referrer-Policy: no-referrer` browsers send no
    #: Referer, so it refused every POST over HTTPS. services/csrf_guard.py checks `Origin`
    #: and `Sec-Fetch-Site` instead.
    WTF_CSRF_SSL_STRICT = False

    #: Invitation and resume links stop working after this many days.
    LINK_LIFETIME_DAYS = 120
    DOB_MAX_FAILURES = 5

    RATELIMIT_DEFAULT = "300 per minute"
    #: No X-RateLimit-* headers: they cost two more Redis round trips on every request
    #: (the window's count and its expiry), for no reader a browser has.
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_SUPPORTED_LOCALES = ["en", "es"]
    #: The compiled catalogues (`make install` builds the .mo files from the .po).
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    HSTS = False
    TIMEZONE_DEFAULT = "America/New_York"

    #: Mail (Flask-Mailman over SMTP). Without MAIL_SERVER, mail goes to the developer
    #: outbox (instance/dev-mail/, shown at /dev/outbox) and to the console.
    MAIL_PORT = 587
    MAIL_TIMEOUT = 20
    #: Sending: tries before a message is dead, and the back-off between them.
    MAIL_MAX_ATTEMPTS = 8
    MAIL_RETRY_BASE_SECONDS = 30
    MAIL_RETRY_MAX_SECONDS = 3600
    #: A claim older than this is taken to be a dead worker's and is taken again.
    MAIL_CLAIM_LEASE_SECONDS = 300
    #: "Email me my link": at most this many link mails per packet an hour.
    MAIL_LINKS_PER_HOUR = 3

    def __init__(self) -> None:
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("DATABASE_URL") or default_database_url()
        )
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "visitprep")
        self.RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
        self.RATELIMIT_DEFAULT = os.environ.get("RATELIMIT_DEFAULT") or self.RATELIMIT_DEFAULT
        self.LINK_LIFETIME_DAYS = _int("LINK_LIFETIME_DAYS", self.LINK_LIFETIME_DAYS)
        self.PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/") or None
        #: How many proxies (nginx, a load balancer) stand in front of the app. Their
        #: X-Forwarded-For and X-Forwarded-Proto are believed for that many hops, no more.
        self.TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
        #: The port `make run` serves on, for the links the CLI prints.
        self.PORT = _int("PORT", 5000)
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
        self.MAIL_PORT = _int("MAIL_PORT", self.MAIL_PORT)
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
        self.MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
        self.MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
        self.MAIL_DEFAULT_SENDER = (os.environ.get("MAIL_DEFAULT_SENDER")
                                    or "VisitPrep <no-reply@localhost>")
        self.MAIL_TIMEOUT = _int("MAIL_TIMEOUT", self.MAIL_TIMEOUT)
        self.MAIL_DEV_OUTBOX = str(INSTANCE_DIR / "dev-mail")
        for name in ("MAIL_MAX_ATTEMPTS", "MAIL_RETRY_BASE_SECONDS", "MAIL_RETRY_MAX_SECONDS",
                     "MAIL_CLAIM_LEASE_SECONDS", "MAIL_LINKS_PER_HOUR"):
            setattr(self, name, _int(name, getattr(self, name)))
        #: The job queue's name in Redis (Huey); tests give each run its own.
        self.JOBS_QUEUE = os.environ.get("JOBS_QUEUE") or "visitprep"
        #: Without REDIS_URL, run the sending worker in a thread of the app (`make run`).
        self.JOBS_EMBEDDED = _bool("JOBS_EMBEDDED", self.REDIS_URL is None)
        self.SQLALCHEMY_ENGINE_OPTIONS = dict(self.SQLALCHEMY_ENGINE_OPTIONS)
        self.SECRET_KEY = self.load_secret_key()

    def load_secret_key(self) -> str:
        return os.environ.get("SECRET_KEY") or development_secret_key()


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestConfig(Config):
    __test__ = False  # not a pytest test class

    ENV_NAME = "testing"
    TESTING = True
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = False
    #: The cheapest argon2id costs: each hash takes under a millisecond instead of tens.
    ARGON2_PARAMETERS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}

    def __init__(self) -> None:
        super().__init__()
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or "sqlite://"
        )
        self.RATELIMIT_ENABLED = False
        self.PUBLIC_BASE_URL = self.PUBLIC_BASE_URL or "http://localhost"
        # Tests start their own SMTP server and worker when they send mail.
        self.MAIL_SERVER = None
        self.JOBS_EMBEDDED = False

    def load_secret_key(self) -> str:
        return "test-" + secrets.token_urlsafe(40)


class ProductionConfig(Config):
    """Production: also refuses to start without PUBLIC_BASE_URL (links never come from
    the Host header; SECURITY.md A11)."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    #: `__Host-`: the browser takes the cookie only over HTTPS, for this host, for path /,
    #: so no other subdomain or plain-HTTP page can set or overwrite it.
    SESSION_COOKIE_NAME = "__Host-vp_session"
    STAFF_COOKIE_NAME = "__Host-vp_staff"
    HSTS = True

    def __init__(self) -> None:
        super().__init__()
        if not (self.PUBLIC_BASE_URL or "").startswith("https://"):
            raise ConfigError(
                "PUBLIC_BASE_URL must be set in production, to the https:// address patients "
                "and staff use (e.g. https://prep.example-clinic.org)"
            )

    def load_secret_key(self) -> str:
        key = os.environ.get("SECRET_KEY")
        if not is_strong_secret(key):
            raise ConfigError(
                "SECRET_KEY must be set to a strong random value in production "
                f"(at least {MIN_SECRET_KEY_LENGTH} characters; "
                "make one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return key  # type: ignore[return-value]


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestConfig,
}


def load_config(name: str | None = None) -> Config:
    name = name or os.environ.get("VISITPREP_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise ConfigError(
            f"VISITPREP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}"
        ) from None
