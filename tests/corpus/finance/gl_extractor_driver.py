"""Extracts general-ledger balances from the ERP's PostgreSQL database (psycopg 3).

Run it as a script to try a configuration by hand:
``python -m finance.gl_extractor_driver '{"period": "2024-03", ...}'``.
"""

import json
import logging
import sys
import traceback
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg
from osiris.core.driver import DriverRegistry


class GlExtractorDriver:
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
                    cur.execute(
                        "SELECT account, period, debit, credit, debit - credit AS balance "
                        "FROM gl_balances WHERE period = %s ORDER BY account",
                        (config["period"],),
                    )
                    df = pd.DataFrame(cur.fetchall(), columns=[c.name for c in cur.description])
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            traceback.print_exc()
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> None:
        if not config.get("period"):
            raise ValueError("gl.extractor needs config['period'], e.g. '2024-03'")
        if "resolved_connection" not in config:
            raise ValueError("gl.extractor needs a connection")


DriverRegistry.register("gl.extractor", GlExtractorDriver())


if __name__ == "__main__":
    from osiris.core.context import RecordingContext

    logging.basicConfig(stream=sys.stdout, level=logging.DEBUG)
    result = GlExtractorDriver().run("manual", json.loads(sys.argv[1]), None, RecordingContext(Path("gl-out")))
    print(result["df"].to_string())
