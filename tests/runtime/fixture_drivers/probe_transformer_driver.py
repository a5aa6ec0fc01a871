"""Transformer that records what it received (for wiring tests) and passes on
the single input frame, or the concatenation of every ``df_*`` frame."""

import pandas as pd
from osiris.core.driver import DriverRegistry

SEEN: list[dict] = []  # test probe only: what each run received


class ProbeTransformerDriver:
    def run(self, *, step_id: str, config: dict, inputs: dict | None = None, ctx=None) -> dict:
        SEEN.append({"step_id": step_id, "inputs": None if inputs is None else dict(inputs)})
        frames = [v for k, v in (inputs or {}).items() if k.startswith("df_")]
        df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if config.get("double"):
            df = pd.concat([df, df], ignore_index=True)
        ctx.log_metric("rows_processed", len(df))
        return {"df": df}


DriverRegistry.register("probe.transformer", ProbeTransformerDriver())
