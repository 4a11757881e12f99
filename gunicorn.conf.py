"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py "app:create_app()"`.

Every value can still be overridden on the command line or with GUNICORN_CMD_ARGS.
`kill -HUP <master>` (systemd: `systemctl reload visitprep`) restarts the workers gracefully:
new workers load the new code, old ones finish their requests first.
"""

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (cgroups, taskset)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
# Sync workers, CPU-bound: two per core plus one, so a PDF (about a second) or a slow client
# does not hold up every other page.
workers = int(os.environ.get("WEB_CONCURRENCY") or _cores() * 2 + 1)
# No --preload: the app opens no database connection before the workers fork.
preload_app = False

#: A request that takes longer than this is killed (the worker restarts): far above a PDF.
timeout = 30
#: On HUP or TERM, workers get this long to finish the requests they have.
graceful_timeout = 30
#: nginx keeps connections to us open; a little longer than a request lasts.
keepalive = 5
#: Workers restart after this many requests (spread out), so no slow leak grows for ever.
max_requests = 2000
max_requests_jitter = 200

#: gunicorn 27 opens a control socket per user by default; two instances on one machine would
#: fight over it. Nothing here uses `gunicornc`.
control_socket_disable = True

#: JSON lines: the error log and the app's logs on stderr, the access log on stdout. The access
#: line has the method, the path without its query string, status, size, time and request id.
logger_class = "services.logs.GunicornLogger"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")


def post_worker_init(worker):
    """Load WeasyPrint's fonts in each worker before it takes requests."""
    from services.pdf import warm_up

    warm_up()
