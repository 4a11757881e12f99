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
