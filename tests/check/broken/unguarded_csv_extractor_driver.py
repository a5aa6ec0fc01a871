"""OSD024: no try at all, so a failure never emits step_failed."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class UnguardedCsvExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        if not config.get("path"):
            raise ValueError("unguarded_csv.extractor needs config['path']")
        df = pd.read_csv(config["path"])
        ctx.log_metric("rows_read", len(df))
        return {"df": df}


DriverRegistry.register("unguarded_csv.extractor", UnguardedCsvExtractorDriver())
