"""A driver that ends, writes and leaks in every way the runner must survive.

``config["do"]`` picks the behaviour; the secret it leaks is its connection's password
(or ``config["leak"]``).
"""

import os
import sys
import threading
import time
import warnings

import pandas as pd
from osiris.core.driver import DriverRegistry


class BaseEnding(BaseException):
    """Not an Exception: only a handler of BaseException sees it."""


class HostileExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        secret = config.get("leak") or config.get("resolved_connection", {}).get("password", "")
        action = config["do"]
        if action == "ok":
            ctx.log_metric("rows_read", 2)
            return {"df": pd.DataFrame({"n": [1, 2]})}
        if action == "interrupt":
            raise KeyboardInterrupt
        if action == "exit0":
            raise SystemExit(0)
        if action == "exit3":
            sys.exit(3)
        if action == "exit-message":
            raise SystemExit(f"giving up with {config}")
        if action == "generator-exit":
            raise GeneratorExit
        if action == "base-exception":
            raise BaseEnding(f"custom ending, password {secret}")
        if action == "repr-error":
            raise ValueError(f"bad config {config!r}")
        if action == "warn":
            warnings.warn(f"connecting to postgresql://app:{secret}@db/x", stacklevel=1)
            print(f"print {secret}")
            os.write(1, f"fd1 {secret}\n".encode())
            os.write(2, f"fd2 {secret}\n".encode())
            ctx.log_metric("rows_read", 0)
            return {"df": pd.DataFrame()}
        if action == "sleep":
            open(config["ready"], "w").close()  # noqa: SIM115 - a marker file for the test
            time.sleep(3600)
        if action == "not-a-frame":
            return {"df": "not a frame"}
        if action == "thread":
            threading.Thread(target=time.sleep, args=(3600,), daemon=False).start()
            ctx.log_metric("rows_read", 0)
            return {"df": pd.DataFrame()}
        if action == "event-and-fail":
            ctx.log_event("step_failed", {"step_id": step_id, "error": "boom",
                                          "error_type": "RuntimeError", "table": "orders"})
            raise RuntimeError("boom")
        raise ValueError(f"unknown action {action!r}")


DriverRegistry.register("hostile.extractor", HostileExtractorDriver())
