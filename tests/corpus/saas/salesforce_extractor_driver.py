"""Extracts Salesforce records with a SOQL query (REST API)."""

import pandas as pd
import requests


class SalesforceExtractorDriver:
    """Only the tests register this driver; no module does at import time."""

    api_version = "v59.0"

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            records = []
            with requests.Session() as session:
                session.headers["Authorization"] = f"Bearer {cfg['token']}"
                url = f"{cfg['instance_url']}/services/data/{self.api_version}/query"
                params = {"q": cfg["soql"]}
                while url:
                    response = session.get(url, params=params, timeout=cfg["timeout"])
                    response.raise_for_status()
                    page = response.json()
                    records.extend({k: v for k, v in row.items() if k != "attributes"} for row in page["records"])
                    next_path = page.get("nextRecordsUrl")
                    url, params = (cfg["instance_url"] + next_path, None) if next_path else (None, None)
            df = pd.DataFrame.from_records(records)
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        connection = config.get("resolved_connection") or {}
        if not connection.get("instance_url") or not connection.get("token"):
            raise ValueError("salesforce.extractor needs a connection with 'instance_url' and 'token'")
        if not config.get("soql"):
            raise ValueError("salesforce.extractor needs config['soql'], e.g. 'SELECT Id, Name FROM Account'")
        return {
            "instance_url": connection["instance_url"].rstrip("/"),
            "token": connection["token"],
            "soql": config["soql"],
            "timeout": float(config.get("timeout", 30)),
        }
