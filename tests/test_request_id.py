"""Every request gets an id: sent back in X-Request-ID, on each JSON log line, handed to jobs."""

from __future__ import annotations

import io
import json
import logging
import re

from services import request_id
from services.logs import configure
from tests.servers import gunicorn


def test_a_well_formed_id_from_the_proxy_is_kept(client):
    response = client.get("/healthz/live", headers={"X-Request-ID": "3f2a9c0d-edge-42"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "3f2a9c0d-edge-42"


def test_a_missing_or_bad_id_is_replaced_by_a_new_one(client):
    plain = client.get("/healthz/live").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", plain)
    for bad in ('x" injected="1', "short", "a" * 65, "tab\there-12345"):
        sent = client.get("/healthz/live", headers={"X-Request-ID": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", sent.headers["X-Request-ID"]), bad
    assert client.get("/healthz/live").headers["X-Request-ID"] != plain


def test_log_lines_in_a_request_carry_its_id(app, client):
    stream = io.StringIO()
    configure(stream=stream)
    try:
        @app.get("/_log_something")
        def log_something():
            app.logger.warning("looked at %s", "the queue")
            return "ok"

        response = client.get("/_log_something", headers={"X-Request-ID": "req-0123456789"})
    finally:
        configure()
    assert response.status_code == 200
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    mine = [line for line in lines if line["message"] == "looked at the queue"]
    assert mine and mine[0]["request_id"] == "req-0123456789"
    assert mine[0]["level"] == "warning"


def test_a_job_runs_under_the_id_of_the_request_that_queued_it():
    stream = io.StringIO()
    configure(stream=stream)
    try:
        assert request_id.current() is None
        with request_id.bound("req-from-the-web-1"):  # what the worker does around a job
            logging.getLogger("visitprep.worker").info("sent %d mails", 2)
        with request_id.bound(None) as fresh:  # a job queued without one gets its own
            logging.getLogger("visitprep.worker").info("nightly purge")
        assert request_id.current() is None
    finally:
        configure()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(x["message"], x["request_id"]) for x in lines] == [
        ("sent 2 mails", "req-from-the-web-1"), ("nightly purge", fresh)]


def test_gunicorn_writes_json_access_lines_with_the_request_id(tmp_path):
    import urllib.request

    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    log = tmp_path / "server.log"
    env = {"VISITPREP_ENV": "development", "VISITPREP_INSTANCE_DIR": str(tmp_path),
           "DATABASE_URL": url, "RATELIMIT_ENABLED": "false"}
    with gunicorn(env, workers=1, log=log) as base:
        request = urllib.request.Request(f"{base}/healthz/live?name=Jordan+Avery",  # noqa: S310
                                         headers={"X-Request-ID": "edge-abcdef123"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            assert response.headers["X-Request-ID"] == "edge-abcdef123"
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [x for x in lines if x["logger"] == "gunicorn.access"]
    assert access, log.read_text()[-2000:]
    line = next(x for x in access if x["request_id"] == "edge-abcdef123")
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz/live", 200)
    assert "Jordan" not in log.read_text() and "name=" not in log.read_text()
