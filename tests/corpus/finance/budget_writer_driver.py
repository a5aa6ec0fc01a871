"""Writes budget lines into the finance DuckDB database."""

import duckdb
from osiris.core.driver import DriverRegistry


class BudgetWriterDriver:
    """Returns the row count to its caller, which the contract's writers must not."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("budget.writer needs inputs['df']")
            df = inputs["df"]
            mode = config.get("write_mode", "append")
            with duckdb.connect(config["database"]) as con:
                con.register("incoming", df)
                con.begin()
                try:
                    if mode == "append":
                        con.execute("INSERT INTO budget_lines BY NAME SELECT * FROM incoming")
                    elif mode == "overwrite":
                        con.execute("DELETE FROM budget_lines")
                        con.execute("INSERT INTO budget_lines BY NAME SELECT * FROM incoming")
                    elif mode == "upsert":
                        if sorted(config["key_columns"]) != ["cost_center", "month", "year"]:
                            raise ValueError("budget.writer upserts on the key columns cost_center, year and month")
                        con.execute(
                            "DELETE FROM budget_lines AS b USING incoming AS i WHERE b.cost_center = i.cost_center "
                            "AND b.year = i.year AND b.month = i.month"
                        )
                        con.execute("INSERT INTO budget_lines BY NAME SELECT * FROM incoming")
                    else:
                        raise ValueError(f"Unknown write_mode {mode!r}")
                    con.commit()
                except Exception:
                    con.rollback()
                    raise
            ctx.log_metric("rows_written", len(df))
            return {"rows_written": len(df)}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> None:
        if not config.get("database"):
            raise ValueError("budget.writer needs config['database']")


DriverRegistry.register("budget.writer", BudgetWriterDriver())
