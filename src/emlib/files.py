"""Files the tools write: replaced atomically, and zips that rebuild to identical bytes.

One home for the two file chores that the benchmark, the measurements store,
the student tool and the learner kit share.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO

ZIP_DATE = (2026, 1, 1, 0, 0, 0)
"""Every zip member's date: fixed, so rebuilding a zip gives identical bytes."""


def write_atomically(path: str | os.PathLike[str], write: Callable[[BinaryIO], object]) -> Path:
    """Write a file through ``write(handle)`` into a temporary file beside ``path``, then replace ``path`` by it.

    A run that fails or is interrupted half-way leaves the old file, never
    half a file; a reader sees the old file or the new one. The folder is
    made if missing; the new file is readable by all (``rw-r--r--``).

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    write : callable
        Called once with the temporary file, open for writing bytes.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
        temporary.chmod(0o644)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def zip_bytes(members: Mapping[str, bytes]) -> bytes:
    """A zip of ``members`` (name -> contents), in name order, with fixed dates and modes.

    The same members always give the same bytes, so a rebuilt zip changes
    only when its contents do.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(members.items()):
            member = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            member.external_attr = 0o644 << 16  # rw-r--r-- when unzipped
            archive.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
