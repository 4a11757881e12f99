"""Run the app as a real server in a child process (gunicorn), for tests over real HTTP."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.helpers import csrf_from

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int = 2, log: Path | None = None,
             app: str = "app:create_app()", ready_path: str = "/healthz") -> Iterator[str]:
    """Serve `app` with gunicorn on a free loopback port; yield its base URL."""
    port = free_port()
    full_env = {**os.environ, "SECRET_KEY": "test-" + "k" * 40, **env}
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
         "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--access-logfile", "-", app],
        cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{base}{ready_path}", timeout=2)  # noqa: S310 - loopback
                break
            except Exception:  # noqa: BLE001 - not up yet
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        if log:
            out.close()


def status_of(url: str, data: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=data)  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class Browser:
    """Just enough of a browser: cookies, forms with their CSRF token, redirects followed.

    `base` may be changed between requests: cookies for 127.0.0.1 go to every port, as in a
    real browser, so one visitor can move between two servers.
    """

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:  # noqa: S310
            return response.read().decode()

    def post(self, path: str, fields: dict, page: str | None = None) -> str:
        token = csrf_from(self.get(page or path))
        body = urllib.parse.urlencode({**fields, "csrf_token": token}, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:  # noqa: S310
                return response.read().decode()
        except urllib.error.HTTPError as error:
            return error.read().decode()
