"""What ``osiris-run`` shows on the terminal: a line per step and a final table.
Colour only when writing to a terminal and ``NO_COLOR`` is not set."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from .planning import PlannedStep
from .runner import RunResult, StepOutcome

_CODES = {"green": "32", "red": "31", "dim": "2", "bold": "1"}


class Console:
    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stdout
        self.quiet = quiet
        self.colour = self.stream.isatty() and "NO_COLOR" not in os.environ

    def paint(self, text: str, style: str) -> str:
        return f"\033[{_CODES[style]}m{text}\033[0m" if self.colour else text

    def line(self, text: str = "") -> None:
        print(text, file=self.stream, flush=True)

    # Progress protocol of the runner
    def step_started(self, index: int, total: int, planned: PlannedStep) -> None:
        if not self.quiet:
            self.line(f"[{index + 1}/{total}] {planned.step.id} ({planned.step.driver}) ...")

    def step_finished(self, outcome: StepOutcome) -> None:
        if self.quiet:
            return
        if outcome.status == "ok":
            rows = "" if outcome.rows is None else f"{outcome.rows} rows, "
            self.line(f"      {self.paint('ok', 'green')} {rows}{outcome.duration_ms:.0f} ms")
        else:
            self.line(f"      {self.paint('failed', 'red')} {outcome.error_type}: {outcome.error}")

    def summary(self, result: RunResult) -> None:
        rows = [("step", "driver", "status", "rows", "time")]
        for o in result.outcomes:
            rows.append((o.step_id, o.driver, o.status, "" if o.rows is None else str(o.rows),
                         "" if o.duration_ms is None else f"{o.duration_ms:.0f} ms"))
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        self.line()
        for n, row in enumerate(rows):
            cells = [cell.ljust(width) if i < 3 else cell.rjust(width)  # numbers right-aligned
                     for i, (cell, width) in enumerate(zip(row, widths, strict=True))]
            text = "  ".join(cells).rstrip()
            self.line(self.paint(text, "bold") if n == 0 else text)
        self.line()
        failed = result.failed_step
        if failed is None:
            self.line(f"{self.paint('Run succeeded', 'green')}: {result.run_dir}")
        else:
            self.line(f"{self.paint('Run failed', 'red')} at step {failed.step_id!r} "
                      f"({failed.error_type}: {failed.error}).")
            self.line(f"Logs: {result.run_dir / 'events.jsonl'} and {result.run_dir / 'run.log'}")
