"""Extracts a JSON array of records (an API dump) from a file."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class JsonExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            df = pd.read_json(config["path"], orient="records", convert_dates=config.get("date_columns", True))
            ctx.log_metric("rows_read", len(df))
            return df
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> None:
        if not config.get("path"):
            raise ValueError("json.extractor needs config['path']")


DriverRegistry.register("json.extractor", JsonExtractorDriver())
