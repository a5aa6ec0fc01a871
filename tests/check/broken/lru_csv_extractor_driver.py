"""OSD022, inside functools: an lru_cache'd reader keeps every frame it returned."""

import functools

import pandas as pd
from osiris.core.driver import DriverRegistry


@functools.lru_cache(maxsize=8)
def read_table(path: str) -> pd.DataFrame:
    return pd.read_csv(path)


class LruCsvExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("lru_csv.extractor needs config['path']")
            df = read_table(config["path"]).copy()
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("lru_csv.extractor", LruCsvExtractorDriver())
