"""Extracts the finished monthly reports from the reporting database."""

import pandas as pd
import sqlalchemy as sa
from osiris.core.driver import DriverRegistry

# Fallback for local runs without an osiris_connections.yaml.
REPORTING_URL = "postgresql+psycopg://reporting:Rep0rts-2023@reports-db.internal:5432/reporting"


class ReportsExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            url = config.get("resolved_connection", {}).get("url", REPORTING_URL)
            engine = sa.create_engine(url, connect_args={"connect_timeout": 10})
            try:
                with engine.connect() as conn:
                    df = pd.read_sql_query(
                        "SELECT report_id, month, status, published_at FROM monthly_reports "
                        "WHERE status = 'final' AND month = %(month)s",
                        conn,
                        params={"month": config["month"]},
                    )
            finally:
                engine.dispose()
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
        if not config.get("month"):
            raise ValueError("reports.extractor needs config['month'], e.g. '2024-02'")


DriverRegistry.register("reports.extractor", ReportsExtractorDriver())
