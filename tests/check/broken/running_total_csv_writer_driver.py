"""OSD022 (and so OSD010): a counter on the shared instance makes the second run's metric wrong."""

from pathlib import Path

from osiris.core.driver import DriverRegistry


class RunningTotalCsvWriterDriver:
    def __init__(self) -> None:
        self.total = 0

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("running_total_csv.writer needs config['path']")
            if inputs is None or "df" not in inputs:
                raise ValueError("running_total_csv.writer needs inputs['df']")
            df = inputs["df"]
            Path(config["path"]).parent.mkdir(parents=True, exist_ok=True)
            df.to_csv(config["path"], index=False)
            self.total += len(df)
            ctx.log_metric("rows_written", self.total)
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("running_total_csv.writer", RunningTotalCsvWriterDriver())
