"""Per-file results kept between runs in ``.osiris_lint_cache/``, keyed by the
file's content, its path (file names decide driver categories), what other files
told the project pass about it, the settings and the linter's code (its version and
a fingerprint of its source files, so that an edited rule in an editable install
never serves old findings). Findings
are cached too, not only clean files: a warm run over a repository with
findings is as cheap as one without. A corrupt entry is a miss, never an error."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from .facts import FileResult

CACHE_DIR = ".osiris_lint_cache"


def code_fingerprint() -> str:
    """Changes whenever a source file of the linter or of the contract facts it uses is
    added, removed or edited (names, sizes and modification times: ~100 stat calls)."""
    linter = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for package in (linter, linter.parent / "contract"):
        for path in sorted(package.rglob("*.py")):
            status = path.stat()
            digest.update(f"{path.relative_to(linter.parent)}:{status.st_size}:"
                          f"{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


class Cache:
    def __init__(self, root: Path, version: str, settings_fingerprint: str) -> None:
        self.folder = root / CACHE_DIR / f"{version}-{code_fingerprint()}-{settings_fingerprint}"
        self._base = root / CACHE_DIR

    @staticmethod
    def key(relative_path: str, data: bytes, external_keys: dict | None) -> str:
        digest = hashlib.sha256(data)
        digest.update(b"\0" + relative_path.encode("utf-8", "surrogateescape"))  # undecodable names
        if external_keys:
            digest.update(b"\0" + json.dumps(external_keys, sort_keys=True).encode())
        return digest.hexdigest()

    def get(self, key: str) -> FileResult | None:
        try:
            with open(self._entry(key), encoding="utf-8") as stream:
                return FileResult.from_dict(json.load(stream))
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None

    def put(self, key: str, result: FileResult) -> None:
        entry = self._entry(key)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            self._mark_base()
            fd, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                json.dump(result.to_dict(), stream)
            os.replace(temporary, entry)
        except OSError:
            pass  # a read-only checkout lints fine, just without a cache

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def _mark_base(self) -> None:
        """Like ruff's cache: ignored by git and by backup tools."""
        ignore = self._base / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Automatically created by osiris-lint.\n*\n")
            (self._base / "CACHEDIR.TAG").write_text(
                "Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This file is a cache directory tag created by osiris-lint.\n")
