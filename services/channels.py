"""Ways a message reaches a person. Mail is the one built; callers never name a channel.

The outbox hands a channel a row and the rendered parts; the channel sends them or raises
`TemporaryFailure` (try again later) or `PermanentFailure` (do not try again). A second
channel (text messages) is one more class in CHANNELS and a value in models.CHANNELS.
"""

from __future__ import annotations

import hashlib
import smtplib
import sys
from dataclasses import dataclass, field
from email.utils import make_msgid
from pathlib import Path

from flask import current_app
from flask_mailman import EmailMultiAlternatives
from flask_mailman.backends.base import BaseEmailBackend

from models import OutboxMessage


class TemporaryFailure(Exception):
    """The server or the network said "not now": the message is tried again."""


class PermanentFailure(Exception):
    """The server refused the message for good (e.g. no such mailbox)."""


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


def message_id(message: OutboxMessage) -> str:
    """The same Message-ID on every try, so a resend after a crash is one message to the
    recipient's mail system."""
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].strip("> ") or "visitprep"
    key = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:20]
    return f"<visitprep.{message.id}.{key}@{domain}>"


class EmailChannel:
    """Mail through Flask-Mailman: SMTP (STARTTLS or TLS) or the developer outbox."""

    name = "email"

    def send(self, message: OutboxMessage, rendered: Rendered) -> None:
        mail = current_app.extensions["mailman"]
        headers = {"Message-ID": message_id(message), "Auto-Submitted": "auto-generated",
                   **rendered.headers}
        email = EmailMultiAlternatives(
            subject=rendered.subject, body=rendered.text,
            from_email=current_app.config["MAIL_DEFAULT_SENDER"], to=[message.recipient],
            headers=headers, connection=mail.get_connection(),
        )
        email.attach_alternative(rendered.html, "text/html")
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            error = _describe(exc)
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentFailure(error) from exc
            raise TemporaryFailure(error) from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600 and exc.smtp_code not in (530, 535):
                raise PermanentFailure(_describe(exc)) from exc
            raise TemporaryFailure(_describe(exc)) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(_describe(exc)) from exc


def _describe(exc: Exception) -> str:
    """The error in a line, for staff; SMTP answers never hold the body."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{code} {reply.decode(errors='replace')}" for code, reply in
                 exc.recipients.values()]
        return ("refused: " + "; ".join(parts))[:500]
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error.decode(errors="replace") if isinstance(
            exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {reply}"[:500]
    return f"{type(exc).__name__}: {exc}"[:500]


#: channel name (OutboxMessage.channel) -> sender.
CHANNELS = {"email": EmailChannel()}


def channel_for(message: OutboxMessage):
    return CHANNELS[message.channel]


class DevOutboxBackend(BaseEmailBackend):
    """`make run` without MAIL_SERVER: each mail becomes a file in MAIL_DEV_OUTBOX (listed at
    /dev/outbox) and a few lines on the console, so a newcomer sees what would be sent."""

    def send_messages(self, email_messages):
        folder = Path(current_app.config["MAIL_DEV_OUTBOX"])
        folder.mkdir(parents=True, exist_ok=True)
        for email in email_messages:
            mid = email.extra_headers.get("Message-ID", make_msgid()).strip("<>")
            name = mid.split("@")[0].replace("/", "_")
            (folder / f"{name}.eml").write_bytes(email.message().as_bytes())
            print(f"\n--- mail to {', '.join(email.to)}: {email.subject}\n{email.body}\n---",
                  file=sys.stderr, flush=True)
        return len(email_messages)


class NoServerBackend(BaseEmailBackend):
    """Production without MAIL_SERVER: nothing is sent and the outbox shows why."""

    def send_messages(self, email_messages):
        raise TemporaryFailure("MAIL_SERVER is not set")


def backend_for(config) -> type[BaseEmailBackend] | str:
    """SMTP when MAIL_SERVER is set; else the developer outbox (development, tests)."""
    if config.get("MAIL_SERVER"):
        return "smtp"
    if config.get("ENV_NAME") == "production":
        return NoServerBackend
    return DevOutboxBackend
