"""Drivers written in the style of the public Osiris project: keyword-only
``run``, metrics guarded by ``if ctx and hasattr(ctx, "log_metric")``, errors
logged and raised without a ``step_failed`` event, registration in the package."""

from osiris.core.driver import DriverRegistry

from .duckdb_processor_driver import DuckDBProcessorDriver
from .filesystem_csv_extractor_driver import FilesystemCsvExtractorDriver
from .filesystem_csv_writer_driver import FilesystemCsvWriterDriver

DriverRegistry.register("filesystem.csv_extractor", FilesystemCsvExtractorDriver())
DriverRegistry.register("filesystem.csv_writer", FilesystemCsvWriterDriver())
DriverRegistry.register("duckdb.processor", DuckDBProcessorDriver())
