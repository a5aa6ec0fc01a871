"""Compliant transformer: drops duplicate rows into a new frame."""

from osiris.core.driver import DriverRegistry


class DedupeTransformerDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            subset = config.get("columns")
            if subset is not None and not isinstance(subset, list):
                raise ValueError("dedupe.transformer: config['columns'] must be a list of columns")
            if inputs is None or "df" not in inputs:
                raise ValueError("dedupe.transformer needs inputs['df'] from an upstream step")
            df = inputs["df"].drop_duplicates(subset=subset).reset_index(drop=True)
            ctx.log_metric("rows_processed", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("dedupe.transformer", DedupeTransformerDriver())
