"""OSD022, in a mutable default argument: every result is appended to it."""

from osiris.core.driver import DriverRegistry


class HistoryDefaultTransformerDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx, history=[]) -> dict:  # noqa: B006
        try:
            if inputs is None or "df" not in inputs:
                raise ValueError("history_default.transformer needs inputs['df']")
            df = inputs["df"].sort_values("id").reset_index(drop=True)
            history.append(df)
            ctx.log_metric("rows_processed", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("history_default.transformer", HistoryDefaultTransformerDriver())
