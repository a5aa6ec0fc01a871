"""OSD005 (with second_copy_transformer_driver.py): both register 'copy.transformer'."""

from osiris.core.driver import DriverRegistry


class FirstCopyTransformerDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if inputs is None or "df" not in inputs:
                raise ValueError("copy.transformer needs inputs['df']")
            df = inputs["df"].copy()
            ctx.log_metric("rows_processed", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("copy.transformer", FirstCopyTransformerDriver())
