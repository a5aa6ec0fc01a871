"""Filesystem CSV writer, public Osiris style: columns in a stable (sorted) order."""

import logging
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


class FilesystemCsvWriterDriver:
    """Writes the upstream DataFrame to a CSV file."""

    def run(self, *, step_id: str, config: dict, inputs: dict | None = None, ctx: Any = None) -> dict:
        if not inputs or "df" not in inputs:
            raise ValueError(f"Step {step_id}: FilesystemCsvWriterDriver requires 'df' in inputs")
        file_path = config.get("path")
        if not file_path:
            raise ValueError(f"Step {step_id}: 'path' is required in config")
        output_path = Path(file_path)
        output_path.parent.mkdir(parents=True, exist_ok=True)
        df = inputs["df"]
        ordered = df[sorted(df.columns)]
        ordered.to_csv(output_path, index=False, sep=config.get("delimiter", ","))
        logger.info(f"Step {step_id}: wrote {len(ordered)} rows to {output_path}")
        if ctx and hasattr(ctx, "log_metric"):
            ctx.log_metric("rows_written", len(ordered))
        return {}
