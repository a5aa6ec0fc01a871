"""The check's output formats: ``full`` for people, ``json`` for tools, ``junit``
for CI test reports. Each renders a ``CheckReport`` to text."""

from __future__ import annotations

from collections.abc import Callable

from ..model import CheckReport
from . import full_format, json_format, junit_format

RENDERERS: dict[str, Callable[[CheckReport], str]] = {
    "full": full_format.render, "json": json_format.render, "junit": junit_format.render}
