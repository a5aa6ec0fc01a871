"""Reading the YAML files a user hands the runtime (pipelines, connections, scenarios),
safe against hostile ones.

Every failure is an :class:`InputFileError` that names the file, the place and the fix:
not UTF-8, invalid YAML, YAML aliases (``*name``: a one-kilobyte "billion laughs" file
expands to gigabytes in whatever walks it, and ``&c {self: *c}`` never ends), or nesting
deeper than ``MAX_DEPTH``. Nothing here recurses on the input's depth.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import OsirisError

MAX_DEPTH = 64  # far beyond any real pipeline; deep enough data is an attack or a mistake

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class InputFileError(OsirisError):
    """An input file cannot be read; the message says where and how to fix it."""


def load_yaml_file(path: Path, what: str) -> Any:
    """The data of ``path`` (``what`` names it in messages: "pipeline file", ...)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the {what} ({exc.strerror or exc}).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{path}: the {what} is not UTF-8 text (byte {exc.start + 1} is {raw[exc.start]:#04x}); "
            f"save it as UTF-8.") from None
    return load_yaml_text(text, path, what)


def load_yaml_text(text: str, path: Path, what: str) -> Any:
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        reason = exc.problem or exc.context or "invalid YAML"
        raise InputFileError(f"{where}: invalid YAML in the {what} ({reason}); fix the syntax "
                             f"there.") from None
    except yaml.YAMLError as exc:
        raise InputFileError(f"{path}: invalid YAML in the {what} ({exc}).") from None
    except RecursionError:
        raise _too_deep(path, what) from None
    _check_shape(data, path, what)
    return data


def _check_shape(data: Any, path: Path, what: str) -> None:
    """Refuse shared or self-containing collections (what aliases make) and deep nesting,
    walking with an explicit stack."""
    seen: set[int] = set()
    pending = [(data, 1)]
    while pending:
        item, depth = pending.pop()
        if not isinstance(item, (dict, list)):
            continue
        if depth > MAX_DEPTH:
            raise _too_deep(path, what)
        if id(item) in seen:
            raise InputFileError(
                f"{path}: the {what} uses a YAML alias (*name); aliases are not allowed here, "
                f"write the value out in full.")
        seen.add(id(item))
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children)


def _too_deep(path: Path, what: str) -> InputFileError:
    return InputFileError(f"{path}: the {what} is nested more than {MAX_DEPTH} levels deep; "
                          f"flatten it.")
