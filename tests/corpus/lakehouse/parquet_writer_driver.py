"""Writes the upstream DataFrame to a Parquet file, atomically.

The new content goes to a temporary file beside the target, which then
replaces the target in one ``os.replace``: a failed run leaves the old file.
"""

import os
from pathlib import Path

import pandas as pd
from osiris.core.driver import DriverRegistry

WRITE_MODES = ("append", "overwrite", "upsert")


def upsert_rows(existing: pd.DataFrame, incoming: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The existing rows whose key does not arrive again, followed by all incoming rows."""
    marked = existing.merge(incoming[keys].drop_duplicates(), on=keys, how="left", indicator=True)
    kept = marked[marked["_merge"] == "left_only"].drop(columns="_merge")
    return pd.concat([kept, incoming], ignore_index=True)


class ParquetWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("parquet.writer needs inputs['df'] from an upstream step")
            incoming = inputs["df"]
            target = Path(config["path"])
            mode = config.get("write_mode", "append")
            if mode not in ("append", "overwrite", "upsert"):
                raise ValueError(f"write_mode must be one of {WRITE_MODES}, not {mode!r}")
            existing = pd.read_parquet(target) if target.exists() else incoming.iloc[0:0]
            frame = {
                "append": lambda: pd.concat([existing, incoming], ignore_index=True),
                "overwrite": lambda: incoming,
                "upsert": lambda: upsert_rows(existing, incoming, config["upsert_keys"]),
            }[mode]()
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{step_id}.tmp")
            frame.to_parquet(temporary, index=False)
            os.replace(temporary, target)
            ctx.log_metric("rows_written", len(incoming))
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
            raise ValueError("parquet.writer needs config['path']")
        if config.get("write_mode") == "upsert" and not config.get("upsert_keys"):
            raise ValueError("write_mode 'upsert' needs config['upsert_keys']")


DriverRegistry.register("parquet.writer", ParquetWriterDriver())
