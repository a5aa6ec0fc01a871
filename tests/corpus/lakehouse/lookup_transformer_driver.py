"""Joins a lookup table (a CSV or Parquet file) onto the upstream DataFrame."""

import functools

import pandas as pd
from osiris.core.driver import DriverRegistry


class LookupTransformerDriver:
    """Keeps the lookup table between runs to save reading it again.

    The registered instance is shared by every run in the process, so a lookup
    file changed between two runs is never read again.
    """

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("lookup.processor needs inputs['df']")
            lookup = self._load(cfg["lookup_path"])
            self._last_lookup_path = cfg["lookup_path"]
            out = inputs["df"].merge(lookup, on=cfg["on"], how="left", validate="many_to_one")
            ctx.log_metric("rows_processed", len(out))
            return {"df": out}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        if not config.get("lookup_path") or not config.get("on"):
            raise ValueError("lookup.processor needs config['lookup_path'] and config['on']")
        return {"lookup_path": str(config["lookup_path"]), "on": config["on"]}

    @functools.lru_cache(maxsize=8)
    def _load(self, path: str) -> pd.DataFrame:
        if path.endswith(".parquet"):
            return pd.read_parquet(path)
        return pd.read_csv(path)


DriverRegistry.register("lookup.processor", LookupTransformerDriver())
