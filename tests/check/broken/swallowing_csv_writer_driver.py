"""OSD024: reports step_failed, then swallows the error and returns as if it had worked."""

from pathlib import Path

from osiris.core.driver import DriverRegistry


class SwallowingCsvWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("swallowing_csv.writer needs config['path']")
            if inputs is None or "df" not in inputs:
                raise ValueError("swallowing_csv.writer needs inputs['df']")
            df = inputs["df"]
            Path(config["path"]).parent.mkdir(parents=True, exist_ok=True)
            df.to_csv(config["path"], index=False)
            ctx.log_metric("rows_written", len(df))
        except OSError as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
        return {}


DriverRegistry.register("swallowing_csv.writer", SwallowingCsvWriterDriver())
