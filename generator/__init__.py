"""osiris-gen (installed as ``osiris.gen``): renders drivers, tests and specs from templates."""
