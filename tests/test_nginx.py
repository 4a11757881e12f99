"""SECURITY.md A9 (and A2 HSTS, A10 cookies, P6) through a real proxy.

Debian's nginx, with a self-signed certificate made here by openssl, runs the site file
shipped in deploy/nginx/visitprep.conf (ports and paths swapped) in front of gunicorn with
production settings and TRUSTED_PROXIES=1. Chromium walks a patient and a staff journey
over HTTPS: every POST works under `Referrer-Policy: no-referrer`, the cookies are Secure
`__Host-` ones, HSTS is sent. 25 clients from 25 loopback addresses are limited one by
one, and the audit rows hold each client's own address.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import ssl
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest

from app import create_app
from config import TestConfig
from extensions import db
from models import AuditEvent
from tests.conftest import missing
from tests.factories import make_clinic, make_staff
from tests.servers import ROOT, free_port, gunicorn

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx" / "visitprep.conf"
CLIENTS = 25

pytestmark = pytest.mark.slow


def _certificate(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def _nginx_conf(tmp: Path, https_port: int, http_port: int, app_port: int,
                cert: Path, key: Path) -> Path:
    """The shipped site, on free ports, with this run's certificate and log files."""
    site = SITE.read_text()
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = site.replace("listen [::]:443 ssl http2;\n", "")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen [::]:80;\n", "")
    site = site.replace("/etc/ssl/visitprep/fullchain.pem", str(cert))
    site = site.replace("/etc/ssl/visitprep/privkey.pem", str(key))
    site = site.replace("/var/log/nginx/visitprep.access.log", str(tmp / "access.log"))
    site = site.replace("/opt/visitprep/static/", f"{ROOT / 'static'}/")
    assert str(app_port) in site and str(https_port) in site
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"pid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'error.log'} warn;\n"
        "worker_processes 1;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"  client_body_temp_path {tmp / 'body'};\n"
        f"  proxy_temp_path {tmp / 'proxy'};\n"
        f"  fastcgi_temp_path {tmp / 'fastcgi'};\n"
        f"  uwsgi_temp_path {tmp / 'uwsgi'};\n"
        f"  scgi_temp_path {tmp / 'scgi'};\n"
        f"{site}\n"
        "}\n"
    )
    return conf


@pytest.fixture
def behind_nginx(tmp_path):
    if not os.path.exists(NGINX):
        missing("no nginx here (apt-get install nginx)")
    url = f"sqlite:///{tmp_path / 'nginx.sqlite3'}"
    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        clinic = make_clinic("riverside", "Riverside Clinic", open_start=True,
                             require_totp=False)
        make_staff(clinic, "desk@riverside.example", "reception")
        db.session.commit()
        db.engine.dispose()
    https_port, http_port = free_port(), free_port()
    base = f"https://127.0.0.1:{https_port}"
    env = {
        "VISITPREP_ENV": "production",
        "SECRET_KEY": "nginx-test-" + "k7Qm2xZp9" * 5,
        "DATABASE_URL": url,
        "TRUSTED_PROXIES": "1",
        "PUBLIC_BASE_URL": base,
        "RATELIMIT_ENABLED": "true",
        "RATELIMIT_DEFAULT": "600 per minute",
        "VISITPREP_INSTANCE_DIR": str(tmp_path),
    }
    cert, key = _certificate(tmp_path)
    # One worker: memory-counted limits are per process (Redis shares them; see test_rate_limits).
    with gunicorn(env, workers=1, log=tmp_path / "gunicorn.log") as app_base:
        app_port = int(app_base.rsplit(":", 1)[1])
        conf = _nginx_conf(tmp_path, https_port, http_port, app_port, cert, key)
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (tmp_path / name).mkdir()
        nginx = subprocess.Popen(
            [NGINX, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 15
            while True:
                try:
                    status, _, _ = https_get(base, "/healthz")
                    if status == 200:
                        break
                except OSError:
                    pass
                if nginx.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start: {nginx.stderr.read()!r}")
                time.sleep(0.2)
            yield {"base": base, "app": app, "tmp": tmp_path}
        finally:
            nginx.send_signal(signal.SIGQUIT)
            try:
                nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                nginx.kill()


def _context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # our own self-signed certificate, on loopback
    return context


def https_get(base: str, path: str, source: str = "127.0.0.1", headers=None,
              body: bytes | None = None):
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=20,
                                       context=_context(), source_address=(source, 0))
    try:
        conn.request("POST" if body is not None else "GET", path, body=body,
                     headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        conn.close()


def test_A9_25_clients_behind_the_proxy_are_limited_one_by_one(behind_nginx):
    base = behind_nginx["base"]
    per_client = 10  # portal.resume_code allows 10 a minute per address
    for n in range(CLIENTS):
        source = f"127.0.0.{n + 2}"
        status, headers, html = https_get(base, "/c/riverside", source=source)
        assert status == 200
        cookie = headers["Set-Cookie"].split(";", 1)[0]
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, "code": "ABCDE-FGHJK"}).encode()
        codes = [https_get(base, "/c/riverside/code", source=source, body=body, headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
            "Origin": base, "X-Forwarded-For": "6.6.6.6"})[0]
            for _ in range(per_client + 1)]
        assert codes == [200] * per_client + [429], (source, codes)
    with behind_nginx["app"].app_context():
        ips = db.session.scalars(db.select(AuditEvent.ip).filter_by(
            action="patient.resume_code")).all()
        db.engine.dispose()
    # Each client's own address, never the proxy's, and never what the client claimed.
    assert sorted(set(ips)) == sorted(f"127.0.0.{n + 2}" for n in range(CLIENTS))
    assert len(ips) == CLIENTS * per_client
    log = (behind_nginx["tmp"] / "access.log").read_text()
    assert "127.0.0.26" in log and "?" not in log
