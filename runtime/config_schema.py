"""A step's config checked against the ``configSchema`` of its driver's component spec,
before anything runs: a bad ``write_mode`` or a missing ``primary_key`` is reported with
the pipeline's other problems, not after the extract step already ran.

What is checked is the config the driver receives (``${VAR}`` substituted), with the
runtime's two connection keys set apart: ``connection`` (the reference the runtime
consumes) and ``resolved_connection`` (what it puts in its place) are never unknown keys,
whatever ``additionalProperties`` says. The connection's settings stand in for the keys the
schema declares and the step leaves out, so a required ``host`` that the connection gives is
present; their values belong to the connections file and are not judged by the schema.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..contract.components import ComponentSpec
from ..contract.secrets import is_secret_name
from .pipeline import did_you_mean

RUNTIME_KEYS = ("connection", "resolved_connection")
MAX_SHOWN = 60  # characters of a bad value quoted in a message


class ConfigSchemas:
    """The validators of the specs a pipeline uses, each built once however many steps use it."""

    def __init__(self) -> None:
        self._validators: dict[Path, Any] = {}

    def problems(self, spec: ComponentSpec, config: Mapping[str, Any],
                 reference: str | None) -> list[str]:
        """What is wrong with ``config`` (as planned; ``reference`` is the step's
        ``connection``), one message per problem, each naming the key and what is allowed."""
        schema = spec.config_schema
        if schema is None:
            return []
        validator = self._validator(spec)
        if isinstance(validator, str):
            return [validator]
        instance, from_connection = _instance(schema, config, reference)
        errors = [e for e in validator.iter_errors(instance)
                  if not (e.absolute_path and e.absolute_path[0] in from_connection)]
        where = f" (component spec {spec.path})"
        return [_describe(e, schema) + where + "." for e in sorted(errors, key=_order)]

    def _validator(self, spec: ComponentSpec) -> Any:
        """The spec's validator, or why its configSchema is no JSON Schema."""
        key = spec.path
        if key not in self._validators:
            from jsonschema.exceptions import SchemaError  # only pipelines with specs pay for it
            from jsonschema.validators import Draft202012Validator, validator_for

            schema = spec.config_schema
            cls = validator_for(schema, default=Draft202012Validator)
            try:
                cls.check_schema(schema)
                self._validators[key] = cls(schema)
            except SchemaError as exc:
                self._validators[key] = (f"the configSchema of {spec.path} is not a valid JSON "
                                         f"Schema ({exc.message}); fix the spec")
        return self._validators[key]


def _instance(schema: Mapping[str, Any], config: Mapping[str, Any],
              reference: str | None) -> tuple[dict[str, Any], set[str]]:
    """The config as the schema sees it, and the keys only the connection gave."""
    declared = schema.get("properties")
    declared = declared if isinstance(declared, Mapping) else {}
    own = {k: v for k, v in config.items() if k not in RUNTIME_KEYS or k in declared}
    if reference is not None and "connection" in declared:
        own["connection"] = reference
    connection = config.get("resolved_connection")
    given = {k: v for k, v in connection.items() if k in declared and k not in own} \
        if isinstance(connection, Mapping) else {}
    return {**given, **own}, set(given)


def _describe(error: Any, schema: Mapping[str, Any]) -> str:
    path = list(error.absolute_path)
    key = f"config key {_dotted(path)!r}" if path else "config"
    secret = any(is_secret_name(part) for part in path)
    kind, allowed = error.validator, error.validator_value
    if kind == "required":
        missing = [k for k in allowed if isinstance(error.instance, Mapping) and k not in error.instance]
        return f"{key} lacks {_names(missing)}, which the spec requires{_condition(error, schema)}"
    if kind == "additionalProperties" and isinstance(error.instance, Mapping):
        declared = [str(k) for k in error.schema.get("properties", {})]
        unknown = [k for k in error.instance if _is_unknown(k, error.schema)]
        hint = did_you_mean(unknown[0], declared) if len(unknown) == 1 else ""
        return (f"{key} has unknown key{'s' if len(unknown) > 1 else ''} {_names(unknown)}{hint}; "
                f"allowed: {', '.join(declared) or 'none'}")
    if kind in ("enum", "const"):
        values = allowed if kind == "enum" else [allowed]
        shown = "not an allowed value" if secret else _shown(error.instance)
        return f"{key} is {shown}; allowed values: {', '.join(map(repr, values))}"
    if kind == "type":
        wanted = " or ".join(allowed) if isinstance(allowed, list) else allowed
        return f"{key} must be of type {wanted}, not {_json_type(error.instance)}"
    if secret:
        return f"{key} breaks the spec's {kind!r} rule"
    return f"{key}: {error.message}"


def _condition(error: Any, schema: Mapping[str, Any]) -> str:
    """When the rule comes from an ``if``/``then``, the settings that trigger it, e.g.
    " when write_mode is 'upsert'"."""
    path = list(error.absolute_schema_path)
    if "then" not in path:
        return ""
    rule: Any = schema
    for part in path[:len(path) - 1 - path[::-1].index("then")]:
        rule = rule[part]
    settings = rule.get("if", {}).get("properties", {}) if isinstance(rule.get("if"), Mapping) else {}
    terms = [f"{name} is {option['const']!r}" if "const" in option
             else f"{name} is one of {', '.join(map(repr, option['enum']))}"
             for name, option in settings.items()
             if isinstance(option, Mapping) and ("const" in option or isinstance(option.get("enum"), list))]
    return f" when {' and '.join(terms)}" if terms else " in this case (its if/then rule)"


def _is_unknown(key: str, schema: Mapping[str, Any]) -> bool:
    if key in schema.get("properties", {}):
        return False
    return not any(re.search(pattern, key) for pattern in schema.get("patternProperties", {}))


def _dotted(path: list[Any]) -> str:
    """``options.sep`` or ``primary_key[0]``: where in the config the problem is."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)[1:]


def _names(keys: list[Any]) -> str:
    return ", ".join(repr(k) for k in keys)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 3] + "..."


def _json_type(value: Any) -> str:
    """The JSON name of a YAML value's type, as the schema names types."""
    for python, name in ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"),
                         (list, "array"), (Mapping, "object")):
        if isinstance(value, python):
            return name
    return "null" if value is None else type(value).__name__


def _order(error: Any) -> tuple[str, str]:
    return ".".join(map(str, error.absolute_path)), error.message
