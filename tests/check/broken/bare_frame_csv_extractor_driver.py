"""OSD011: returns the DataFrame itself instead of {"df": df}."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class BareFrameCsvExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("bare_frame_csv.extractor needs config['path']")
            df = pd.read_csv(config["path"])
            ctx.log_metric("rows_read", len(df))
            return df
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("bare_frame_csv.extractor", BareFrameCsvExtractorDriver())
