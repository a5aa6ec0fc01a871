"""Converts amounts into the reporting currency."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class FxTransformerDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("fx.transformer needs inputs['df']")
            df = inputs["df"]
            if set(df["currency"].unique()) == {cfg["target"]}:
                out = df.assign(amount_reporting=df["amount"])
                return {"df": out}
                ctx.log_metric("rows_processed", len(out))
            rates = pd.read_csv(cfg["rates_path"])
            out = df.merge(rates, on="currency", how="left", validate="many_to_one")
            out = out.assign(amount_reporting=out["amount"] * out["rate"]).drop(columns="rate")
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
        if not config.get("rates_path"):
            raise ValueError("fx.transformer needs config['rates_path']: currency,rate per line")
        return {"rates_path": config["rates_path"], "target": config.get("target", "EUR")}


DriverRegistry.register("fx.transformer", FxTransformerDriver())
