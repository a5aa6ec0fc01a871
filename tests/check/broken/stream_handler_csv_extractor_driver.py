"""OSD020: a logging.StreamHandler() writes the driver's log records to stderr."""

import logging

import pandas as pd
from osiris.core.driver import DriverRegistry

logger = logging.getLogger(__name__)
logger.addHandler(logging.StreamHandler())
logger.setLevel(logging.INFO)


class StreamHandlerCsvExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            if not config.get("path"):
                raise ValueError("stream_handler_csv.extractor needs config['path']")
            df = pd.read_csv(config["path"])
            logger.info("read %d rows", len(df))
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("stream_handler_csv.extractor", StreamHandlerCsvExtractorDriver())
