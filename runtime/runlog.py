"""A run's record of metrics and events: kept in memory for the runner and the
tests, and appended as JSON lines to ``metrics.jsonl`` / ``events.jsonl`` when
the run has a folder. Every record is masked before it is kept or written."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .masking import SecretMasker


class RunLog:
    def __init__(self, folder: Path | None = None, masker: SecretMasker | None = None) -> None:
        self.folder = folder
        self.masker = masker or SecretMasker()
        self.metrics: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def metric(self, step_id: str | None, name: str, value: Any, unit: str | None = None,
               tags: dict[str, Any] | None = None) -> None:
        record: dict[str, Any] = {"ts": _now(), "step_id": step_id, "metric": name, "value": value}
        if unit is not None:
            record["unit"] = unit
        if tags:
            record["tags"] = tags
        self._keep(self.metrics, "metrics.jsonl", record)

    def event(self, step_id: str | None, name: str, payload: dict[str, Any]) -> None:
        record = {"ts": _now(), "step_id": step_id, "event": name, "data": payload}
        self._keep(self.events, "events.jsonl", record)

    def events_named(self, name: str, step_id: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event"] == name and step_id in (None, e["step_id"])]

    def metrics_named(self, name: str, step_id: str | None = None) -> list[dict[str, Any]]:
        return [m for m in self.metrics if m["metric"] == name and step_id in (None, m["step_id"])]

    def _keep(self, records: list[dict[str, Any]], filename: str, record: dict[str, Any]) -> None:
        masked = self.masker.value(record)
        records.append(masked)
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(self.folder / filename, "a", encoding="utf-8") as stream:
                stream.write(to_json(masked) + "\n")


def to_json(record: Any, **options: Any) -> str:
    return json.dumps(record, default=_jsonable, ensure_ascii=False, **options)


def _jsonable(value: Any) -> Any:
    """numpy/pandas scalars, timestamps and paths as plain JSON values."""
    if hasattr(value, "item") and callable(value.item):
        try:
            return value.item()
        except (TypeError, ValueError):
            pass
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
