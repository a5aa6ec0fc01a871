"""OSD031, past a naive guard: only the first word is checked, so WITH ... DELETE passes."""

import duckdb
from osiris.core.driver import DriverRegistry


def validate_read_only(query: str) -> None:
    if not query.lstrip().upper().startswith(("SELECT", "WITH")):
        raise ValueError("prefix_check_duckdb.extractor only runs SELECT queries")


class PrefixCheckDuckdbExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            missing = [k for k in ("query", "resolved_connection") if not config.get(k)]
            if missing:
                raise ValueError(f"prefix_check_duckdb.extractor needs config {missing}")
            validate_read_only(config["query"])
            with duckdb.connect(config["resolved_connection"]["path"]) as conn:
                df = conn.execute(config["query"]).df()
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("prefix_check_duckdb.extractor", PrefixCheckDuckdbExtractorDriver())
