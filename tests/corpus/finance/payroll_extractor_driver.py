"""Extracts the payroll provider's fixed-width export."""

import pandas as pd
from osiris.core.driver import DriverRegistry

WIDTHS = [8, 30, 10, 12, 3]
NAMES = ["employee_id", "name", "period", "gross", "currency"]


class PayrollExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            handle = open(config["path"], encoding=config.get("encoding", "cp1252"))
            header = handle.readline()
            if not header.startswith("PAYROLL"):
                raise ValueError(f"{config['path']} is not a payroll export")
            df = pd.read_fwf(handle, widths=WIDTHS, names=NAMES, dtype={"employee_id": "string"})
            handle.close()
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
            raise ValueError("payroll.extractor needs config['path']")


DriverRegistry.register("payroll.extractor", PayrollExtractorDriver())
