"""Extracts the partner directory that the CRM of Société Générale Partenaires exports nightly."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class PartnersExtractorDriver:
    """The export is a semicolon-separated Latin-1 file, and so was this module once."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            df = pd.read_csv(config["path"], encoding="latin-1", sep=";")
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
            raise ValueError("partners.extractor needs config['path']")


DriverRegistry.register("partners.extractor", PartnersExtractorDriver())
