"""Time `avr serve` from a saved file to its reload event, inside serve's own process.

    PYTHONPATH=<avr source> python benchmarks/serve_probe.py REPO OUT EDITS

Runs `avr.commands.serve.serve` in a thread (port 0), waits for its first build, then EDITS times
writes one activity follow-up and waits until serve reports the rebuild: serve calls ``say`` right
after it changes the version that `/__avr/version` answers, which is what makes the open page
reload. Prints one latency in seconds per edit.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

os.environ["AVR_LANG"] = "en"  # serve's messages in English, whatever the repository's language: `say` reads them
from avr.commands.serve import serve  # noqa: E402


def main() -> None:
    repo, out, edits = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    target = sorted((repo / "plans").glob("*/*/followups/2022/a1.yaml"))[0]
    original = target.read_text(encoding="utf-8")
    builds: list[float] = []
    changed = threading.Condition()

    def say(message: str) -> None:
        if message.startswith("build "):
            with changed:
                builds.append(time.perf_counter())
                changed.notify_all()
        elif message.startswith("avr") or "error" in message:
            print(message, file=sys.stderr)

    def wait_for(count: int, timeout: float) -> None:
        with changed:
            if not changed.wait_for(lambda: len(builds) >= count, timeout):
                raise SystemExit(f"serve did not rebuild within {timeout:.0f} s")

    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(repo, out, 0, say, stop), daemon=True)
    thread.start()
    wait_for(1, 600)
    time.sleep(1.0)  # the watcher starts after the first build
    try:
        for n in range(edits):
            lines = [f"completion: {n % 2 * 5 + 60}" if line.startswith("completion:") else line
                     for line in original.splitlines()]
            start = time.perf_counter()
            target.write_text("\n".join(lines) + "\n", encoding="utf-8")
            wait_for(n + 2, 120)
            print(f"{builds[n + 1] - start:.4f}", flush=True)
            time.sleep(0.5)  # let the watcher settle before the next save
    finally:
        target.write_text(original, encoding="utf-8")
        stop.set()
        thread.join(timeout=30)


if __name__ == "__main__":
    main()
