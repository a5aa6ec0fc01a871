"""OSD021: assigns a column on the input frame itself."""

from osiris.core.driver import DriverRegistry


class UppercaseTransformerDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if inputs is None or "df" not in inputs:
                raise ValueError("uppercase.transformer needs inputs['df']")
            df = inputs["df"]
            df["customer"] = df["customer"].str.upper()
            ctx.log_metric("rows_processed", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("uppercase.transformer", UppercaseTransformerDriver())
