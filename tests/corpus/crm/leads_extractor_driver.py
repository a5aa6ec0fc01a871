"""Extracts marketing leads exported by the CRM as a CSV file."""

import pandas as pd


class LeadsExtractorDriver:
    """Nobody registers this driver, so no pipeline can use it."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            df = pd.read_csv(config["path"], parse_dates=["created_at"], dtype={"lead_id": "string"})
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> None:
        if not config.get("path"):
            raise ValueError("the leads extractor needs config['path']")
