"""Stacks the DataFrames of every upstream step into one, tagged with the load time."""

import datetime as dt

import pandas as pd
from osiris.core.driver import DriverRegistry


class UnionTransformerDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if not inputs:
                raise ValueError("union.transformer needs at least one upstream DataFrame")
            loaded_at = dt.datetime.now(dt.timezone.utc)
            frames = []
            for frame in inputs.values():
                if not isinstance(frame, pd.DataFrame) or any(frame is seen for seen in frames):
                    continue
                frame["loaded_at"] = loaded_at
                frames.append(frame)
            df = pd.concat(frames, ignore_index=True, join=config.get("join", "outer"))
            ctx.log_metric("rows_processed", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> None:
        if config.get("join", "outer") not in ("inner", "outer"):
            raise ValueError("union.transformer: config['join'] is 'inner' or 'outer'")


DriverRegistry.register("union.transformer", UnionTransformerDriver())
