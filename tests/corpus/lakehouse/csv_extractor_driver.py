"""Extracts a large CSV file in chunks."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class CsvExtractorDriver:
    """Reads the file chunk by chunk so that a bad row is reported with its position.

    ``rows_read`` is emitted from ``finally``: also a failed run reports how far it got.
    """

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            chunks = []
            try:
                with pd.read_csv(
                    cfg["path"],
                    sep=cfg["separator"],
                    encoding=cfg["encoding"],
                    dtype=cfg["dtype"],
                    chunksize=cfg["chunksize"],
                ) as reader:
                    for chunk in reader:
                        chunks.append(chunk)
                df = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()
                return {"df": df}
            finally:
                ctx.log_metric("rows_read", sum(len(chunk) for chunk in chunks))
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        if not config.get("path"):
            raise ValueError("csv.extractor needs config['path']: the CSV file to read")
        return {
            "path": config["path"],
            "separator": config.get("separator", ","),
            "encoding": config.get("encoding", "utf-8"),
            "dtype": config.get("dtype"),
            "chunksize": int(config.get("chunksize", 100_000)),
        }


DriverRegistry.register("csv.extractor", CsvExtractorDriver())
