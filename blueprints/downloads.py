"""File downloads shared by the staff exports and the patient's own copy."""

from __future__ import annotations

from io import BytesIO

from flask import Response, send_file


def attachment(body: bytes, mimetype: str, filename: str) -> Response:
    """Send bytes as a download; Flask encodes the file name safely for every browser."""
    return send_file(BytesIO(body), mimetype=mimetype, as_attachment=True,
                     download_name=filename, max_age=0)
