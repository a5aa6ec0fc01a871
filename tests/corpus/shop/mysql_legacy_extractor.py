"""Extracts products from the legacy catalogue schema.

The module predates the contract's file naming: it should be called
``mysql_legacy_extractor_driver.py``.
"""

import pandas as pd
import pymysql
import pymysql.cursors
from osiris.core.driver import DriverRegistry


class MysqlLegacyExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            connection = config["resolved_connection"]
            with pymysql.connect(
                host=connection["host"],
                user=connection["user"],
                password=connection["password"],
                database="catalogue_v1",
                connect_timeout=10,
                cursorclass=pymysql.cursors.DictCursor,
            ) as conn:
                with conn.cursor() as cur:
                    cur.execute("SELECT prod_id, prod_name, price_cents, active FROM products WHERE active = 1")
                    df = pd.DataFrame(cur.fetchall())
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
        if "resolved_connection" not in config:
            raise ValueError("mysql_legacy.extractor needs a connection")


DriverRegistry.register("mysql_legacy.extractor", MysqlLegacyExtractorDriver())
