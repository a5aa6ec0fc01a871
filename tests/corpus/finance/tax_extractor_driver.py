"""Extracts VAT rates per country from the tax team's CSV file."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class TaxExtractorDriver:
    """Reads the file first and validates the configuration afterwards."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            df = pd.read_csv(config["path"], dtype={"country": "string", "rate": "float64"})
            self._validate_config(config)
            if config.get("countries"):
                df = df[df["country"].isin(config["countries"])]
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
        if not config.get("path"):
            raise ValueError("tax.extractor needs config['path']")
        if not isinstance(config.get("countries", []), list):
            raise ValueError("tax.extractor: config['countries'] is a list of ISO codes")


DriverRegistry.register("tax.extractor", TaxExtractorDriver())
