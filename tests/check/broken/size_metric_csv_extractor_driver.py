"""OSD010: rows_read counts cells (df.size), not rows."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class SizeMetricCsvExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("size_metric_csv.extractor needs config['path']")
            df = pd.read_csv(config["path"])
            ctx.log_metric("rows_read", df.size)
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("size_metric_csv.extractor", SizeMetricCsvExtractorDriver())
