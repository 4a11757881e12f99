"""The developer outbox: what would have been mailed, when no MAIL_SERVER is set.

Registered only outside production and only while mail goes to the developer outbox
(services.channels.DevOutboxBackend), so a newcomer running `make run` sees every mail.
"""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

from flask import Blueprint, current_app, render_template

bp = Blueprint("dev", __name__, url_prefix="/dev")


def dev_mails(limit: int = 50) -> list[dict]:
    folder = Path(current_app.config["MAIL_DEV_OUTBOX"])
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)
    mails = []
    for path in files[:limit]:
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        text = message.get_body(preferencelist=("plain",))
        mails.append({"to": message["To"], "subject": message["Subject"],
                      "date": message["Date"], "text": text.get_content() if text else ""})
    return mails


@bp.get("/outbox")
def outbox():
    """Show the mails the app would have sent, newest first."""
    return render_template("dev/outbox.html", mails=dev_mails())
