"""Extracts transactions from the bank's open-banking feed (requests)."""

import datetime as dt
import logging
import warnings

import pandas as pd
import requests
from osiris.core.driver import DriverRegistry

logger = logging.getLogger(__name__)


class BankFeedExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            logger.debug("bank feed step %s with config %s", step_id, config)
            connection = config["resolved_connection"]
            token = connection["token"]
            expires = dt.date.fromisoformat(connection["token_expires"])
            if expires - dt.date.today() < dt.timedelta(days=14):
                warnings.warn(f"Bank feed token {token} expires on {expires}; request a new one", stacklevel=2)
            with requests.Session() as session:
                session.headers["Authorization"] = f"Bearer {token}"
                response = session.get(
                    f"{connection['base_url']}/accounts/{config['account_id']}/transactions",
                    params={"fromBookingDateTime": config["since"]},
                    timeout=(5, 60),
                )
                response.raise_for_status()
                transactions = response.json()["Data"]["Transaction"]
            df = pd.json_normalize(transactions)
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
        connection = config.get("resolved_connection") or {}
        missing = [key for key in ("base_url", "token", "token_expires") if not connection.get(key)]
        if missing or not config.get("account_id") or not config.get("since"):
            raise ValueError("bank_feed.extractor needs config['account_id'], config['since'] and a full connection")


DriverRegistry.register("bank_feed.extractor", BankFeedExtractorDriver())
