"""SECURITY R9 under faults: the mail server down for a while, a worker killed with kill -9.

Each counts what the SMTP server received: every due message exactly once.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from extensions import db
from models import OutboxMessage
from services import outbox
from tests.factories import make_clinic
from tests.mail.helpers import health_packet, scan


def _queue(clinic, packet, count: int) -> list[str]:
    """`count` link mails to distinct addresses, written as one cause would write them."""
    from services.reminders import link_maker

    keys = []
    for n in range(count):
        message = outbox.enqueue(
            clinic_id=clinic.id, kind="link", recipient=f"p{n}@example.org", key=f"fault:{n}",
            cause_type="packet", cause_id=packet.id, packet=packet,
            make_link=link_maker(packet, packet.appointment_id), visit_date=packet.visit_date)
        keys.append(message.idempotency_key)
    db.session.commit()
    return keys


def _statuses() -> Counter:
    db.session.expire_all()
    return Counter(db.session.scalars(db.select(OutboxMessage.status)))


def _wait(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; statuses {_statuses()}")
        time.sleep(0.1)


def _received_ids(smtp) -> Counter:
    return Counter(str(m["Message-ID"]) for m in smtp.mailbox.messages)


@pytest.mark.slow
def test_R9_mail_server_down_then_up_sends_each_due_message_exactly_once(mail_app, smtp,
                                                                      redis_queue, worker):
    clinic = make_clinic("riverside", "Riverside Clinic")
    _, packet = health_packet(clinic)
    smtp.stop()
    worker.start()
    _queue(clinic, packet, 10)
    # Every message is tried and fails while the server is down (connection refused).
    _wait(lambda: _statuses()["retry"] == 10)
    assert all(m.last_error for m in db.session.scalars(db.select(OutboxMessage)))
    time.sleep(2)
    smtp.start()
    _wait(lambda: _statuses()["sent"] == 10)
    time.sleep(3)  # any late duplicate would arrive by now (the retry delay is at most 2 s)
    recipients = Counter(str(m["To"]) for m in smtp.mailbox.messages)
    assert len(smtp.mailbox.messages) == 10
    assert recipients == Counter({f"p{n}@example.org": 1 for n in range(10)})
    assert max(_received_ids(smtp).values()) == 1
    attempts = list(db.session.scalars(db.select(OutboxMessage.attempts)))
    assert min(attempts) >= 2
    scan(smtp.mailbox.messages)


@pytest.mark.slow
def test_R9_a_worker_killed_mid_batch_loses_and_doubles_nothing(mail_app, smtp, redis_queue,
                                                             worker):
    clinic = make_clinic("riverside", "Riverside Clinic")
    _, packet = health_packet(clinic)
    smtp.mailbox.rcpt_delay = 0.3
    worker.start()
    _queue(clinic, packet, 12)
    smtp.mailbox.wait_for(4, timeout=60)
    # Kill while the worker waits on the server in the middle of a message.
    smtp.mailbox.in_rcpt.clear()
    assert smtp.mailbox.in_rcpt.wait(10)
    worker.kill()
    before = len(smtp.mailbox.messages)
    assert 4 <= before < 12
    stuck = _statuses()["sending"]
    assert stuck == 1, _statuses()
    time.sleep(3.2)  # the dead worker's claim goes stale (MAIL_CLAIM_LEASE_SECONDS=3)
    smtp.mailbox.rcpt_delay = 0
    worker.start()
    _wait(lambda: _statuses()["sent"] == 12)
    time.sleep(2)
    recipients = Counter(str(m["To"]) for m in smtp.mailbox.messages)
    assert recipients == Counter({f"p{n}@example.org": 1 for n in range(12)})
    assert len(smtp.mailbox.messages) == 12
    # The Message-ID is the message's, not the try's: a resend is the same message.
    ids = {str(row.id): row.idempotency_key for row in db.session.scalars(
        db.select(OutboxMessage))}
    assert all(str(m["Message-ID"]).startswith("<visitprep.") for m in smtp.mailbox.messages)
    assert len(_received_ids(smtp)) == len(ids)
    scan(smtp.mailbox.messages)


def test_two_workers_claiming_at_once_never_take_the_same_message(mail_app, smtp):
    """Claims are a conditional status change (and SKIP LOCKED on PostgreSQL): four threads,
    each with its own connection, claim 40 due messages; each is claimed exactly once."""
    import threading

    clinic = make_clinic("riverside", "Riverside Clinic")
    _, packet = health_packet(clinic)
    _queue(clinic, packet, 40)
    claimed: list[int] = []
    lock = threading.Lock()

    def claim_all() -> None:
        with mail_app.app_context():
            while True:
                ids = outbox.claim_due(limit=3)
                if not ids:
                    break
                with lock:
                    claimed.extend(ids)
            db.session.remove()

    threads = [threading.Thread(target=claim_all) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 40
    assert _statuses() == Counter({"sending": 40})
