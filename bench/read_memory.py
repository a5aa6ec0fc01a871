"""What the read benchmarks share: one read, in the process that runs it, reported as
seconds, peak resident memory above what the process held before (Linux: VmHWM after
resetting it to VmRSS) and the frame's deep size, as one line of JSON."""

from __future__ import annotations

import json
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
