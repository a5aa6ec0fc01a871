"""Extracts the internal transfer-pricing rates (a Parquet file per quarter)."""

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from osiris.core.driver import DriverRegistry


class RatesExtractorDriver:
    """Annotated to return a read-only mapping; the contract's ``run`` returns a dict."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> Mapping[str, pd.DataFrame]:
        try:
            self._validate_config(config)
            path = Path(config["directory"]) / f"rates_{config['quarter']}.parquet"
            df = pd.read_parquet(path, columns=["entity", "counterparty", "rate", "valid_from"])
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> None:
        if not config.get("directory") or not config.get("quarter"):
            raise ValueError("rates.extractor needs config['directory'] and config['quarter'], e.g. '2024q1'")


DriverRegistry.register("rates.extractor", RatesExtractorDriver())
