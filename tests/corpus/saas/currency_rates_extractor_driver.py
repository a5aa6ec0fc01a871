"""Extracts the latest exchange rates from a rates API that authenticates by query string."""

import logging

import pandas as pd
import requests
from osiris.core.driver import DriverRegistry

logger = logging.getLogger(__name__)


class CurrencyRatesExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            connection = config["resolved_connection"]
            access_key = connection["access_key"]
            url = f"{connection['base_url']}/latest?access_key={access_key}&base={config.get('base', 'EUR')}"
            logger.info("step %s: fetching rates from %s", step_id, url)
            response = requests.get(url, timeout=config.get("timeout", 20))
            response.raise_for_status()
            payload = response.json()
            df = pd.DataFrame(
                [{"base": payload["base"], "currency": currency, "rate": rate, "date": payload["date"]}
                 for currency, rate in payload["rates"].items()]
            )
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
        if not connection.get("access_key") or not connection.get("base_url"):
            raise ValueError("currency_rates.extractor needs a connection with 'base_url' and 'access_key'")


DriverRegistry.register("currency_rates.extractor", CurrencyRatesExtractorDriver())
