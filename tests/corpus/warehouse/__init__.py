"""PostgreSQL drivers of the warehouse team.

The extractor and the writer are registered here, where the package imports
them, rather than at the bottom of their own modules.
"""

from osiris.core.driver import DriverRegistry

from .postgres_extractor_driver import PostgresExtractorDriver
from .postgres_writer_driver import PostgresWriterDriver

DriverRegistry.register("postgres.extractor", PostgresExtractorDriver())
DriverRegistry.register("postgres.writer", PostgresWriterDriver())
