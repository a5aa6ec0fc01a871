"""OSD020, below Python's streams: writes straight to file descriptor 2."""

import os

import pandas as pd
from osiris.core.driver import DriverRegistry


class FdWriteCsvExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("fd_write_csv.extractor needs config['path']")
            df = pd.read_csv(config["path"])
            os.write(2, f"read {len(df)} rows\n".encode())
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("fd_write_csv.extractor", FdWriteCsvExtractorDriver())
