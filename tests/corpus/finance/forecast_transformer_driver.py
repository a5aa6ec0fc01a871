"""Extends monthly revenue with a moving-average forecast."""

import pandas as pd
from osiris.core.driver import DriverRegistry

_FORECAST_HISTORY = []


class ForecastTransformerDriver:
    """Keeps state between runs in three places: a module list, a class attribute
    and a mutable default argument."""

    runs_completed = 0

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("forecast.transformer needs inputs['df']: monthly revenue")
            history = inputs["df"].sort_values("month")
            forecast = self._extend(history, cfg["horizon"], cfg["window"])
            _FORECAST_HISTORY.append(forecast)
            ForecastTransformerDriver.runs_completed += 1
            ctx.log_metric("rows_processed", len(forecast))
            return {"df": forecast}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        return {"horizon": int(config.get("horizon", 3)), "window": int(config.get("window", 6))}

    def _extend(self, history: pd.DataFrame, horizon: int, window: int, extra_rows=[]) -> pd.DataFrame:
        level = history["revenue"].tail(window).mean()
        last = pd.Period(history["month"].iloc[-1], freq="M")
        for step in range(1, horizon + 1):
            extra_rows.append({"month": str(last + step), "revenue": level, "forecast": True})
        return pd.concat([history.assign(forecast=False), pd.DataFrame(extra_rows)], ignore_index=True)


DriverRegistry.register("forecast.transformer", ForecastTransformerDriver())
