"""Pushes contact changes back to the CRM's REST API.

Neither the file name, nor the registration key, nor the class name says
whether this is an extractor, a writer or a transformer.
"""

import requests
from osiris.core.driver import DriverRegistry


class CrmSyncDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("crm.sync needs inputs['df']: the changed contacts")
            changes = inputs["df"].to_dict("records")
            with requests.Session() as session:
                session.headers["Authorization"] = f"Bearer {cfg['token']}"
                for start in range(0, len(changes), 100):
                    response = session.post(
                        f"{cfg['base_url']}/contacts/batch",
                        json={"contacts": changes[start:start + 100]},
                        timeout=(5, 60),
                    )
                    response.raise_for_status()
            ctx.log_metric("contacts_synced", len(changes))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        connection = config.get("resolved_connection") or {}
        if not connection.get("base_url") or not connection.get("token"):
            raise ValueError("crm.sync needs a connection with 'base_url' and 'token'")
        return {"base_url": connection["base_url"].rstrip("/"), "token": connection["token"]}


DriverRegistry.register("crm.sync", CrmSyncDriver())
