"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py "app:create_app()"`.

Every value can still be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# No --preload: the app opens no database connection before the workers fork.
preload_app = False
accesslog = "-"
timeout = 30


def post_worker_init(worker):
    """Load WeasyPrint's fonts in each worker before it takes requests."""
    from services.pdf import warm_up

    warm_up()
