"""Extracts recent orders from the shop's MySQL database (PyMySQL)."""

import pandas as pd
import pymysql
import pymysql.cursors
from osiris.core.driver import DriverRegistry

DEFAULT_STATUSES = ("paid", "shipped", "delivered")


class MysqlExtractorDriver:
    """Follows the contract's pattern: the connection lives on the driver for the
    duration of one run and ``_cleanup()``, called from ``finally``, closes it."""

    def __init__(self) -> None:
        self._conn = None

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            connection = cfg["connection"]
            self._conn = pymysql.connect(
                host=connection["host"],
                port=int(connection.get("port", 3306)),
                user=connection["user"],
                password=connection["password"],
                database=connection["database"],
                connect_timeout=cfg["connect_timeout"],
                read_timeout=cfg["read_timeout"],
                cursorclass=pymysql.cursors.DictCursor,
            )
            with self._conn.cursor() as cur:
                cur.execute(
                    "SELECT order_id, customer_id, status, total, updated_at FROM orders "
                    "WHERE updated_at >= %s AND status IN %s ORDER BY order_id",
                    (cfg["since"], cfg["statuses"]),
                )
                df = pd.DataFrame(cur.fetchall())
            ctx.log_metric("rows_read", len(df), table="orders")
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise
        finally:
            self._cleanup()

    def _validate_config(self, config: dict) -> dict:
        if "resolved_connection" not in config:
            raise ValueError("mysql.extractor needs a connection: config['connection'] = '@mysql.<alias>'")
        if not config.get("since"):
            raise ValueError("mysql.extractor needs config['since']: the oldest updated_at to read")
        return {
            "connection": config["resolved_connection"],
            "since": config["since"],
            "statuses": tuple(config.get("statuses", DEFAULT_STATUSES)),
            "connect_timeout": int(config.get("connect_timeout", 10)),
            "read_timeout": int(config.get("read_timeout", 300)),
        }

    def _cleanup(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


DriverRegistry.register("mysql.extractor", MysqlExtractorDriver())
