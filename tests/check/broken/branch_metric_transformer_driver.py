"""OSD010, hidden on a branch: an empty input returns early, without the metric."""

from osiris.core.driver import DriverRegistry


class BranchMetricTransformerDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if inputs is None or "df" not in inputs:
                raise ValueError("branch_metric.transformer needs inputs['df']")
            df = inputs["df"]
            if df.empty:
                return {"df": df.copy()}
            result = df[df["amount"] > 0].reset_index(drop=True)
            ctx.log_metric("rows_processed", len(result))
            return {"df": result}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("branch_metric.transformer", BranchMetricTransformerDriver())
