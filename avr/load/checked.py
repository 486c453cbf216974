"""The one file format of avr's caches (the build's manifest, the document cache's shards) and their one
recent-save rule. Light on imports: the no-op build reads its manifest with it before anything else loads.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

from avr.load.inputs import read_own

_MAGIC = b"AVRSTORE1\n"
# A file changed within this many seconds of the scan may change again within the same mtime tick
# ("racily clean"): its stat is not trusted next time, and it is read again.
RECENT_SECONDS = 2.0


def file_hash(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def recent(mtime_ns: int, now: float) -> bool:
    """The one recent-save rule of avr's caches: a file saved within RECENT_SECONDS of ``now`` (a wall-clock
    time) may be saved again within the same mtime tick, so its stat must not vouch for it next time."""
    return now - mtime_ns / 1e9 < RECENT_SECONDS


def write_checked(path: Path, version: Any, data: Any) -> None:
    """The one file format of avr's caches: a magic line, a BLAKE2b checksum, then marshal of (version, data);
    written to a temporary name and renamed."""
    payload = marshal.dumps((version, data))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(_MAGIC + hashlib.blake2b(payload, digest_size=16).digest() + payload)
    os.replace(tmp, path)


def read_checked(path: Path, version: Any) -> Any:
    """What :func:`write_checked` stored under ``version``; None when missing, damaged, foreign or of another
    version: never trusted, only rebuilt."""
    try:
        blob = read_own(path)
        if not blob.startswith(_MAGIC):
            return None
        digest, payload = blob[len(_MAGIC):len(_MAGIC) + 16], blob[len(_MAGIC) + 16:]
        if hashlib.blake2b(payload, digest_size=16).digest() != digest:
            return None
        stored, data = marshal.loads(payload)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return data if stored == version else None
