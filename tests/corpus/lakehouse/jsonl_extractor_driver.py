"""Extracts newline-delimited JSON files (one record per line)."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class JsonlExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            df = pd.read_json(config["path"], lines=True, dtype=config.get("dtype"), encoding="utf-8")
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
            raise ValueError("jsonl.extractor needs config['path']")


# Copied from the JSONL writer module, key included.
DriverRegistry.register("jsonl.writer", JsonlExtractorDriver())
