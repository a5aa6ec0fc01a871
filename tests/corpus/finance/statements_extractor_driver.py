"""Extracts bank statement lines from the treasury PostgreSQL database (psycopg 3)."""

from typing import Any

import pandas as pd
import psycopg
from osiris.core.driver import DriverRegistry


class StatementsExtractorDriver:
    """Keeps a backup copy of what it read, and runs an extra query straight from the config."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx: Any) -> dict:
        try:
            self._validate_config(config)
            connection = config["resolved_connection"]
            with psycopg.connect(
                host=connection["host"],
                dbname=connection["database"],
                user=connection["user"],
                password=connection["password"],
                connect_timeout=10,
            ) as conn:
                with conn.cursor() as cur:
                    cur.execute("SELECT * INTO TEMP statement_lines_backup FROM statement_lines WHERE booked_on = %s", (config["day"],))
                    cur.execute("SELECT line_id, account_iban, amount, currency, booked_on, memo FROM statement_lines WHERE booked_on = %s", (config["day"],))
                    df = pd.DataFrame(cur.fetchall(), columns=[c.name for c in cur.description])
                    if config.get("balances_query"):
                        cur.execute(config["balances_query"])
                        balances = pd.DataFrame(cur.fetchall(), columns=[c.name for c in cur.description])
                        df = df.merge(balances, on="account_iban", how="left")
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
        if not config.get("day"):
            raise ValueError("statements.extractor needs config['day']")
        if "resolved_connection" not in config:
            raise ValueError("statements.extractor needs a connection")


DriverRegistry.register("statements.extractor", StatementsExtractorDriver())
