"""OSD011: a writer that returns its input frame instead of {}."""

from pathlib import Path

from osiris.core.driver import DriverRegistry


class PassthroughCsvWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("passthrough_csv.writer needs config['path']")
            if inputs is None or "df" not in inputs:
                raise ValueError("passthrough_csv.writer needs inputs['df']")
            df = inputs["df"]
            Path(config["path"]).parent.mkdir(parents=True, exist_ok=True)
            df.to_csv(config["path"], index=False)
            ctx.log_metric("rows_written", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("passthrough_csv.writer", PassthroughCsvWriterDriver())
