"""Keeps the rows that meet every condition of the config, e.g.
``conditions: [["status", "==", "paid"], ["total", ">", 0]]``."""

import operator

import pandas as pd
from osiris.core.driver import DriverRegistry

OPERATORS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class FilterStepError(RuntimeError):
    """A filter step failed; the message names the step."""


class FilterTransformerDriver:
    def run(self, step_id, config, inputs=None, ctx=None) -> dict:
        try:
            conditions = self._validate_config(config)
            if not inputs or "df" not in inputs:
                raise ValueError("filter.transformer needs inputs['df'] from an upstream step")
            df = inputs["df"]
            keep = pd.Series(True, index=df.index)
            for column, symbol, value in conditions:
                keep &= OPERATORS[symbol](df[column], value)
            df = df.loc[keep].reset_index(drop=True)
            df["filtered_by"] = step_id
            ctx.log_metric("rows_processed", len(df), dropped=int((~keep).sum()))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise FilterStepError(f"filter step {step_id!r} failed: {e}") from e

    def _validate_config(self, config):
        conditions = config.get("conditions") or []
        for condition in conditions:
            if len(condition) != 3 or condition[1] not in OPERATORS:
                raise ValueError(f"Each condition is [column, operator, value] with an operator of {sorted(OPERATORS)}")
        return [tuple(condition) for condition in conditions]


DriverRegistry.register("filter.transformer", FilterTransformerDriver())
