"""Extracts one sheet of an Excel workbook."""

from typing import Any

import pandas as pd
from osiris.core.driver import DriverRegistry


class ExcelExtractorDriver:
    """Keyword-only ``run``: the runner always passes its arguments by name."""

    def run(self, *, step_id: str, config: dict, inputs: dict | None = None, ctx: Any = None) -> dict:
        try:
            cfg = self._validate_config(config)
            with pd.ExcelFile(cfg["path"]) as workbook:
                sheet = cfg["sheet"]
                if sheet not in workbook.sheet_names:
                    raise ValueError(f"Sheet {sheet!r} not found; the workbook has {workbook.sheet_names}")
                df = workbook.parse(sheet, header=cfg["header_row"], usecols=cfg["columns"])
            df = df.dropna(how="all")
            ctx.log_metric("rows_read", len(df), sheet=sheet)
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        if not config.get("path"):
            raise ValueError("excel.extractor needs config['path']: the .xlsx file")
        try:
            header_row = int(config.get("header_row", 0))
        except ValueError:
            raise ValueError("excel.extractor: config['header_row'] must be a row number") from None
        return {
            "path": config["path"],
            "sheet": config.get("sheet", "Sheet1"),
            "header_row": header_row,
            "columns": config.get("columns"),
        }


DriverRegistry.register("excel.extractor", ExcelExtractorDriver())
