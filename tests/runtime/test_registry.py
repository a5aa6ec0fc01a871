"""The driver registry: the contract's import-time registration, factories,
clear errors, and isolation between tests."""

import pytest
from osiris.core.driver import DriverRegistry, Registry
from osiris_driver_kit.runtime.errors import DriverNotFoundError, RegistryError


class CsvWriterDriver:
    def run(self, step_id, config, inputs, ctx):
        return {}


class KeywordOnlyExtractorDriver:
    def run(self, *, step_id, config, inputs=None, ctx=None):
        return {"df": None}


def test_contract_form_registers_an_instance_into_the_process_wide_registry(osiris_registry):
    driver = CsvWriterDriver()
    DriverRegistry.register("csv.writer", driver)
    assert DriverRegistry.get("csv.writer") is driver
    assert DriverRegistry.list_drivers() == ["csv.writer"]


def test_a_zero_argument_factory_builds_a_driver_on_each_get(osiris_registry):
    DriverRegistry.register("mysql.extractor", KeywordOnlyExtractorDriver)
    first, second = DriverRegistry.get("mysql.extractor"), DriverRegistry.get("mysql.extractor")
    assert isinstance(first, KeywordOnlyExtractorDriver) and first is not second


def test_a_factory_that_returns_no_driver_fails_when_used(osiris_registry):
    DriverRegistry.register("broken.writer", lambda: "not a driver")
    with pytest.raises(RegistryError, match="returned str, which has no run"):
        DriverRegistry.get("broken.writer")


def test_registering_something_that_is_neither_driver_nor_factory_is_refused(osiris_registry):
    with pytest.raises(RegistryError, match="pass a driver instance"):
        DriverRegistry.register("csv.writer", 42)


@pytest.mark.parametrize("key", ["csv", "CSV.writer", "csv.writer.v2", "csv-x.writer", "", 7])
def test_malformed_keys_are_refused_with_the_expected_form(osiris_registry, key):
    with pytest.raises(RegistryError, match="'family.type' in lowercase"):
        DriverRegistry.register(key, CsvWriterDriver())


def test_another_driver_under_a_taken_key_is_an_error_naming_both(osiris_registry):
    DriverRegistry.register("csv.writer", CsvWriterDriver())
    with pytest.raises(RegistryError) as error:
        DriverRegistry.register("csv.writer", KeywordOnlyExtractorDriver())
    message = str(error.value)
    assert "test_registry.CsvWriterDriver" in message
    assert "test_registry.KeywordOnlyExtractorDriver" in message


def test_registering_the_same_driver_class_again_is_a_reimport_not_an_error(osiris_registry):
    DriverRegistry.register("csv.writer", CsvWriterDriver())
    newer = CsvWriterDriver()
    DriverRegistry.register("csv.writer", newer)
    assert DriverRegistry.get("csv.writer") is newer


def test_unknown_key_lists_registered_keys_and_the_closest_one(osiris_registry):
    DriverRegistry.register("csv.writer", CsvWriterDriver())
    DriverRegistry.register("mysql.extractor", KeywordOnlyExtractorDriver())
    with pytest.raises(DriverNotFoundError) as error:
        DriverRegistry.get("mysql.extracter")
    assert "Did you mean 'mysql.extractor'?" in str(error.value)
    assert "Registered: csv.writer, mysql.extractor." in str(error.value)


def test_unknown_key_in_an_empty_registry_says_how_to_load_drivers(osiris_registry):
    with pytest.raises(DriverNotFoundError, match="--drivers PATH"):
        DriverRegistry.get("csv.writer")


def test_isolated_registries_do_not_leak_into_each_other_or_the_process_registry():
    outer_before = DriverRegistry.list_drivers()
    with DriverRegistry.isolated() as first:
        DriverRegistry.register("csv.writer", CsvWriterDriver())
        with DriverRegistry.isolated() as second:
            assert DriverRegistry.list_drivers() == []
            DriverRegistry.register("csv.writer", KeywordOnlyExtractorDriver())
        assert isinstance(first.get("csv.writer"), CsvWriterDriver)
        assert isinstance(second.get("csv.writer"), KeywordOnlyExtractorDriver)
    assert DriverRegistry.list_drivers() == outer_before


def test_the_fixture_hands_out_the_active_registry(osiris_registry):
    assert isinstance(osiris_registry, Registry)
    DriverRegistry.register("csv.writer", CsvWriterDriver())
    assert "csv.writer" in osiris_registry
