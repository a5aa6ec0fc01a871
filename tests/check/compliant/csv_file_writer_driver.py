"""Compliant CSV writer: writes a temporary file and moves it into place."""

import os
import tempfile
from pathlib import Path

from osiris.core.driver import DriverRegistry


class CsvFileWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("csv.writer needs config['path']: the file to write")
            if inputs is None or "df" not in inputs:
                raise ValueError("csv.writer needs inputs['df'] from an upstream step")
            df = inputs["df"]
            target = Path(config["path"])
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "w", newline="") as stream:
                df.to_csv(stream, index=False)
            os.replace(temporary, target)
            ctx.log_metric("rows_written", len(df))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("csv.writer", CsvFileWriterDriver())
