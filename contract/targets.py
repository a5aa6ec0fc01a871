"""The two targets a driver project is written for, and how a project says which.

``contract`` is the written driver contract (registration at import, ``ctx.log_event``,
``inputs["df"]``). ``osiris-pipeline`` is the real runtime of keboola/osiris: drivers are
registered by component specs (``x-runtime.driver``) as factories, its ``ctx`` has no
``log_event``, inputs arrive as ``inputs["df_<step id>"]`` and ``run`` is called by
keyword. The linter, the generator and the runtime take the same switch.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from pathlib import Path

from .components import find_component_specs


class Target(str, enum.Enum):
    CONTRACT = "contract"
    OSIRIS_PIPELINE = "osiris-pipeline"

    @classmethod
    def parse(cls, value: str) -> Target:
        """The target named ``value``; ValueError naming the valid ones otherwise."""
        try:
            return cls(value)
        except ValueError:
            valid = ", ".join(repr(t.value) for t in cls)
            raise ValueError(f"unknown target {value!r}: use one of {valid}") from None


@dataclass(frozen=True)
class TargetFacts:
    """What a runtime offers a driver and expects of it."""

    target: Target
    registers_at_import: bool  # DriverRegistry.register("k", X()) in the module
    ctx_methods: frozenset[str]  # what ctx offers besides attributes
    ctx_attributes: frozenset[str]
    write_modes: tuple[str, ...]
    transformer_suffixes: tuple[str, ...]  # registry key type parts meaning "transformer"


FACTS = {
    Target.CONTRACT: TargetFacts(
        Target.CONTRACT, registers_at_import=True,
        ctx_methods=frozenset({"log_metric", "log_event"}), ctx_attributes=frozenset({"output_dir"}),
        write_modes=("append", "overwrite", "upsert"),
        transformer_suffixes=("transformer", "processor"),
    ),
    Target.OSIRIS_PIPELINE: TargetFacts(
        Target.OSIRIS_PIPELINE, registers_at_import=False,
        ctx_methods=frozenset({"log_metric"}), ctx_attributes=frozenset({"output_dir"}),
        write_modes=("append", "replace", "upsert"),
        transformer_suffixes=("transformer", "processor"),
    ),
}

_UNSAFE = re.compile(r"[^0-9a-zA-Z_]")


def input_key(step_id: str) -> str:
    """The key osiris-pipeline's runner gives an upstream step's DataFrame: ``df_`` and the
    step id with every character outside ``[0-9a-zA-Z_]`` replaced by ``_`` (and ``_``
    before a leading digit), as its ``step_naming.sanitize_step_id`` does."""
    safe = _UNSAFE.sub("_", step_id)
    if safe[:1].isdigit():
        safe = "_" + safe
    return f"df_{safe}"


@dataclass(frozen=True)
class Detection:
    target: Target
    reason: str  # one line for the output: why this target applies


def detect_target(root: Path, configured: str | None = None) -> Detection:
    """The target of the project at ``root``: the configured one, else ``osiris-pipeline``
    when ``components/*/spec.yaml`` files carry ``x-runtime.driver``, else ``contract``."""
    if configured:
        return Detection(Target.parse(configured), "configured")
    specs = [spec for spec in find_component_specs(root) if spec.driver]
    if specs:
        return Detection(
            Target.OSIRIS_PIPELINE,
            f"detected: {len(specs)} component spec(s) with x-runtime.driver under "
            f"{specs[0].path.parent.parent}",
        )
    return Detection(Target.CONTRACT, "default")
