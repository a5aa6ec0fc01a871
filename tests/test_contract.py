"""The contract's facts live once, in contract/: the rule catalogue (shared/contract-
rules.md) says the same codes, names and categories as contract/rules.py, and osiris-lint,
osiris-run check, the runtime and the generated drivers take them from there."""

import re
from pathlib import Path

import pytest
from osiris_driver_kit.contract import rules as contract_rules
from osiris_driver_kit.contract.rules import BY_CODE, CATEGORIES, RULES
from osiris_driver_kit.contract.secrets import is_secret_name
from osiris_driver_kit.linter.rules import rule_classes
from osiris_driver_kit.runtime.check.registrations import DUPLICATE, REGISTRATION_FORM, UNREGISTERED
from osiris_driver_kit.runtime.check.rules import RULES as CHECK_RULES
from osiris_driver_kit.runtime.masking import SecretMasker

# The catalogue is reference data beside the repository (shared/), never copied in.
CATALOGUE = next((path for path in (
    Path(__file__).resolve().parents[2] / "shared" / "contract-rules.md",
    Path("/work/shared/contract-rules.md"),
) if path.exists()), None)
APPLIES_TO = {"all": set(CATEGORIES), "extractors": {"extractor"}, "writers": {"writer"},
              "transformers": {"transformer"}}


def catalogue_rows() -> dict[str, tuple[str, set[str], bool]]:
    """code -> (name, categories, needs a known category), from the catalogue's tables."""
    rows = {}
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.split("|")[1:4]]
        if len(cells) == 3 and re.fullmatch(r"OSD\d{3}", cells[0]):
            scope = cells[2].replace(", whole module", "")
            known = scope.endswith("with a known category")
            words = re.split(r",\s*", scope.removesuffix(" with a known category"))
            rows[cells[0]] = (cells[1], set().union(*(APPLIES_TO[w] for w in words)), known)
    return rows


@pytest.mark.skipif(CATALOGUE is None, reason="shared/contract-rules.md is not beside the repo")
def test_the_contract_module_says_what_the_catalogue_says():
    assert {r.code: (r.name, set(r.categories), r.needs_category) for r in RULES} == \
        catalogue_rows()


def test_every_contract_rule_has_a_linter_rule_with_its_identity():
    linted = {cls.code: cls for cls in rule_classes()}
    for rule in RULES:
        cls = linted[rule.code]
        assert cls.name == rule.name
        assert {c for c in cls.applies_to if c} == set(rule.categories)
        # A rule of every driver judges a class whose category is unknown too.
        assert (None in cls.applies_to) == (
            set(rule.categories) == set(CATEGORIES) and not rule.needs_category)


def test_the_checks_rules_are_the_contracts():
    for rule in (*CHECK_RULES, UNREGISTERED, REGISTRATION_FORM, DUPLICATE):
        identity = BY_CODE[rule.code]
        assert (rule.name, rule.categories) == (identity.name, identity.categories)


def test_every_requirement_is_one_line():
    assert all(rule.requirement and "\n" not in rule.requirement for rule in RULES)
    assert len(BY_CODE) == len(RULES)


@pytest.mark.parametrize("name, secret", [
    ("password", True), ("db_pass", True), ("apiKey", True), ("client_secret", True),
    ("Authorization", True), ("aws_credentials", True),
    ("token_count", False), ("password_file", False), ("passenger", False), ("host", False),
])
def test_one_reading_of_secret_names_for_the_runtime_and_the_linter(name, secret):
    from osiris_driver_kit.linter.rules import osd030_secret_exposure

    assert is_secret_name(name) is secret
    assert osd030_secret_exposure.is_secret_name is is_secret_name
    masked = SecretMasker().value({name: "value-1234"})[name]
    assert (masked == "***") is secret


def test_the_contract_imports_nothing_of_the_kit():
    for path in Path(contract_rules.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^from \.\.|^import osiris_driver_kit", text, re.M), path
