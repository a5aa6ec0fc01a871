"""Adds net totals and customer segments to orders."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class EnrichTransformerDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("enrich.transformer needs inputs['df']")
            orders = inputs["df"]
            enriched = orders
            enriched["net_total"] = enriched["total"] - enriched["discount"].fillna(0)
            segments = pd.read_csv(cfg["segments_path"])
            out = enriched.merge(segments, on="customer_id", how="left")
            ctx.log_metric("rows_processed", len(out))
            return {"df": out}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        if not config.get("segments_path"):
            raise ValueError("enrich.transformer needs config['segments_path']")
        return {"segments_path": config["segments_path"]}


DriverRegistry.register("enrich.transformer", EnrichTransformerDriver())
