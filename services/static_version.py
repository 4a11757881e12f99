"""Versioned static URLs: `url_for('static', ...)` adds `?v=<hash of the file>`.

A versioned URL never changes its content, so browsers and nginx may keep it for a year
without asking again (`Cache-Control: public, max-age=31536000, immutable`); a new release
changes the hash and so the URL. An unversioned URL is revalidated (`no-cache`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

#: One year, the longest max-age caches honour.
IMMUTABLE = "public, max-age=31536000, immutable"

_hashes: dict[tuple[str, float], str] = {}


def version_of(static_folder: str, filename: str) -> str | None:
    """A short hash of the file's bytes, kept while its modification time stays the same."""
    path = Path(static_folder, filename)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    key = (str(path), mtime)
    if key not in _hashes:
        _hashes[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return _hashes[key]
