"""``${VAR}`` in connections, step config and check files, taken from the environment;
``${VAR:-default}`` gives the default when ``VAR`` is unset or empty, as the shell does.

The values substituted are remembered: a value that reached a connection through a
variable is a secret wherever it appears (``dsn: "host=db password=${PG_PASSWORD}"``
names no secret key, but its variable's value must never be written unmasked).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


@dataclass
class Expansion:
    value: Any
    used: dict[str, str] = field(default_factory=dict)  # variable -> value from the environment
    missing: list[str] = field(default_factory=list)  # unset variables, in order of use

    def missing_message(self, where: str) -> str:
        many = len(self.missing) > 1
        exports = " ".join(f"{name}=..." for name in self.missing)
        return (f"Environment variable{'s' if many else ''} {', '.join(self.missing)} "
                f"{'are' if many else 'is'} not set, but {where} needs "
                f"{'them' if many else 'it'}; export {exports} before running.")


def expand(value: Any, env: Mapping[str, str]) -> Expansion:
    """``value`` with every ``${VAR}`` in its strings replaced from ``env`` (a copy;
    dicts and lists at any depth). ``${VAR:-default}`` becomes ``default`` when ``VAR``
    is unset or empty (a default is no value from the environment: not in ``used``).
    Unset variables without a default stay as written and are listed."""
    expansion = Expansion(None)
    expansion.value = _expand(value, env, expansion)
    return expansion


def _expand(value: Any, env: Mapping[str, str], expansion: Expansion) -> Any:
    if isinstance(value, str):
        def replace(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if default is not None and not env.get(name):
                return default
            if name not in env:
                if name not in expansion.missing:
                    expansion.missing.append(name)
                return match.group(0)
            expansion.used[name] = env[name]
            return env[name]
        return _REFERENCE.sub(replace, value)
    if isinstance(value, Mapping):
        return {k: _expand(v, env, expansion) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, env, expansion) for v in value]
    return value


def references(value: Any) -> list[str]:
    """The variables ``value``'s strings name (dicts and lists at any depth), in order."""
    found: list[str] = []
    pending = [value]
    while pending:
        item = pending.pop(0)
        if isinstance(item, str):
            found += [m.group(1) for m in _REFERENCE.finditer(item) if m.group(1) not in found]
        elif isinstance(item, Mapping):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return found
