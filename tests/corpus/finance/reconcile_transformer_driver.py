"""Matches bank transactions against ledger entries."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class ReconcileTransformerDriver:
    """Believes that a shallow copy protects the upstream frame, and hands its result
    to the next step by writing it back into ``inputs``."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("reconcile.transformer needs inputs['df']: the bank transactions")
            bank, ledger = inputs["df"].copy(deep=False), pd.read_parquet(cfg["ledger_path"])
            bank.rename(columns={"value_date": "booked_on", "reference": "entry_ref"}, inplace=True)
            matched = bank.merge(ledger, on=["entry_ref", "amount"], how="left", indicator="match")
            matched["match"] = matched["match"].map({"both": "matched", "left_only": "unmatched"})
            inputs["df"] = matched
            ctx.log_metric("rows_processed", len(matched))
            return {"df": matched}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        if not config.get("ledger_path"):
            raise ValueError("reconcile.transformer needs config['ledger_path']")
        return {"ledger_path": config["ledger_path"]}


DriverRegistry.register("reconcile.transformer", ReconcileTransformerDriver())
