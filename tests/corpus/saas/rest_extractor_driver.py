"""Extracts records from any paged JSON REST API (requests).

Registered as ``rest.extractor`` by the package's ``__init__.py``.
"""

import logging
import time

import pandas as pd
import requests

logger = logging.getLogger(__name__)

RETRY_STATUSES = {429, 502, 503, 504}


class RestExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            ctx.log_event("api_source", {"step_id": step_id, "url": cfg["url"], "token": "***"})
            records = []
            with requests.Session() as session:
                session.headers.update({"Authorization": f"Bearer {cfg['token']}", "Accept": "application/json"})
                url, params = cfg["url"], {"per_page": cfg["page_size"]}
                for _attempt in range(cfg["max_requests"]):
                    response = session.get(url, params=params, timeout=(5, cfg["read_timeout"]))
                    if response.status_code in RETRY_STATUSES:
                        try:
                            delay = float(response.headers.get("Retry-After", "1"))
                        except ValueError:
                            delay = 1.0
                        logger.info("step %s: HTTP %d, retrying in %.0f s", step_id, response.status_code, delay)
                        time.sleep(min(delay, 60.0))
                        continue
                    response.raise_for_status()
                    records.extend(response.json()[cfg["records_key"]])
                    url = response.links.get("next", {}).get("url")
                    if not url:
                        break
                    params = None
                else:
                    raise RuntimeError(f"{cfg['url']} still had pages after {cfg['max_requests']} requests")
            df = pd.json_normalize(records)
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
        if not config.get("url"):
            raise ValueError("rest.extractor needs config['url']: the first page of the collection")
        if not connection.get("token"):
            raise ValueError("rest.extractor needs a connection with a 'token'")
        return {
            "url": config["url"],
            "token": connection["token"],
            "records_key": config.get("records_key", "items"),
            "page_size": int(config.get("page_size", 100)),
            "read_timeout": float(config.get("read_timeout", 60)),
            "max_requests": int(config.get("max_requests", 1000)),
        }
