"""What the linter reports: a finding, and the fix that may come with it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    path: str
    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    end_column: int
    message: str
    fixable: bool = False
    fix_title: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (self.path, self.line, self.column, self.code)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(**data)


@dataclass
class Fix:
    """A fix as CST edits: each node of the file's tree replaced by another node,
    by a ``libcst.FlattenSentinel`` (insertion) or ``libcst.RemoveFromParent()``."""

    title: str
    replacements: dict[Any, Any] = field(default_factory=dict)
