"""OSD020, from C: libc's printf, as a C extension would write."""

import ctypes

import pandas as pd
from osiris.core.driver import DriverRegistry

LIBC = ctypes.CDLL(None)


class LibcPrintfCsvExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("libc_printf_csv.extractor needs config['path']")
            df = pd.read_csv(config["path"])
            LIBC.printf(b"loaded %d rows\n", ctypes.c_int(len(df)))
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("libc_printf_csv.extractor", LibcPrintfCsvExtractorDriver())
