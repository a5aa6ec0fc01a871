"""OSD024, two helpers down from run: the helper that saves the file reports step_failed,
then swallows the error, so run returns as if it had worked."""

from pathlib import Path

from osiris.core.driver import DriverRegistry


class DeepSwallowingCsvWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("deep_swallowing_csv.writer needs config['path']")
            if inputs is None or "df" not in inputs:
                raise ValueError("deep_swallowing_csv.writer needs inputs['df']")
            df = inputs["df"]
            self._write(step_id, df, Path(config["path"]), ctx)
            ctx.log_metric("rows_written", len(df))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise

    def _write(self, step_id: str, df, target: Path, ctx) -> None:
        self._save(step_id, df, target, ctx)

    def _save(self, step_id: str, df, target: Path, ctx) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            df.to_csv(target, index=False)
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})


DriverRegistry.register("deep_swallowing_csv.writer", DeepSwallowingCsvWriterDriver())
