"""OSD010: rows_written is emitted once per chunk instead of once per run."""

from pathlib import Path

from osiris.core.driver import DriverRegistry

CHUNK = 2


class ChunkedCsvWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("chunked_csv.writer needs config['path']")
            if inputs is None or "df" not in inputs:
                raise ValueError("chunked_csv.writer needs inputs['df']")
            df = inputs["df"]
            Path(config["path"]).parent.mkdir(parents=True, exist_ok=True)
            for start in range(0, max(len(df), 1), CHUNK):
                chunk = df.iloc[start:start + CHUNK]
                chunk.to_csv(config["path"], index=False, mode="a" if start else "w", header=not start)
                ctx.log_metric("rows_written", len(chunk))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("chunked_csv.writer", ChunkedCsvWriterDriver())
