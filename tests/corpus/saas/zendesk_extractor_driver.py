"""Extracts Zendesk tickets updated since a point in time (incremental export API)."""

import pandas as pd
import requests
from osiris.core.driver import DriverRegistry


class ZendeskExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            auth = (f"{cfg['email']}/token", cfg["token"])
            base = f"https://{cfg['subdomain']}.zendesk.com/api/v2"
            requests.get(f"{base}/users/me.json", auth=auth).raise_for_status()  # fail fast on bad credentials
            tickets = []
            with requests.Session() as session:
                session.auth = auth
                url = f"{base}/incremental/tickets/cursor.json?start_time={cfg['start_time']}"
                while url:
                    page = session.get(url).json()
                    tickets.extend(page["tickets"])
                    url = None if page["end_of_stream"] else page["after_url"]
            df = pd.DataFrame.from_records(tickets)
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
        missing = [key for key in ("subdomain", "email", "token") if not connection.get(key)]
        if missing:
            raise ValueError(f"zendesk.extractor needs the connection settings {missing}")
        return {**connection, "start_time": int(config.get("start_time", 0))}


DriverRegistry.register("zendesk.extractor", ZendeskExtractorDriver())
