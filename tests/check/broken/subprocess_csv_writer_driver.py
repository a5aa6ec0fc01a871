"""OSD020, from a child process: the shell command inherits stdout."""

import subprocess
from pathlib import Path

from osiris.core.driver import DriverRegistry


class SubprocessCsvWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("subprocess_csv.writer needs config['path']")
            if inputs is None or "df" not in inputs:
                raise ValueError("subprocess_csv.writer needs inputs['df']")
            df = inputs["df"]
            Path(config["path"]).parent.mkdir(parents=True, exist_ok=True)
            df.to_csv(config["path"], index=False)
            subprocess.run(["echo", "written:", config["path"]], check=True)
            ctx.log_metric("rows_written", len(df))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("subprocess_csv.writer", SubprocessCsvWriterDriver())
