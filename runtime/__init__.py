"""The Osiris driver kit's runtime (installed as ``osiris_driver_kit.runtime``).

Contract-style drivers import ``osiris.core.driver.DriverRegistry`` exactly as the driver
contract writes it; where osiris-pipeline is not installed, the kit's entry points
provide that module (``osiris_fallback``), re-exporting this package's registry. The
runner, the run context and the pipeline model live in the sibling modules. Nothing here
is imported by ``osiris_driver_kit.linter``.
"""
