"""Writes the upstream DataFrame to a CSV file."""

from pathlib import Path

import pandas as pd
from osiris.core.driver import DriverRegistry


class CsvWriterDriver:
    """Writes straight into the target file: a failure half-way leaves it truncated."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("csv.writer needs inputs['df']")
            df = inputs["df"]
            path = Path(config["path"])
            path.parent.mkdir(parents=True, exist_ok=True)
            match config.get("write_mode", "overwrite"):
                case "append":
                    df.to_csv(path, mode="a", header=not path.exists(), index=False)
                case "overwrite":
                    df.to_csv(path, index=False)
                case "upsert":
                    keys = config["key_columns"]
                    existing = pd.read_csv(path) if path.exists() else df.iloc[0:0]
                    merged = pd.concat([existing, df], ignore_index=True)
                    merged.drop_duplicates(subset=keys, keep="last").to_csv(path, index=False)
                case _:
                    raise ValueError(f"Unknown write_mode {config.get('write_mode')!r}")
            ctx.log_metric("rows_written", len(df))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> None:
        if not config.get("path"):
            raise ValueError("csv.writer needs config['path']")


DriverRegistry.register("csv.writer", CsvWriterDriver())
