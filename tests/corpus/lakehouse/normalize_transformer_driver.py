"""Normalizes column names and drops rows that lack required values."""

from osiris.core.driver import DriverRegistry


class NormalizeTransformerDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("normalize.transformer needs inputs['df']")
            df = inputs["df"]
            df.columns = [str(column).strip().lower().replace(" ", "_") for column in df.columns]
            df.dropna(subset=cfg["required"], inplace=True)
            ctx.log_metric("rows_processed", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        return {"required": list(config.get("required", []))}


DriverRegistry.register("normalize.transformer", NormalizeTransformerDriver())
