"""OSD020: prints a progress line."""

from pathlib import Path

from osiris.core.driver import DriverRegistry


class ChattyCsvWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("chatty_csv.writer needs config['path']")
            if inputs is None or "df" not in inputs:
                raise ValueError("chatty_csv.writer needs inputs['df']")
            df = inputs["df"]
            Path(config["path"]).parent.mkdir(parents=True, exist_ok=True)
            df.to_csv(config["path"], index=False)
            print(f"wrote {len(df)} rows to {config['path']}")
            ctx.log_metric("rows_written", len(df))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("chatty_csv.writer", ChattyCsvWriterDriver())
