"""Extracts CRM contacts from the CRM's PostgreSQL replica."""

import pandas as pd
import psycopg
from osiris.core.driver import DriverRegistry


class ContactsExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
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
                    cur.execute("SELECT contact_id, email, first_name, last_name, owner_id, updated_at FROM contacts")
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

    def _validate_config(self, config: dict) -> None:
        if "resolved_connection" not in config:
            raise ValueError("contacts.extractor needs a connection")


if __name__ == "__main__":
    # Registered only when the module runs as a script, never when the runner imports it.
    DriverRegistry.register("contacts.extractor", ContactsExtractorDriver())
