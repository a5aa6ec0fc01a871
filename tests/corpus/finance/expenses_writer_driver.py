"""Writes approved expense claims into the finance PostgreSQL database (SQLAlchemy)."""

import sqlalchemy as sa
from osiris.core.driver import DriverRegistry


class ExpensesWriterDriver:
    """Checks that some input arrived, but not that it holds a DataFrame under "df"."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if not inputs:
                raise ValueError("expenses.writer needs an upstream step")
            df = inputs["df"]
            engine = sa.create_engine(config["resolved_connection"]["url"], connect_args={"connect_timeout": 10})
            try:
                with engine.begin() as conn:
                    mode = config.get("write_mode", "append")
                    if mode == "append":
                        df.to_sql("expenses", conn, if_exists="append", index=False)
                    elif mode == "overwrite":
                        df.to_sql("expenses", conn, if_exists="replace", index=False)
                    elif mode == "upsert":
                        expenses = sa.Table("expenses", sa.MetaData(), autoload_with=conn)
                        key = config["primary_key"]
                        conn.execute(expenses.delete().where(expenses.c[key].in_(df[key].tolist())))
                        df.to_sql("expenses", conn, if_exists="append", index=False)
                    else:
                        raise ValueError(f"Unknown write_mode {mode!r}")
            finally:
                engine.dispose()
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
        if not (config.get("resolved_connection") or {}).get("url"):
            raise ValueError("expenses.writer needs a connection with a 'url'")


DriverRegistry.register("expenses.writer", ExpensesWriterDriver())
