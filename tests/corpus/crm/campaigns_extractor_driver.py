"""Extracts marketing campaigns from the CRM's SQLite export."""

import sqlite3

import pandas as pd
from osiris.core.driver import DriverRegistry


class CampaignsExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            conn = sqlite3.connect(config["path"], timeout=5)
            try:
                df = pd.read_sql_query("SELECT campaign_id, name, channel, budget, starts_on, ends_on FROM campaigns", conn)
            finally:
                conn.close()
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
            raise ValueError("the campaigns extractor needs config['path']")


DriverRegistry.register("crm-campaigns.extractor", CampaignsExtractorDriver())
