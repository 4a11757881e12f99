"""The job queue: Huey on Redis, with its own worker process (`flask --app app mail worker`).

Why Huey: it is small, runs on the Redis we already have, and has what the outbox needs
built in: tasks scheduled with a delay (the back-off between tries) and periodic tasks (the
minute tick that plans reminders and the morning digest and sweeps up anything due), with
no second scheduler process. RQ needs its scheduler for delays and cron; Dramatiq needs
another library for periodic work.

The queue only says "send message N now": the truth is the outbox table. A lost job (Redis
down, a worker killed) costs a delay, never a message: the tick finds every due row.
Without REDIS_URL (`make run`), the same tasks run on an in-memory queue in a thread of the
app.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, crontab
from huey.consumer import Consumer

log = logging.getLogger("visitprep.jobs")


@dataclass
class Jobs:
    huey: Any
    send_message: Any
    tick: Any
    embedded: bool
    consumer: Consumer | None = None


def init_app(app: Flask) -> None:
    name = app.config["JOBS_QUEUE"]
    if app.config.get("REDIS_URL"):
        huey = RedisHuey(name, url=app.config["REDIS_URL"], results=False, utc=True)
    else:
        huey = MemoryHuey(name, results=False, utc=True)

    @huey.task(name="send_message")
    def send_message(message_id: int, queued_by: str | None = None) -> None:
        """Send one outbox row, under the id of the request that queued it (the logs)."""
        from services import outbox, request_id

        with request_id.bound(queued_by), app.app_context():
            log.info("sending outbox message %s", message_id)
            outcome = outbox.deliver(message_id)
            log.info("outbox message %s: %s", message_id, outcome)

    @huey.periodic_task(crontab(minute="*"), name="tick")
    def tick() -> None:
        from services import request_id

        with request_id.bound(None), app.app_context():
            run_tick()

    embedded = bool(app.config.get("JOBS_EMBEDDED")) and not app.config.get("REDIS_URL")
    app.extensions["jobs"] = Jobs(huey, send_message, tick, embedded)
    if embedded:
        app.before_request(_start_embedded_once)


def run_tick() -> dict[str, int]:
    """Plan what is due now for every clinic, then send everything due."""
    from extensions import db
    from models import Clinic, utcnow
    from services import outbox, reminders, staff_alerts

    now = utcnow()
    planned = 0
    for clinic in db.session.scalars(db.select(Clinic)):
        try:
            planned += reminders.plan_previsit(clinic, now)
            planned += reminders.plan_daily(clinic, now)
            planned += staff_alerts.plan_digest(clinic, now)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("planning mail for clinic %s failed", clinic.id)
    counts = outbox.deliver_due()
    counts["planned"] = planned
    return counts


def send_soon(message_ids: list[int], delay: int | None = None) -> None:
    """Ask the queue to send these rows (after `delay` seconds); never raises: if the queue
    cannot be reached, the tick sends them."""
    from services import request_id

    jobs: Jobs | None = current_app.extensions.get("jobs")
    if jobs is None:
        return
    queued_by = request_id.current()
    if jobs.embedded:
        _start_embedded(current_app._get_current_object(), jobs)
    for message_id in message_ids:
        try:
            if delay:
                jobs.send_message.schedule((message_id, queued_by), delay=delay)
            else:
                jobs.send_message(message_id, queued_by)
        except Exception as exc:  # noqa: BLE001 - Redis down: the tick will send it
            log.warning("job queue unreachable, message %s waits for the tick: %s",
                        message_id, type(exc).__name__)


class _ThreadConsumer(Consumer):
    """A consumer inside another program: no signal handlers of its own."""

    def _set_signal_handlers(self) -> None:
        return None


_embedded_lock = threading.Lock()


def _start_embedded_once() -> None:
    _start_embedded(current_app._get_current_object(), current_app.extensions["jobs"])


def _start_embedded(app: Flask, jobs: Jobs) -> None:
    if jobs.consumer is not None:
        return
    with _embedded_lock:
        if jobs.consumer is None:
            jobs.consumer = _ThreadConsumer(jobs.huey, workers=1, periodic=True,
                                            scheduler_interval=1, check_worker_health=False)
            jobs.consumer.start()
            log.info("mail is sent by a thread of this process (no REDIS_URL)")


def worker(app: Flask, workers: int = 2) -> None:
    """Run the worker process: send what is due at once, then serve the queue (blocks)."""
    from services import logs, request_id

    jobs: Jobs = app.extensions["jobs"]
    logs.configure()  # JSON lines with the request id, as gunicorn writes them
    with request_id.bound(None), app.app_context():
        log.info("worker starting on queue %s: %s", app.config["JOBS_QUEUE"], run_tick())
    consumer = jobs.huey.create_consumer(workers=workers, periodic=True, scheduler_interval=1,
                                         worker_type="thread")
    consumer.run()
