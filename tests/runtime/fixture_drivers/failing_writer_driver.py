"""Writer that fails with an error message quoting its connection's password."""

from osiris.core.driver import DriverRegistry


class FailingWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        password = config["resolved_connection"]["password"]
        raise ConnectionError(f"cannot log in to postgresql://app:{password}@db/x")


class ListReturningWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        return []


DriverRegistry.register("failing.writer", FailingWriterDriver())
DriverRegistry.register("listing.writer", ListReturningWriterDriver())
