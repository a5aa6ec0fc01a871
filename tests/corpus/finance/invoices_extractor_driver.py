"""Extracts open invoices from the billing system's SQLite export."""

import sqlite3

import pandas as pd
from osiris.core.driver import DriverRegistry


class InvoicesExtractorDriver:
    """Never emits ``rows_read``."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            conn = sqlite3.connect(config["path"], timeout=5)
            try:
                df = pd.read_sql_query(
                    "SELECT invoice_id, customer_id, amount, currency, due_on FROM invoices WHERE paid_on IS NULL",
                    conn,
                    parse_dates=["due_on"],
                )
            finally:
                conn.close()
            ctx.log_event("invoices_loaded", {"step_id": step_id, "overdue": int((df["due_on"] < pd.Timestamp.now()).sum())})
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
            raise ValueError("invoices.extractor needs config['path']")


DriverRegistry.register("invoices.extractor", InvoicesExtractorDriver())
