"""osiris-lint (installed as ``osiris.lint``): the LibCST linter for the driver contract."""
