"""The Osiris core runtime (installed as ``osiris.core``).

Drivers import ``osiris.core.driver.DriverRegistry`` exactly as the driver
contract writes it; the runner, the run context and the pipeline model live in
the sibling modules. Nothing here is imported by ``osiris.lint``.
"""
