"""Writes purchase commitments into the finance DuckDB database."""

import duckdb
from osiris.core.driver import DriverRegistry


class CommitmentsWriterDriver:
    """A misspelt write_mode ("overwite") matches no branch: the run writes nothing and succeeds."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("commitments.writer needs inputs['df']")
            df = inputs["df"]
            mode = config.get("write_mode", "append")
            with duckdb.connect(config["database"]) as con:
                con.register("incoming", df)
                con.begin()
                try:
                    if mode == "append":
                        con.execute("INSERT INTO commitments BY NAME SELECT * FROM incoming")
                    elif mode == "overwrite":
                        con.execute("DELETE FROM commitments")
                        con.execute("INSERT INTO commitments BY NAME SELECT * FROM incoming")
                    elif mode == "upsert":
                        if config.get("key_columns") != ["po_number"]:
                            raise ValueError("commitments.writer upserts on key_columns ['po_number'] only")
                        con.execute("DELETE FROM commitments WHERE po_number IN (SELECT po_number FROM incoming)")
                        con.execute("INSERT INTO commitments BY NAME SELECT * FROM incoming")
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
        if not config.get("database"):
            raise ValueError("commitments.writer needs config['database']")


DriverRegistry.register("commitments.writer", CommitmentsWriterDriver())
