"""The hashes the descriptor records for each file, computed the same way by the build
(from the bytes it writes) and by the validator (from the file on disk)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from besa545.model.paths import open_regular


def sha256(data: bytes) -> str:
    """``sha256:<hex>``, the form of a Data Package resource's ``hash``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def file_sha256(path: Path, file: str) -> str:
    """:func:`sha256` of a file (``file`` in the package), read in pieces: the files can be
    large. Only a regular file inside the package is read (:func:`open_regular`)."""
    with open_regular(path, file) as handle:
        return "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()
