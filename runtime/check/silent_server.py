"""A server that accepts connections and never answers, and the run of a driver
against it: what proves at run time that a networked driver has its timeouts
(OSD033), where a refused port (the failing scenario) fails at once either way.

The driver is given ``connect_timeout`` and ``read_timeout`` of SILENT_TIMEOUT
seconds in the mapping that names its host; a run still waiting after
HANG_BOUND seconds hangs. The server then closes every connection, which ends
the wait of a client without timeouts, so the check itself never hangs."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Mapping
from typing import Any

NETWORK_CLIENTS = ("psycopg", "psycopg2", "pymysql")
SILENT_TIMEOUT = 2  # seconds, given to the driver as its connect and read timeouts
HANG_BOUND = 30  # seconds: covers drivers that keep a default of their own below it
HOST = "127.0.0.1"
SILENT_RUN = "a run against a server that accepts and never answers"


class SilentServer:
    """Listens on a free local port; accepts, reads nothing, writes nothing."""

    def __init__(self) -> None:
        self.listener = socket.create_server((HOST, 0))
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, name="silent-server", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.held.append(self.listener.accept()[0])
            except OSError:  # closed
                return

    def close(self) -> None:
        self.listener.close()
        for connection in self.held:
            connection.close()

    def __enter__(self) -> SilentServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def silent_config(config: Mapping[str, Any], port: int) -> dict[str, Any] | None:
    """``config`` with its host (top level or in a nested connection mapping) pointed at
    the silent server and short timeouts beside it; None if it names no host."""
    if "host" in config:
        return {**config, "host": HOST, "port": port,
                "connect_timeout": SILENT_TIMEOUT, "read_timeout": SILENT_TIMEOUT}
    for key, value in config.items():
        if isinstance(value, Mapping):
            nested = silent_config(value, port)
            if nested is not None:
                return {**config, key: nested}
    return None


def bounded(call: Callable[[], Any], on_timeout: Callable[[], None]) -> tuple[Any, bool]:
    """``call()``'s value and whether it finished within HANG_BOUND seconds. When it did
    not, ``on_timeout`` runs (closing the server ends the client's wait) and the call
    is given a few more seconds to return its observation."""
    outcome: list[Any] = []
    worker = threading.Thread(target=lambda: outcome.append(call()), daemon=True)
    worker.start()
    worker.join(HANG_BOUND)
    finished = not worker.is_alive()
    if not finished:
        on_timeout()
        worker.join(SILENT_TIMEOUT * 5)
    return (outcome[0] if outcome else None), finished
