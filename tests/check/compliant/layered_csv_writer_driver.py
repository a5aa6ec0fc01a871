"""Compliant CSV writer that does its work in helpers of helpers: the inputs check, the
metric, the {} it returns and the step_failed event each sit two helpers down from run."""

import os
import tempfile
from pathlib import Path

from osiris.core.driver import DriverRegistry


class LayeredCsvWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            return self._execute(config, inputs, ctx)
        except Exception as e:
            self._fail(ctx, step_id, e)

    def _validate_config(self, config: dict) -> None:
        if not config.get("path"):
            raise ValueError("layered_csv.writer needs config['path']: the file to write")

    def _execute(self, config: dict, upstream: dict | None, events) -> dict:
        df = self._frame(upstream)
        self._write(df, Path(config["path"]))
        self._count(events, len(df))
        return self._done()

    def _frame(self, frames: dict | None):
        self._require_df(frames)
        return frames["df"]

    def _require_df(self, frames: dict | None) -> None:
        if frames is None or "df" not in frames:
            raise ValueError("layered_csv.writer needs inputs['df'] from an upstream step")

    def _write(self, df, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "w", newline="") as stream:
            df.to_csv(stream, index=False)
        os.replace(temporary, target)

    def _count(self, ctx, rows: int) -> None:
        self._emit(ctx, rows)

    def _emit(self, ctx, rows: int) -> None:
        ctx.log_metric("rows_written", rows)

    def _done(self) -> dict:
        return self._empty()

    def _empty(self) -> dict:
        return {}

    def _fail(self, ctx, step_id: str, error: Exception) -> None:
        self._report(ctx, step_id, error)
        raise error

    def _report(self, ctx, step_id: str, error: Exception) -> None:
        ctx.log_event("step_failed", {"step_id": step_id, "error": str(error),
                                      "error_type": type(error).__name__})


DriverRegistry.register("layered_csv.writer", LayeredCsvWriterDriver())
