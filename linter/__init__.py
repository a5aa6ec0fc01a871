"""osiris-lint (installed as ``osiris_driver_kit.linter``): the LibCST linter for the Osiris
driver contract. It imports neither pandas nor the runtime, so that a pre-commit
run on one file starts fast."""

__version__ = "0.1.0"
