"""The shared base of the paged JSON API extractors.

Concrete extractors subclass ``BaseHttpExtractorDriver``, name their endpoint
and say how to read the records of a page; this base is never registered.
"""

import abc

import pandas as pd
import requests


class BaseHttpExtractorDriver(abc.ABC):
    base_url = ""
    page_size = 100

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            records = []
            with requests.Session() as session:
                session.headers["Authorization"] = f"Bearer {cfg['token']}"
                url = self.base_url + self.endpoint(cfg)
                params = {"limit": self.page_size}
                while url:
                    response = session.get(url, params=params, timeout=cfg["timeout"])
                    response.raise_for_status()
                    payload = response.json()
                    records.extend(self.records(payload))
                    url, params = self.next_page(payload), None
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
        if not connection.get("token"):
            raise ValueError(f"{type(self).__name__} needs a connection with a 'token'")
        return {**config, "token": connection["token"], "timeout": float(config.get("timeout", 30))}

    @abc.abstractmethod
    def endpoint(self, cfg: dict) -> str:
        """The path of the first page, e.g. ``/crm/v3/objects/contacts``."""

    @abc.abstractmethod
    def records(self, payload: dict) -> list[dict]:
        """The records of one page of the API's answer."""

    def next_page(self, payload: dict) -> str | None:
        return payload.get("next")
