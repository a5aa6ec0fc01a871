"""Drivers for SaaS HTTP APIs (requests)."""

from osiris.core.driver import DriverRegistry

from .rest_extractor_driver import RestExtractorDriver

DriverRegistry.register("rest.extractor", RestExtractorDriver())
