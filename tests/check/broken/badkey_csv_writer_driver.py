"""OSD004: a key that is not lowercase family.type (the real registry refuses it)."""

from osiris.core.driver import DriverRegistry


class BadkeyCsvWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        raise NotImplementedError("never reached: the registration is refused")


DriverRegistry.register("CSV-Writer", BadkeyCsvWriterDriver())
