"""Writes CRM accounts into the reporting database (SQLAlchemy)."""

import sqlalchemy as sa
from osiris.core.driver import DriverRegistry


class AccountsWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("accounts.writer needs inputs['df']")
            df = inputs["df"]
            engine = sa.create_engine(config["resolved_connection"]["url"], connect_args={"connect_timeout": 10})
            try:
                with engine.begin() as conn:
                    mode = config.get("write_mode", "append")
                    if mode == "append":
                        df.to_sql("accounts", conn, if_exists="append", index=False)
                    elif mode == "overwrite":
                        df.to_sql("accounts", conn, if_exists="replace", index=False)
                    elif mode == "upsert":
                        keys = config["upsert_keys"]
                        accounts = sa.Table("accounts", sa.MetaData(), autoload_with=conn)
                        key_rows = df[keys].drop_duplicates().to_dict("records")
                        for row in key_rows:
                            conn.execute(accounts.delete().where(*(accounts.c[k] == v for k, v in row.items())))
                        df.to_sql("accounts", conn, if_exists="append", index=False)
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
            raise ValueError("accounts.writer needs a connection with a 'url'")


def register() -> None:
    """Called by the CRM plugin's setup hook, which the Osiris runner does not run."""
    DriverRegistry.register("accounts.writer", AccountsWriterDriver())
