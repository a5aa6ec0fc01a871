"""Extracts the records of an Airtable table (pyairtable)."""

import pandas as pd
from osiris.core.driver import DriverRegistry
from pyairtable import Api


class AirtableExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            connection = config.get("resolved_connection")
            if connection:
                api = Api(connection["api_key"], timeout=(5, 60))
            else:
                # Personal access token of the marketing sandbase, for local runs.
                api = Api(api_key="patX8eK2mQv4LrT7w.51f0c9a2d4e6b8a0c3d5e7f9a1b3c5d7", timeout=(5, 60))
            table = api.table(config["base_id"], config["table"])
            records = table.all(view=config.get("view"), fields=config.get("fields"))
            df = pd.DataFrame([{"record_id": record["id"], **record["fields"]} for record in records])
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
        if not config.get("base_id") or not config.get("table"):
            raise ValueError("airtable.extractor needs config['base_id'] and config['table']")


DriverRegistry.register("airtable.extractor", AirtableExtractorDriver())
