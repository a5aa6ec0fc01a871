"""Writes deals into the CRM reporting table (SQLAlchemy)."""

import sqlalchemy as sa
from osiris.core.driver import DriverRegistry


class DealsWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("deals.writer needs inputs['df']")
            df = inputs["df"]
            engine = sa.create_engine(config["resolved_connection"]["url"], connect_args={"connect_timeout": 10})
            try:
                with engine.begin() as conn:
                    match config.get("write_mode", "append"):
                        case "append":
                            df.to_sql("deals", conn, if_exists="append", index=False)
                        case "overwrite":
                            df.to_sql("deals", conn, if_exists="replace", index=False)
                        case "upsert":
                            deals = sa.Table("deals", sa.MetaData(), autoload_with=conn)
                            ids = df[config["primary_key"]].drop_duplicates().tolist()
                            conn.execute(deals.delete().where(deals.c[config["primary_key"]].in_(ids)))
                            df.to_sql("deals", conn, if_exists="append", index=False)
                        case _:
                            raise ValueError(f"Unknown write_mode {config.get('write_mode')!r}")
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
            raise ValueError("deals.writer needs a connection with a 'url'")


DriverRegistry.register("deals.writer", DealsWriterDriver)
