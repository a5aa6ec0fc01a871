"""osiris-gen (installed as ``osiris_driver_kit.generator``): renders drivers, tests and
specs from templates."""
