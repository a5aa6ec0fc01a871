"""OSD021, through an alias: sorts in place a name bound to the input frame."""

from osiris.core.driver import DriverRegistry


class AliasSortTransformerDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if inputs is None or "df" not in inputs:
                raise ValueError("alias_sort.transformer needs inputs['df']")
            frame = inputs["df"]
            ordered = frame
            ordered.sort_values("amount", ascending=False, inplace=True)
            result = ordered.reset_index(drop=True)
            ctx.log_metric("rows_processed", len(result))
            return {"df": result}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("alias_sort.transformer", AliasSortTransformerDriver())
