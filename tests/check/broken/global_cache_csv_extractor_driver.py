"""OSD022, in a module global: frames cached by path outlive every run."""

import pandas as pd
from osiris.core.driver import DriverRegistry

_FRAMES: dict[str, pd.DataFrame] = {}


class GlobalCacheCsvExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("global_cache_csv.extractor needs config['path']")
            if config["path"] not in _FRAMES:
                _FRAMES[config["path"]] = pd.read_csv(config["path"])
            df = _FRAMES[config["path"]].copy()
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("global_cache_csv.extractor", GlobalCacheCsvExtractorDriver())
