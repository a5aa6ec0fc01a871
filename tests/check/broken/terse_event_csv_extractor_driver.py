"""OSD024: step_failed carries only the message, not step_id and error_type."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class TerseEventCsvExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("terse_event_csv.extractor needs config['path']")
            df = pd.read_csv(config["path"])
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"error": str(e)})
            raise


DriverRegistry.register("terse_event_csv.extractor", TerseEventCsvExtractorDriver())
