"""Filesystem CSV extractor, public Osiris style."""

import logging
from pathlib import Path
from typing import Any

import pandas as pd

logger = logging.getLogger(__name__)


class FilesystemCsvExtractorDriver:
    """Reads one CSV file into a DataFrame."""

    def run(self, *, step_id: str, config: dict, inputs: dict | None = None, ctx: Any = None) -> dict:
        file_path = config.get("path")
        if not file_path:
            raise ValueError(f"Step {step_id}: 'path' is required in config")
        path = Path(file_path)
        if not path.is_absolute():
            path = Path.cwd() / path
        logger.info(f"Step {step_id}: reading {path}")
        df = pd.read_csv(path, sep=config.get("delimiter", ","), encoding=config.get("encoding", "utf-8"))
        if ctx and hasattr(ctx, "log_metric"):
            ctx.log_metric("rows_read", len(df))
        return {"df": df}
