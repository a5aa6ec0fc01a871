"""Compliant CSV extractor."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class CsvFileExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("csv.extractor needs config['path']: the CSV file to read")
            df = pd.read_csv(config["path"])
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("csv.extractor", CsvFileExtractorDriver())
