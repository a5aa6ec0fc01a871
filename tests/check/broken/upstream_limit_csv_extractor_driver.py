"""OSD012: the extractor reads a row limit from inputs, which is None for extractors."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class UpstreamLimitCsvExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("upstream_limit_csv.extractor needs config['path']")
            df = pd.read_csv(config["path"], nrows=inputs.get("limit"))
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("upstream_limit_csv.extractor", UpstreamLimitCsvExtractorDriver())
