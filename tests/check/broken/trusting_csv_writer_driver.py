"""OSD012: uses inputs["df"] without checking that inputs holds it."""

from pathlib import Path

from osiris.core.driver import DriverRegistry


class TrustingCsvWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("trusting_csv.writer needs config['path']")
            df = inputs["df"]
            Path(config["path"]).parent.mkdir(parents=True, exist_ok=True)
            df.to_csv(config["path"], index=False)
            ctx.log_metric("rows_written", len(df))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("trusting_csv.writer", TrustingCsvWriterDriver())
