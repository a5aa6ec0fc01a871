"""Writes a dimension table into PostgreSQL with SQLAlchemy Core (no SQL text at all)."""

import sqlalchemy as sa
from osiris.core.driver import DriverRegistry
from sqlalchemy.dialects import postgresql

from .masking import redact_connection


class PostgresDimensionWriterDriver:
    """The whole step runs inside ``engine.begin()``: one transaction, rolled back on error."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("postgres_dimension.writer needs inputs['df'] from an upstream step")
            df = inputs["df"]
            rows = df.astype(object).where(df.notna(), None).to_dict("records")
            connection = config["resolved_connection"]
            ctx.log_event("dimension_target", {"step_id": step_id, "connection": redact_connection(connection)})
            url = sa.engine.URL.create(
                "postgresql+psycopg",
                username=connection["user"],
                password=connection["password"],
                host=connection["host"],
                port=connection.get("port", 5432),
                database=connection["database"],
            )
            engine = sa.create_engine(url, connect_args={"connect_timeout": 10})
            try:
                with engine.begin() as conn:
                    table = sa.Table(cfg["table"], sa.MetaData(), schema=cfg["schema"], autoload_with=conn)
                    match cfg["write_mode"]:
                        case "append":
                            conn.execute(sa.insert(table), rows)
                        case "overwrite":
                            conn.execute(table.delete())
                            conn.execute(sa.insert(table), rows)
                        case "upsert":
                            keys = config["key_columns"]
                            insert = postgresql.insert(table)
                            conn.execute(
                                insert.on_conflict_do_update(
                                    index_elements=keys,
                                    set_={c: insert.excluded[c] for c in df.columns if c not in keys},
                                ),
                                rows,
                            )
                        case _:
                            raise ValueError(f"write_mode must be append, overwrite or upsert, not {cfg['write_mode']!r}")
            finally:
                engine.dispose()
            ctx.log_metric("rows_written", len(rows), table=cfg["table"])
            return dict()
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        if not config.get("table") or "resolved_connection" not in config:
            raise ValueError("postgres_dimension.writer needs config['table'] and a connection")
        if config.get("write_mode") == "upsert" and not config.get("key_columns"):
            raise ValueError("write_mode 'upsert' needs config['key_columns']")
        return {
            "table": config["table"],
            "schema": config.get("schema", "public"),
            "write_mode": config.get("write_mode", "append"),
        }


DriverRegistry.register("postgres_dimension.writer", PostgresDimensionWriterDriver())
