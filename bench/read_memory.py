"""What the read benchmarks share: each read runs in a fresh process (``script
--read-one ...``), which reports seconds, peak resident memory above what it held
before (Linux: VmHWM after resetting it to VmRSS) and the frame's deep size as one line
of JSON; the readers run in interleaved rounds."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable


def _memory(field: str) -> int:
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, in bytes."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) * 1024


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # Linux: VmHWM := VmRSS


def report_read(read: Callable) -> None:
    """Run ``read`` (which returns a DataFrame) and print its measurement."""
    _reset_peak()
    before = _memory("VmRSS")
    started = time.perf_counter()
    df = read()
    seconds = time.perf_counter() - started
    peak = _memory("VmHWM") - before
    size = int(df.memory_usage(deep=True).sum())
    print(json.dumps({"seconds": seconds, "peak": peak, "size": size, "rows": len(df)}))


def fresh_process_read(script: str, *arguments: str) -> dict:
    """``script --read-one *arguments`` in a new process: what its report_read printed."""
    done = subprocess.run([sys.executable, script, "--read-one", *arguments],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def interleaved_rounds(titles: list[str], repeat: int,
                       read: Callable[[str], dict]) -> dict[str, list[dict]]:
    """``repeat`` rounds, each reading once with every title, so that the load other
    users put on the machine falls on all readers alike."""
    runs: dict[str, list[dict]] = {title: [] for title in titles}
    for _ in range(repeat):
        for title in titles:
            runs[title].append(read(title))
    return runs
