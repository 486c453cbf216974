"""Run the real CLI with bounded memory and time: hostile input must not make avr grow or hang."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

# avr's own address space is a few hundred MB (Python, pydantic, httpx, Jinja); a hostile input that
# makes it read a gigabyte into memory fails under this limit instead of passing unnoticed.
MEMORY_LIMIT = 1024 * 2**20


def run_bounded(
    *args: str | Path, cwd: Path | None = None, memory: int = MEMORY_LIMIT, timeout: float = 60,
) -> tuple[subprocess.CompletedProcess[str], float]:
    """`avr ARGS` in a subprocess under RLIMIT_AS and a timeout; the result and the seconds it took."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "avr", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, preexec_fn=limit)
    return proc, time.monotonic() - start


def clean_exit(proc: subprocess.CompletedProcess[str]) -> str:
    """stdout + stderr, after asserting the run ended as a user-facing outcome: 0 or 1, no traceback."""
    output = proc.stdout + proc.stderr
    assert proc.returncode in (0, 1), output
    assert "Traceback" not in output and "internal error" not in output and "MemoryError" not in output, output
    return output


# A whole build of the small fixtures (PDF included) needs well under 1 GiB of address space beyond start-up.
BUILD_MEMORY_LIMIT = 3 * 1024**3


def run_limited(
    *args: str | Path, cwd: Path | None = None, memory: int = BUILD_MEMORY_LIMIT, timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`avr ARGS` under RLIMIT_AS and a timeout, asserted to end without a traceback or exit 70 (any other code)."""
    proc, _ = run_bounded(*args, cwd=cwd, memory=memory, timeout=timeout)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output and "internal error" not in output and proc.returncode != 70, output
    return proc
