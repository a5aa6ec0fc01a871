"""Named connections, in the public Osiris file format::

    # osiris_connections.yaml
    connections:
      postgres:
        main:
          host: db.internal
          password: ${PG_PASSWORD}
          default: true

A step refers to one with ``config: {connection: "@postgres.main"}`` (or
``"@postgres"`` for the family's default) and receives it, with ``${VAR}``
substituted from the environment, as ``config["resolved_connection"]``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConnectionsError
from .variables import expand
from .yamlfile import InputFileError, load_yaml_file

DEFAULT_FILE = "osiris_connections.yaml"


@dataclass(frozen=True)
class ResolvedConnection:
    settings: dict[str, Any]
    substituted: frozenset[str] = field(default_factory=frozenset)  # values from ${VAR}s


@dataclass(frozen=True)
class Connections:
    source: Path
    families: dict[str, dict[str, dict[str, Any]]]

    @classmethod
    def load(cls, path: Path) -> Connections:
        if not path.is_file():
            raise ConnectionsError(
                f"Connections file {path} does not exist; create it (connections: "
                f"{{family: {{alias: {{...}}}}}}) or pass another with --connections FILE."
            )
        try:
            data = load_yaml_file(path, "connections file")
        except InputFileError as exc:
            raise ConnectionsError(str(exc)) from None
        families = data.get("connections") if isinstance(data, Mapping) else None
        if not isinstance(families, Mapping) or not all(
            isinstance(aliases, Mapping) and all(isinstance(c, Mapping) for c in aliases.values())
            for aliases in families.values()
        ):
            raise ConnectionsError(
                f"{path}: expected 'connections:' mapping each family to aliases, each alias "
                f"to its settings, e.g. connections: {{postgres: {{main: {{host: localhost}}}}}}."
            )
        return cls(path, {f: {a: dict(c) for a, c in al.items()} for f, al in families.items()})

    def resolve(self, reference: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The settings behind ``@family.alias`` with ``${VAR}`` taken from ``env``."""
        return self.resolve_connection(reference, env).settings

    def resolve_connection(self, reference: str,
                           env: Mapping[str, str] | None = None) -> ResolvedConnection:
        """The settings behind ``@family.alias``, and the values its ``${VAR}``s gave."""
        family, alias = parse_reference(reference)
        aliases = self.families.get(family)
        if aliases is None:
            known = ", ".join(sorted(self.families)) or "none"
            raise ConnectionsError(
                f"Connection {reference!r}: {self.source} has no family {family!r} "
                f"(families: {known}); add it under 'connections:' or fix the reference."
            )
        alias = alias or self._default_alias(family, aliases, reference)
        if alias not in aliases:
            raise ConnectionsError(
                f"Connection {reference!r}: family {family!r} in {self.source} has no alias "
                f"{alias!r} (aliases: {', '.join(sorted(aliases))})."
            )
        settings = {k: v for k, v in aliases[alias].items() if k != "default"}
        expansion = expand(settings, os.environ if env is None else env)
        if expansion.missing:
            raise ConnectionsError(expansion.missing_message(
                f"connection @{family}.{alias} in {self.source}"))
        return ResolvedConnection(expansion.value, frozenset(expansion.used.values()))

    def _default_alias(self, family: str, aliases: Mapping[str, Any], reference: str) -> str:
        marked = [a for a, c in aliases.items() if c.get("default") is True]
        if len(marked) == 1:
            return marked[0]
        if len(aliases) == 1:
            return next(iter(aliases))
        if "default" in aliases:
            return "default"
        raise ConnectionsError(
            f"Connection {reference!r} names no alias and family {family!r} in {self.source} "
            f"has several ({', '.join(sorted(aliases))}) with no 'default: true'; "
            f"write '@{family}.<alias>'."
        )


def parse_reference(reference: object) -> tuple[str, str | None]:
    if not isinstance(reference, str) or not re.fullmatch(r"@[\w-]+(\.[\w-]+)?", reference):
        raise ConnectionsError(
            f"Connection reference {reference!r} is not of the form '@family.alias' "
            f"(or '@family' for the family's default)."
        )
    family, _, alias = reference[1:].partition(".")
    return family, alias or None


def find_connections(explicit: Path | None, cwd: Path) -> Connections | None:
    """The file given with --connections, else ./osiris_connections.yaml if it exists."""
    if explicit is not None:
        return Connections.load(explicit)
    candidate = cwd / DEFAULT_FILE
    return Connections.load(candidate) if candidate.is_file() else None
