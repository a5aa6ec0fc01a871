"""How the check runs one driver: a config and, for writers and transformers, an
input table. Scenarios come from the default fixtures or from a ``check.yaml``::

    sqlite.extractor:
      config: {query: SELECT * FROM orders, resolved_connection: {path: shop.db, password: pw}}
      other_config: {query: SELECT * FROM orders WHERE id > 1}  # a run returning other rows
      empty_config: {query: SELECT * FROM orders WHERE 0}       # a run returning no rows
      failing: {query: SELECT * FROM no_such_table}              # must make run fail
      secrets: [another-secret]
    csv.writer:
      config: {path: "{tmp}/orders.csv"}
      input: data/orders.csv        # or a list of rows: [{id: 1, amount: 9.5}, ...]
    postgres.writer:
      scratch: true                 # the check's own schema on this server (below)
      config:
        table: orders
        resolved_connection:
          host: ${OSIRIS_CHECK_POSTGRES_HOST:-127.0.0.1}
          user: ${OSIRIS_CHECK_POSTGRES_USER:-postgres}
          database: ${OSIRIS_CHECK_POSTGRES_DATABASE:-postgres}
      failing: {resolved_connection: {port: 1}}

``other_config``, ``empty_config`` and ``failing`` are merged over ``config``.
``{tmp}`` in any string becomes a fresh folder for the driver; an input CSV path
is relative to the check file. ``${VAR}`` and ``${VAR:-default}`` are taken from
the environment as in pipelines and connections (``runtime/variables.py``); an unset
variable without a default is an error.

``scratch`` (PostgreSQL and MySQL/MariaDB drivers, told by the client their module
imports or by their key or class name) makes the check create its own storage on the
scenario's server and drop it afterwards, whatever happens: a schema
``osiris_check_<random>`` (PostgreSQL) or a database of that name (MySQL/MariaDB;
tables prefixed ``osiris_check_<random>_`` in the connection's database where the user
may not create databases). Extractors then read its tables (``query``, and
``other_config``/``empty_config``'s, are set to them); a writer's ``table`` becomes a
table of that name there (an empty copy of the real table's structure when the real one
exists), so user tables are never written. It is on by default for writers of these
servers; ``scratch: false`` writes where the scenario says.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import OsirisError
from ..masking import secret_values
from ..variables import expand, references
from ..yamlfile import InputFileError, load_yaml_file

TMP = "{tmp}"
_MAPPINGS = ("config", "other_config", "empty_config", "failing")
_FIELDS = (*_MAPPINGS, "input", "secrets", "scratch")


class ScenarioError(OsirisError):
    """The check file is malformed; the message lists every problem."""


@dataclass(frozen=True)
class Scenario:
    config: dict[str, Any]
    origin: str  # for messages: "check.yaml: csv.writer" or "the default csv writer fixture"
    input: pd.DataFrame | None = None  # writers and transformers
    other_config: dict[str, Any] | None = None  # extractors: overrides for other rows
    empty_config: dict[str, Any] | None = None  # extractors: overrides for no rows
    failing: dict[str, Any] | None = None  # overrides that must make run fail
    extra_secrets: frozenset[str] = field(default_factory=frozenset)
    scratch: bool | None = None  # None: the default (writers of a known server)
    variables: tuple[str, ...] = ()  # the environment variables the entry names

    def merged(self, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
        """A fresh deep copy of the config with ``overrides`` merged over it."""
        return _merge(copy.deepcopy(self.config), copy.deepcopy(dict(overrides or {})))

    @property
    def secrets(self) -> frozenset[str]:
        connections = [self.config, self.failing or {}]
        found = set().union(*(secret_values(c.get("resolved_connection", {})) for c in connections))
        return frozenset(found) | self.extra_secrets

    def other_input(self) -> pd.DataFrame | None:
        """The input without its first row: other data for the second run."""
        if self.input is None or len(self.input) < 2:
            return self.input
        return self.input.iloc[1:].reset_index(drop=True)

    def empty_input(self) -> pd.DataFrame | None:
        return None if self.input is None else self.input.iloc[0:0]

    def bound_to(self, folder: Path) -> Scenario:
        """The scenario with ``{tmp}`` replaced by ``folder``."""
        fields = {name: _substitute(getattr(self, name), str(folder)) for name in _MAPPINGS}
        return replace(self, **fields)


def load_scenarios(path: Path) -> dict[str, Scenario]:
    """The scenarios of a check file, by driver key; every problem is reported at once."""
    if not path.is_file():
        raise ScenarioError(f"Cannot read check file {path}: no such file; pass an existing "
                            f"file with --scenarios.")
    try:
        data = load_yaml_file(path, "check file")
    except InputFileError as error:
        raise ScenarioError(str(error)) from None
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{path}: expected a mapping of driver keys to scenarios, e.g. "
                            f"'csv.writer: {{config: {{path: out.csv}}}}'.")
    problems: list[str] = []
    scenarios = {}
    for key, entry in data.items():
        where = f"{path}: {key}"
        expansion = expand(entry, os.environ)
        if expansion.missing:
            problems.append(f"{where}: {expansion.missing_message('its scenario')} (or give a "
                            f"default: ${{{expansion.missing[0]}:-value}})")
            continue
        scenario = _scenario(where, expansion.value, path.parent, problems)
        if scenario is not None:
            scenarios[str(key)] = replace(scenario, variables=tuple(references(entry)))
    if problems:
        raise ScenarioError("\n".join(problems))
    return scenarios


def _scenario(where: str, entry: Any, folder: Path, problems: list[str]) -> Scenario | None:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("config"), Mapping):
        problems.append(f"{where}: needs 'config:' with the driver's config mapping.")
        return None
    unknown = sorted(set(entry) - set(_FIELDS))
    if unknown:
        problems.append(f"{where}: unknown field(s) {unknown}; the fields are {list(_FIELDS)}.")
    for name in _MAPPINGS[1:]:
        if entry.get(name) is not None and not isinstance(entry[name], Mapping):
            problems.append(f"{where}: '{name}' must be a mapping merged over 'config'.")
    secrets = entry.get("secrets", [])
    if not isinstance(secrets, list) or not all(isinstance(s, str) for s in secrets):
        problems.append(f"{where}: 'secrets' must be a list of strings.")
        secrets = []
    scratch = entry.get("scratch")
    if scratch is not None and not isinstance(scratch, bool):
        problems.append(f"{where}: 'scratch' must be true or false.")
        scratch = None
    frame = _input(where, entry.get("input"), folder, problems)
    return Scenario(dict(entry["config"]), where, frame,
                    *(_mapping_or_none(entry.get(name)) for name in _MAPPINGS[1:]),
                    extra_secrets=frozenset(secrets), scratch=scratch)


def _input(where: str, value: Any, folder: Path, problems: list[str]) -> pd.DataFrame | None:
    if value is None:
        return None
    if isinstance(value, str):
        csv = folder / value
        if not csv.is_file():
            problems.append(f"{where}: input CSV {csv} does not exist (a path is relative to "
                            f"the check file).")
            return None
        return pd.read_csv(csv)
    if isinstance(value, list) and all(isinstance(row, Mapping) for row in value):
        return pd.DataFrame(value)
    problems.append(f"{where}: 'input' must be a CSV path or a list of rows (mappings).")
    return None


def _mapping_or_none(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, Mapping) else None


def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            base[key] = _merge(dict(base[key]), dict(value))
        else:
            base[key] = value
    return base


def _substitute(value: Any, folder: str) -> Any:
    if isinstance(value, str):
        return value.replace(TMP, folder)
    if isinstance(value, Mapping):
        return {k: _substitute(v, folder) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, folder) for v in value]
    return value
