"""Every file avr reads or hashes is a regular file inside the repository, no larger than the size limit.

A pull request can commit a symbolic link to ``/dev/zero`` or ``/etc/passwd`` under any name (``bilaga.txt``),
and a checkout can hold a FIFO: reading the first never ends, the second would publish or hash a file from the
build machine, the third blocks for ever. So a file is checked before it is read (:func:`refusal`, on the stat a
folder walk already has) and read only through :func:`read_regular`, which opens the resolved path without
following links, without blocking, and reads no more than the limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from avr.i18n import gettext as _

Refusal = tuple[str, str]  # (code, message) of a diagnostic on the file's path


class RefusedFile(Exception):
    """A file avr will not read; ``code`` and ``message`` make its diagnostic."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _inside(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip("/") + "/")


def link_refusal(path: str, real_root: str) -> Refusal | None:
    """For a symbolic link: E010 when it leads outside the repository (``real_root``, resolved)."""
    real = os.path.realpath(path)
    if not _inside(real, real_root):
        return "E010", _("symbolic link to {target}, outside the repository; copy the file into the repository").format(
            target=real)
    return None


def limit_text(name: str, value: int) -> str:
    """How a diagnostic names a limit: the setting to raise and its current value."""
    return _("limit limits.{name} = {value} in avr.yaml").format(name=name, value=value)


def refusal(st: os.stat_result, limit: int) -> Refusal | None:
    """Why a file with this stat (links followed) is not read: not a regular file, or over ``limit`` bytes."""
    if not stat.S_ISREG(st.st_mode):
        return "E001", _("not a regular file (a device, FIFO or socket); avr reads only regular files")
    if st.st_size > limit:
        return "E001", _("file is {size} bytes, over the {limit}").format(
            size=st.st_size, limit=limit_text("max_file_bytes", limit))
    return None


def read_regular(path: Path, real_root: Path, limit: int) -> bytes:
    """The bytes of ``path``, a regular file inside ``real_root`` of at most ``limit`` bytes; else RefusedFile.

    The resolved path is opened with O_NOFOLLOW and O_NONBLOCK (a FIFO put there meanwhile does not block), its
    type and size are taken from the open file, and at most ``limit`` + 1 bytes are read.
    """
    found = link_refusal(str(path), str(real_root))
    if found:
        raise RefusedFile(*found)
    try:
        fd = os.open(os.path.realpath(path), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise RefusedFile("E001", _("cannot read file: {reason}").format(reason=exc.strerror or exc)) from None
    try:
        found = refusal(os.fstat(fd), limit)
        if found:
            raise RefusedFile(*found)
        parts: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - total) or 1):
            parts.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise RefusedFile("E001", _("file is over the {limit}").format(
                    limit=limit_text("max_file_bytes", limit)))
    except OSError as exc:
        raise RefusedFile("E001", _("cannot read file: {reason}").format(reason=exc.strerror or exc)) from None
    finally:
        os.close(fd)
    return b"".join(parts)


def read_own(path: Path) -> bytes:
    """A file avr wrote itself (a manifest, a cache shard), read only if it is still a regular file that is not a
    link, in a folder that is not a link: OSError otherwise, which a reader takes as "no such file"."""
    if os.path.islink(path.parent):
        raise OSError(f"{path.parent} is a symbolic link")
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(f"{path} is not a regular file")
        parts: list[bytes] = []
        total = 0
        while total <= st.st_size and (chunk := os.read(fd, st.st_size + 1 - total)):
            parts.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    if total > st.st_size:
        raise OSError(f"{path} grew while read")
    return b"".join(parts)
