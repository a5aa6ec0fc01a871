"""Which files have changes git does not hold yet: an update merges into the files it
touches, and a user who has not committed them could not get their version back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def uncommitted(paths: list[Path], root: Path) -> list[str]:
    """``git status --porcelain`` lines of ``paths`` (modified, staged or untracked);
    none when ``root`` is not in a git work tree or git is not installed."""
    git = shutil.which("git")
    if git is None or not paths:
        return []
    inside = subprocess.run([git, "-C", str(root), "rev-parse", "--is-inside-work-tree"],
                            capture_output=True, text=True, check=False)
    if inside.stdout.strip() != "true":
        return []
    status = subprocess.run(
        [git, "-C", str(root), "status", "--porcelain", "--untracked-files=all", "--",
         *(str(path) for path in paths)], capture_output=True, text=True, check=True)
    return status.stdout.splitlines()
