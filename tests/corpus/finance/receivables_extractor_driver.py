"""Extracts the accounts-receivable ageing report from PostgreSQL (psycopg 3)."""

from typing import Any

import pandas as pd
import psycopg
from osiris.core.driver import DriverRegistry


class ReceivablesExtractorDriver:
    """Its configuration check is called ``_check_config``: not recognisable as validation."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx: Any) -> dict:
        try:
            self._check_config(config)
            connection = config["resolved_connection"]
            with psycopg.connect(
                host=connection["host"],
                dbname=connection["database"],
                user=connection["user"],
                password=connection["password"],
                connect_timeout=10,
            ) as conn:
                with conn.cursor() as cur:
                    cur.execute(
                        "SELECT customer_id, invoice_id, amount, due_on, "
                        "CASE WHEN due_on < current_date - 90 THEN '90+' "
                        "WHEN due_on < current_date - 30 THEN '31-90' ELSE '0-30' END AS bucket "
                        "FROM receivables WHERE paid_on IS NULL"
                    )
                    df = pd.DataFrame(cur.fetchall(), columns=[c.name for c in cur.description])
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _check_config(self, config: dict) -> None:
        if "resolved_connection" not in config:
            raise ValueError("receivables.extractor needs a connection")


DriverRegistry.register("receivables.extractor", ReceivablesExtractorDriver())
