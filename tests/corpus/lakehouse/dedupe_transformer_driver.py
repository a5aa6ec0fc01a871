"""Removes duplicate rows, keeping the most recent version of each key."""

from pathlib import Path

from osiris.core.driver import DriverRegistry


class DedupeTransformerDriver:
    """Works on a copy of the input; the dropped duplicates are kept in the step's output folder."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            self._require_df(inputs)
            df = inputs["df"].copy()
            df.sort_values(cfg["order_by"], ascending=False, inplace=True, kind="stable")
            df["_duplicate"] = df.duplicated(subset=cfg["keys"], keep="first")
            duplicates = df[df["_duplicate"]].drop(columns="_duplicate")
            df = df[~df["_duplicate"]].drop(columns="_duplicate").reset_index(drop=True)
            if ctx and len(duplicates):
                duplicates.to_csv(Path(ctx.output_dir) / "duplicates.csv", index=False)
            if ctx:
                ctx.log_metric("rows_processed", len(df))
                ctx.log_metric("duplicates_dropped", len(duplicates))
            return {"df": df}
        except Exception as e:
            if ctx:
                ctx.log_event("step_failed", {
                    "step_id": step_id,
                    "error": str(e),
                    "error_type": type(e).__name__,
                })
            raise

    def _validate_config(self, config: dict) -> dict:
        keys = config.get("keys")
        if not keys:
            raise ValueError("dedupe.transformer needs config['keys']: the columns that identify a row")
        return {"keys": list(keys), "order_by": config.get("order_by", list(keys))}

    def _require_df(self, inputs: dict | None) -> None:
        if inputs is None or "df" not in inputs:
            raise ValueError("dedupe.transformer needs inputs['df'] from an upstream step")


DriverRegistry.register("dedupe.transformer", DedupeTransformerDriver())
