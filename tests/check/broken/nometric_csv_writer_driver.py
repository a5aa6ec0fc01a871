"""OSD010: the writer never emits rows_written."""

from pathlib import Path

from osiris.core.driver import DriverRegistry


class NometricCsvWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("nometric_csv.writer needs config['path']")
            if inputs is None or "df" not in inputs:
                raise ValueError("nometric_csv.writer needs inputs['df']")
            Path(config["path"]).parent.mkdir(parents=True, exist_ok=True)
            inputs["df"].to_csv(config["path"], index=False)
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("nometric_csv.writer", NometricCsvWriterDriver())
