"""The real CLI in a subprocess under a memory limit and a timeout: hostile input must fail fast and small."""

from __future__ import annotations

import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

MEMORY_BYTES = 3 * 1024**3  # address space; a build of the small fixtures needs well under 1 GiB of it
TIMEOUT_SECONDS = 120


def _limit(memory: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return apply


def run_limited(
    *args: str | Path, cwd: Path | None = None, memory: int = MEMORY_BYTES, timeout: float = TIMEOUT_SECONDS
) -> subprocess.CompletedProcess[str]:
    """`avr ARGS` as a user runs it, killed past ``timeout`` seconds (the test fails) and unable to map more than
    ``memory`` bytes (a runaway read or render ends in MemoryError, exit 70, and the test fails)."""
    proc = subprocess.run([sys.executable, "-m", "avr", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, preexec_fn=_limit(memory))
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output and "internal error" not in output and proc.returncode != 70, output
    return proc
