"""Secrets never reach disk or the terminal: keys that name a secret are masked,
and so is every occurrence of a secret value inside other strings."""

import pytest
from osiris_driver_kit.contract.secrets import is_secret_name
from osiris_driver_kit.runtime.masking import MASK, SecretMasker, secret_values


@pytest.mark.parametrize("key", ["password", "PASSWORD", "db_password", "passwd", "pwd",
                                 "client_secret", "token", "accessToken", "api_key", "apiKey",
                                 "private_key", "aws_access_key"])
def test_keys_that_name_a_secret(key):
    assert is_secret_name(key)


@pytest.mark.parametrize("key", ["host", "user", "port", "database", "schema", 3,
                                 "token_count", "password_file", "passenger"])
def test_ordinary_keys(key):
    assert not is_secret_name(key)


def test_secret_values_are_collected_at_any_depth():
    connection = {"host": "db", "password": "s3cret!", "ssl": {"private_key": "-----KEY"},
                  "headers": [{"api_key": "k-123"}], "token": ""}
    assert secret_values(connection) == {"s3cret!", "-----KEY", "k-123"}


def test_a_secret_inside_a_connection_url_is_masked_also_when_percent_encoded():
    masker = SecretMasker({"p@ss:w/rd"})
    assert masker.text("postgresql://app:p%40ss%3Aw%2Frd@db:5432/x") == f"postgresql://app:{MASK}@db:5432/x"
    assert masker.text("failed with password p@ss:w/rd") == f"failed with password {MASK}"


def test_an_unknown_password_in_a_url_is_still_masked():
    assert SecretMasker().text("mysql://root:hunter2@127.0.0.1/db") == f"mysql://root:{MASK}@127.0.0.1/db"


def test_a_secret_containing_another_is_masked_whole():
    masker = SecretMasker({"abc", "abcdef"})
    assert masker.text("x abcdef y") == f"x {MASK} y"


def test_values_are_masked_in_nested_structures_without_changing_the_original():
    record = {"error": "login as app/s3cret failed", "connection": {"password": "s3cret"},
              "rows": 3, "items": ["s3cret", 4]}
    masked = SecretMasker({"s3cret"}).value(record)
    assert masked == {"error": f"login as app/{MASK} failed", "connection": {"password": MASK},
                      "rows": 3, "items": [MASK, 4]}
    assert record["connection"]["password"] == "s3cret"


def test_add_returns_a_masker_that_knows_both_sets():
    masker = SecretMasker({"one|two"}).add({"th(ree"})
    assert masker.text("one|two th(ree") == f"{MASK} {MASK}"
