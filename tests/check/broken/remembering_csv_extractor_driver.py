"""OSD022: keeps the last frame on the shared driver instance."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class RememberingCsvExtractorDriver:
    def __init__(self) -> None:
        self.last_df = None

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("remembering_csv.extractor needs config['path']")
            self.last_df = pd.read_csv(config["path"])
            ctx.log_metric("rows_read", len(self.last_df))
            return {"df": self.last_df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("remembering_csv.extractor", RememberingCsvExtractorDriver())
