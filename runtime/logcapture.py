"""Python ``logging`` output of a run goes to ``run.log`` in the run folder, masked."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .masking import SecretMasker


class MaskingFormatter(logging.Formatter):
    def __init__(self, masker: SecretMasker) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.masker = masker

    def format(self, record: logging.LogRecord) -> str:
        return self.masker.text(super().format(record))


@contextmanager
def logs_to_file(path: Path, masker: SecretMasker, level: int = logging.INFO) -> Iterator[None]:
    """Send records of ``level`` and above from every logger to ``path`` for the block."""
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.setLevel(level)
    handler.setFormatter(MaskingFormatter(masker))
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(min(previous_level, level))
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
        handler.close()
