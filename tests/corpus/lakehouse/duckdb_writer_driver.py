"""Writes the upstream DataFrame into a DuckDB table."""

import duckdb
from osiris.core.driver import DriverRegistry

from .identifiers import quote_identifier, quote_list


class DuckdbWriterDriver:
    """All statements of a run share one explicit transaction."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("duckdb.writer needs inputs['df'] from an upstream step")
            df = inputs["df"]
            table = config["table"]
            mode = config.get("write_mode", "append")
            with duckdb.connect(config["database"]) as con:
                con.register("incoming", df)
                con.begin()
                try:
                    if mode == "append":
                        con.execute(f"INSERT INTO {quote_identifier(table)} BY NAME SELECT * FROM incoming")
                    elif mode == "overwrite":
                        con.execute(f"CREATE OR REPLACE TABLE {quote_identifier(table)} AS SELECT * FROM incoming")
                    elif mode == "upsert":
                        keys = config["key_columns"]
                        con.execute(
                            f"DELETE FROM {quote_identifier(table)} WHERE ({quote_list(keys)}) "
                            f"IN (SELECT {quote_list(keys)} FROM incoming)"
                        )
                        con.execute(f"INSERT INTO {quote_identifier(table)} BY NAME SELECT * FROM incoming")
                    else:
                        raise ValueError(f"write_mode must be append, overwrite or upsert, not {mode!r}")
                    con.commit()
                except Exception:
                    con.rollback()
                    raise
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
        for key in ("database", "table"):
            if not config.get(key):
                raise ValueError(f"duckdb.writer needs config['{key}']")


DriverRegistry.register("duckdb.writer", DuckdbWriterDriver())
