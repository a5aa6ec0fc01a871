"""Extractor that returns the rows given in its config (no I/O)."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class ListExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if "rows" not in config:
                raise ValueError("config needs 'rows': a list of records")
            df = pd.DataFrame(config["rows"])
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("list.extractor", ListExtractorDriver())
