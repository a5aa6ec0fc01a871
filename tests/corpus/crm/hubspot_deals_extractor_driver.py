"""Extracts HubSpot deals together with their pipeline stage labels."""

import pandas as pd
import requests
from osiris.core.driver import DriverRegistry

API = "https://api.hubapi.com"


class HubspotDealsExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            with requests.Session() as session:
                session.headers["Authorization"] = f"Bearer {cfg['token']}"
                stages = self._stage_labels(session)
                deals, after = [], None
                while True:
                    response = session.get(
                        f"{API}/crm/v3/objects/deals",
                        params={"limit": 100, "after": after, "properties": "dealname,amount,dealstage"},
                        timeout=30,
                    )
                    response.raise_for_status()
                    page = response.json()
                    deals.extend({"id": d["id"], **d["properties"]} for d in page["results"])
                    after = page.get("paging", {}).get("next", {}).get("after")
                    if after is None:
                        break
            df = pd.DataFrame(deals)
            if not df.empty:
                df["stage_label"] = df["dealstage"].map(stages)
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _stage_labels(self, session: requests.Session) -> dict:
        response = session.get(f"{API}/crm/v3/pipelines/deals", timeout=30)
        response.raise_for_status()
        return {stage["id"]: stage["label"] for pipeline in response.json()["results"] for stage in pipeline["stages"]}

    def _validate_config(self, config: dict) -> dict:
        connection = config.get("resolved_connection") or {}
        if not connection.get("token"):
            raise ValueError("the HubSpot deals extractor needs a connection with a 'token'")
        return {"token": connection["token"]}


# Copied from the contacts extractor: the key was never changed.
DriverRegistry.register("hubspot.extractor", HubspotDealsExtractorDriver())
