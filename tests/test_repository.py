"""What a merge can leave behind without any other test noticing."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKERS = ("<<<<<<< ", ">>>>>>> ")


def test_no_tracked_text_file_holds_merge_conflict_markers():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    marked = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in (".py", ".md", ".toml", ".yaml", ".yml", ".j2", ".txt", ".cfg"):
            text = path.read_bytes().decode("utf-8", errors="replace")
            marked += [f"{name}:{n}" for n, line in enumerate(text.splitlines(), 1)
                       if line.startswith(MARKERS)]
    assert marked == []
