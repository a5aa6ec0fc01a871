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

from .components import MODE_KEYS, ComponentSpec, find_component_specs

INPUT_PREFIX = "df_"  # osiris-pipeline's key of an upstream step's DataFrame: df_<step id>


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
    write_mode_keys: tuple[str, ...]  # the config keys a writer reads its mode from
    transformer_suffixes: tuple[str, ...]  # registry key type parts meaning "transformer"
    transformer_files: tuple[str, ...]  # file names *_<word>_driver.py meaning "transformer"
    compound_key_types: bool  # a key's type part may carry a prefix: "filesystem.csv_extractor"
    frames_by_step: bool  # inputs["df_<step id>"] per upstream step instead of inputs["df"]

    @property
    def logs_events(self) -> bool:
        """ctx.log_event exists: drivers report a failed step (and messages) through it."""
        return "log_event" in self.ctx_methods


FACTS = {
    Target.CONTRACT: TargetFacts(
        Target.CONTRACT, registers_at_import=True,
        ctx_methods=frozenset({"log_metric", "log_event"}), ctx_attributes=frozenset({"output_dir"}),
        write_modes=("append", "overwrite", "upsert"), write_mode_keys=("write_mode",),
        transformer_suffixes=("transformer", "processor"), transformer_files=("transformer",),
        compound_key_types=False, frames_by_step=False,
    ),
    Target.OSIRIS_PIPELINE: TargetFacts(
        Target.OSIRIS_PIPELINE, registers_at_import=False,
        ctx_methods=frozenset({"log_metric"}), ctx_attributes=frozenset({"output_dir"}),
        write_modes=("append", "replace", "upsert"), write_mode_keys=MODE_KEYS,
        transformer_suffixes=("transformer", "processor"),
        transformer_files=("transformer", "processor"), compound_key_types=True,
        frames_by_step=True,
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
    return f"{INPUT_PREFIX}{safe}"


@dataclass(frozen=True)
class Detection:
    target: Target
    reason: str  # one line for the output: why this target applies
    specs: tuple[ComponentSpec, ...] = ()  # the project's component specs, for osiris-pipeline


# A module-level registration, as the written contract makes it.
_IMPORT_TIME_REGISTRATION = re.compile(r"^DriverRegistry\.register\(", re.MULTILINE)


def detect_target(root: Path, configured: str | None = None) -> Detection:
    """The target of the project at ``root``: the configured one, else ``osiris-pipeline``
    when ``components/*/spec.yaml`` files carry ``x-runtime.driver``, else ``contract``.
    Specs whose drivers all register themselves at import (osiris-gen writes specs for
    contract drivers too) make a contract project. For osiris-pipeline the specs come
    along (read once, here)."""
    if configured:
        target = Target.parse(configured)
        specs = find_component_specs(root) if target is Target.OSIRIS_PIPELINE else []
        return Detection(target, "configured", tuple(specs))
    specs = find_component_specs(root)
    named = [spec for spec in specs if spec.driver]
    if named and all(_registers_at_import(spec) for spec in named):
        return Detection(Target.CONTRACT, f"detected: the drivers the component specs in "
                                          f"{named[0].path.parent.parent.name}/ name register "
                                          f"themselves at import")
    if named:
        return Detection(
            Target.OSIRIS_PIPELINE,
            f"detected: {len(named)} component spec(s) with x-runtime.driver in "
            f"{named[0].path.parent.parent.name}/",
            tuple(specs),
        )
    return Detection(Target.CONTRACT, "default")


def _registers_at_import(spec: ComponentSpec) -> bool:
    """The module a spec names registers its driver at import (read as text: no parse)."""
    project = spec.path.parent.parent.parent
    for file in spec.module_files(project) or ():
        try:
            return bool(_IMPORT_TIME_REGISTRATION.search(file.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    return False
