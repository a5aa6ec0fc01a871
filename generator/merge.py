"""3-way merge of a generated file: the user's edits (ours) and the template's changes
(theirs), both since what was rendered last time (base).

``git merge-file`` does it when git is installed; without git a line-based merge on
difflib's matching blocks does (the diff3 rule: a region only one side changed takes
that side's lines, a region both changed alike takes them once, else a conflict). Both
write conflicts with the standard markers, the user's side first.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from .errors import GenerationError

OURS_LABEL, THEIRS_LABEL = "yours", "osiris-gen"


@dataclass(frozen=True)
class Merged:
    text: str
    conflicts: int


def merge3(base: str, ours: str, theirs: str) -> Merged:
    git = shutil.which("git")
    if git is None:
        return _merge_lines(base, ours, theirs)
    return _merge_with_git(git, base, ours, theirs)


def _merge_with_git(git: str, base: str, ours: str, theirs: str) -> Merged:
    with tempfile.TemporaryDirectory(prefix="osiris-gen-merge-") as folder:
        paths = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder, name)
            path.write_text(text, encoding="utf-8", newline="\n")
            paths.append(str(path))
        # The standard two-sided markers whatever the user's merge.conflictStyle says.
        done = subprocess.run(
            [git, "-c", "merge.conflictStyle=merge", "merge-file", "-p",
             "-L", OURS_LABEL, "-L", "base", "-L", THEIRS_LABEL, *paths],
            capture_output=True, check=False)
    if done.returncode > 127:  # git merge-file: negative on error, else the conflicts
        raise GenerationError(f"git merge-file failed: {done.stderr.decode(errors='replace')}")
    return Merged(done.stdout.decode("utf-8"), done.returncode)


def _merge_lines(base: str, ours: str, theirs: str) -> Merged:
    b, o, t = (text.splitlines(keepends=True) for text in (base, ours, theirs))
    merged: list[str] = []
    conflicts = 0
    b_at = o_at = t_at = 0
    for b_start, b_end, o_start, t_start in _stable_regions(b, o, t):
        mine, old, new = o[o_at:o_start], b[b_at:b_start], t[t_at:t_start]
        if mine == old or mine == new:
            merged += new
        elif new == old:
            merged += mine
        else:
            conflicts += 1
            merged += [f"<<<<<<< {OURS_LABEL}\n", *_ended(mine), "=======\n", *_ended(new),
                       f">>>>>>> {THEIRS_LABEL}\n"]
        merged += b[b_start:b_end]
        b_at, o_at, t_at = b_end, o_start + b_end - b_start, t_start + b_end - b_start
    return Merged("".join(merged), conflicts)


def _stable_regions(b: list[str], o: list[str], t: list[str]) -> list[tuple[int, int, int, int]]:
    """Base line ranges both sides kept, as (base start, base end, ours start, theirs
    start), ending with the empty range at the end of every text."""
    kept_ours = SequenceMatcher(None, b, o, autojunk=False).get_matching_blocks()
    kept_theirs = SequenceMatcher(None, b, t, autojunk=False).get_matching_blocks()
    regions = []
    i = j = 0
    while i < len(kept_ours) and j < len(kept_theirs):
        (b1, o1, n1), (b2, t2, n2) = kept_ours[i], kept_theirs[j]
        start, end = max(b1, b2), min(b1 + n1, b2 + n2)
        if start < end:
            regions.append((start, end, o1 + start - b1, t2 + start - b2))
        if b1 + n1 < b2 + n2:
            i += 1
        else:
            j += 1
    regions.append((len(b), len(b), len(o), len(t)))
    return regions


def _ended(lines: list[str]) -> list[str]:
    """A last line without its newline gets one, so a marker starts its own line."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines
