"""Compliant CSV writer that reads its keys into names first, then raises on a missing
one before any work (OSD023's "values just read from config")."""

import os
import tempfile

from osiris.core.driver import DriverRegistry


class AssignedCheckCsvWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            path = config.get("path")
            if not path:
                raise ValueError("assigned_check_csv.writer needs config['path']")
            if inputs is None or "df" not in inputs:
                raise ValueError("assigned_check_csv.writer needs inputs['df']")
            df = inputs["df"]
            folder = os.path.dirname(os.path.abspath(path))
            handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
            os.close(handle)
            try:
                df.to_csv(temporary, index=False)
                os.replace(temporary, path)
            finally:
                if os.path.exists(temporary):
                    os.remove(temporary)
            ctx.log_metric("rows_written", len(df))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("assigned_check_csv.writer", AssignedCheckCsvWriterDriver())
