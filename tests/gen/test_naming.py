"""Names a user types: validated, aliases resolved, turned into the contract's names."""

import pytest
from osiris_driver_kit.contract.targets import Target
from osiris_driver_kit.generator.catalogue import canonical_name, known_backend
from osiris_driver_kit.generator.errors import UsageError
from osiris_driver_kit.generator.naming import DriverNames, check_category, check_name


@pytest.mark.parametrize("name", ["postgres", "my_api", "s3", "a" * 25])
def test_snake_case_identifiers_are_accepted(name):
    assert check_name(name) == name


@pytest.mark.parametrize("name, hint", [
    ("Postgres", "'postgres'"), ("my-api", "'my_api'"), ("2fast", None),
    ("class", None), ("a" * 26, None), ("", None),
])
def test_other_names_are_refused_with_a_hint(name, hint):
    with pytest.raises(UsageError) as raised:
        check_name(name)
    assert raised.value.exit_code == 2
    assert hint is None or hint in str(raised.value)


@pytest.mark.parametrize("alias, backend", [
    ("postgresql", "postgres"), ("supabase", "postgres"), ("mariadb", "mysql"),
    ("sqlite", "sqlite"), ("snowflake", "snowflake"),
])
def test_aliases_resolve_to_their_backend(alias, backend):
    assert canonical_name(alias) == backend


def test_an_unknown_category_lists_the_valid_ones():
    with pytest.raises(UsageError, match="extractor, writer, transformer"):
        check_category("loader")


def test_a_backend_is_complete_only_in_its_categories():
    assert known_backend("postgres", "writer") is not None
    assert known_backend("postgres", "transformer") is None
    assert known_backend("sql", "transformer") is not None


def test_the_contract_names_follow_from_family_and_category():
    names = DriverNames("my_api", "extractor")
    assert (names.key, names.module, names.class_name, names.test_module) == (
        "my_api.extractor", "my_api_extractor_driver", "MyApiExtractorDriver",
        "test_my_api_extractor_driver",
    )


def test_osiris_pipeline_calls_its_transformers_processors():
    names = DriverNames("duckdb", "transformer", Target.OSIRIS_PIPELINE)
    assert (names.key, names.module, names.class_name) == (
        "duckdb.processor", "duckdb_processor_driver", "DuckdbProcessorDriver")
    assert DriverNames("duckdb", "writer", Target.OSIRIS_PIPELINE).key == "duckdb.writer"
