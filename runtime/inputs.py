"""How a step's ``inputs`` are built from its upstream results, as the public
Osiris runner builds them, so drivers written for it run here unchanged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..contract.targets import Target, input_key


def build_inputs(needs: tuple[str, ...], results: Mapping[str, dict[str, Any]],
                 runtime: Target = Target.CONTRACT) -> dict | None:
    """``None`` for a step without upstreams (extractors); otherwise each upstream's
    result under its id, its DataFrame under ``df_<id>``, and, for contract drivers, the
    only DataFrame (when there is exactly one) under ``df`` as well: osiris-pipeline
    never passes ``df``."""
    if not needs:
        return None
    inputs: dict[str, Any] = {}
    frames = []
    for upstream in needs:
        result = results[upstream]
        inputs[upstream] = result
        if result.get("df") is not None:
            inputs[input_key(upstream)] = result["df"]
            frames.append(result["df"])
    if len(frames) == 1 and runtime is Target.CONTRACT:
        inputs["df"] = frames[0]
    return inputs
