"""Aggregates transactions into a weekly cash-flow statement."""

from osiris.core.driver import DriverRegistry


class CashflowTransformerDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("cashflow.transformer needs inputs['df']")
            transactions = inputs["df"]
            weekly = (
                transactions.assign(week=transactions[cfg["date_column"]].dt.to_period("W").dt.start_time)
                .groupby(["week", "direction"], as_index=False)["amount"]
                .sum()
                .pivot(index="week", columns="direction", values="amount")
                .fillna(0)
                .reset_index()
            )
            weekly["net"] = weekly.get("in", 0) - weekly.get("out", 0)
            ctx.log_metric("rows_processed", len(transactions))
            return {"data": weekly}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        return {"date_column": config.get("date_column", "booked_on")}


DriverRegistry.register("cashflow.transformer", CashflowTransformerDriver())
