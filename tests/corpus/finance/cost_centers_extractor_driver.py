"""Extracts the cost-centre hierarchy from the controlling SQLite file."""

import sqlite3

import pandas as pd
from osiris.core.driver import DriverRegistry

COLUMNS = ["cost_center", "parent", "name", "owner"]


class CostCentersExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            conn = sqlite3.connect(config["path"], timeout=5)
            try:
                cur = conn.cursor()
                cur.execute("SELECT cost_center, parent, name, owner FROM cost_centers WHERE active = 1")
                df = pd.DataFrame(cur.fetchall(), columns=COLUMNS)
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
            raise ValueError("cost_centers.extractor needs config['path']")


DriverRegistry.register("cost_centers.extractor", CostCentersExtractorDriver())
