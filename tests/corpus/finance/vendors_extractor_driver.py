"""Extracts the vendor master data from the ERP's MySQL database (PyMySQL)."""

import datetime as dt

import pandas as pd
import pymysql
import pymysql.cursors
from osiris.core.driver import DriverRegistry


class VendorsExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            connection = config["resolved_connection"]
            with pymysql.connect(
                host=connection["host"],
                user=connection["user"],
                password=connection["password"],
                database=connection["database"],
                connect_timeout=10,
                cursorclass=pymysql.cursors.DictCursor,
            ) as conn:
                with conn.cursor() as cur:
                    cur.execute("SELECT vendor_id, name, vat_id, country, onboarded FROM vendors")
                    records = cur.fetchall()
            for record in records:
                try:
                    record["onboarded"] = dt.date.fromisoformat(record["onboarded"])
                except:
                    record["onboarded"] = None
            df = pd.DataFrame(records)
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
            raise ValueError("vendors.extractor needs a connection")


DriverRegistry.register("vendors.extractor", VendorsExtractorDriver())
