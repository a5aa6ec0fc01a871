"""Extractors that run config["query"] on the PostgreSQL or MySQL server of
their resolved connection (used to test connection resolution for real)."""

import pandas as pd
from osiris.core.driver import DriverRegistry


class PostgresQueryExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        import psycopg

        settings = config["resolved_connection"]
        with psycopg.connect(**settings, connect_timeout=5) as conn, conn.cursor() as cur:
            cur.execute(config["query"])
            df = pd.DataFrame(cur.fetchall(), columns=[c.name for c in cur.description])
        ctx.log_metric("rows_read", len(df))
        return {"df": df}


class MysqlQueryExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        import pymysql

        conn = pymysql.connect(**config["resolved_connection"], connect_timeout=5)
        try:
            with conn.cursor() as cur:
                cur.execute(config["query"])
                df = pd.DataFrame(cur.fetchall(), columns=[c[0] for c in cur.description])
        finally:
            conn.close()
        ctx.log_metric("rows_read", len(df))
        return {"df": df}


DriverRegistry.register("postgres.extractor", PostgresQueryExtractorDriver())
DriverRegistry.register("mysql.extractor", MysqlQueryExtractorDriver())
