"""How a step's ``inputs`` are built from its upstream results, as the public
Osiris runner builds them, so drivers written for it run here unchanged."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any


def input_key(step_id: str) -> str:
    """``df_<step_id>`` with every character outside ``[0-9A-Za-z_]`` as ``_``."""
    return "df_" + re.sub(r"[^0-9A-Za-z_]", "_", step_id)


def build_inputs(needs: tuple[str, ...], results: Mapping[str, dict[str, Any]]) -> dict | None:
    """``None`` for a step without upstreams (extractors); otherwise each upstream's
    result under its id, its DataFrame under ``df_<id>``, and the only DataFrame
    (when there is exactly one) under ``df`` as well."""
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
    if len(frames) == 1:
        inputs["df"] = frames[0]
    return inputs
