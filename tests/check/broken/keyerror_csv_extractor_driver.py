"""OSD023: no validation; a missing 'path' surfaces as a bare KeyError."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class KeyerrorCsvExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            df = pd.read_csv(config["path"])
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("keyerror_csv.extractor", KeyerrorCsvExtractorDriver())
