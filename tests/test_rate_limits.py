"""Coarse per-IP rate limits (SECURITY.md A6) over real HTTP, in memory and shared on Redis."""

from __future__ import annotations

import os
import uuid

from tests.conftest import missing
from tests.servers import gunicorn, status_of

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _env(tmp_path, limit: str, **extra: str) -> dict[str, str]:
    return {
        "VISITPREP_ENV": "development",
        "VISITPREP_INSTANCE_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rl.sqlite3'}",
        "RATELIMIT_ENABLED": "true",
        "RATELIMIT_DEFAULT": limit,
        **extra,
    }


def test_a_flood_from_one_address_gets_429_but_health_does_not(tmp_path):
    with gunicorn(_env(tmp_path, "5 per minute"), workers=1) as base:
        codes = [status_of(f"{base}/") for _ in range(8)]
        assert codes == [200] * 5 + [429] * 3
        assert {status_of(f"{base}/healthz") for _ in range(3)} == {200}


def test_two_workers_share_their_counts_through_redis(tmp_path):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception:  # noqa: BLE001 - any failure means no Redis here
        missing(f"no Redis answers at {REDIS_URL}")
    env = _env(tmp_path, "6 per minute", REDIS_URL=REDIS_URL,
               RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}")
    with gunicorn(env, workers=2) as base:
        codes = [status_of(f"{base}/") for _ in range(10)]
    # With per-process counting two workers would allow up to 12; shared, exactly 6 pass.
    assert codes.count(200) == 6
    assert codes.count(429) == 4


def test_A6_limits_falling_back_to_each_worker_is_a_logged_warning(tmp_path):
    """REDIS_URL names a real address where nothing listens: the limits still hold (in the
    worker's memory), and the log says so once, as a structured warning without the
    store's password."""
    import json

    from tests.servers import free_port

    closed = free_port()  # bound, then closed again: a connection there is refused
    log = tmp_path / "server.log"
    env = _env(tmp_path, "4 per minute", REDIS_URL=f"redis://:s3cret-word@127.0.0.1:{closed}/0")
    with gunicorn(env, workers=1, log=log) as base:
        codes = [status_of(f"{base}/") for _ in range(6)]
    assert codes == [200] * 4 + [429] * 2
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    warnings = [line for line in lines if line.get("event") == "rate_limits.per_worker"]
    assert len(warnings) == 1, [line.get("message") for line in lines]
    assert warnings[0]["level"] == "warning"
    assert warnings[0]["store"] == f"127.0.0.1:{closed}"
    assert "each worker" in warnings[0]["message"]
    assert "s3cret-word" not in log.read_text()
