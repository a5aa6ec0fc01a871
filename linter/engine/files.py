"""Which files a run lints: ``*.py`` under the given paths, without version
control and tool folders, virtual environments, what ``.gitignore`` ignores,
and what the ``exclude`` setting names."""

from __future__ import annotations

import os
from pathlib import Path

from .settings import matches

SKIPPED_DIRS = frozenset({
    ".git", ".hg", ".svn", "__pycache__", "build", "dist", ".tox", ".nox", ".eggs",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".osiris_lint_cache", "node_modules",
    "site-packages", ".venv", "venv",
})


class MissingPathError(Exception):
    def __init__(self, path: Path, reason: str = "no such file or directory") -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path


class GitIgnore:
    """The ``.gitignore`` files met on the way down, each applying below its folder."""

    def __init__(self) -> None:
        self._specs: dict[Path, object] = {}

    def load(self, folder: Path) -> None:
        ignore_file = folder / ".gitignore"
        if ignore_file.is_file():
            import pathspec  # only when a .gitignore exists

            lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
            self._specs[folder] = pathspec.GitIgnoreSpec.from_lines(lines)

    def ignores(self, path: Path, is_dir: bool) -> bool:
        """As git decides: the last matching pattern wins, and a deeper ``.gitignore``
        overrides the ones above it (``!revived_old.py`` re-includes a file)."""
        ignored = False
        for folder in sorted(self._specs, key=lambda f: len(f.parts)):
            if folder in path.parents:
                relative = path.relative_to(folder).as_posix() + ("/" if is_dir else "")
                verdict = self._specs[folder].check_file(relative).include
                if verdict is not None:
                    ignored = verdict
        return ignored


def discover(paths: list[Path], root: Path, exclude: tuple[str, ...]) -> list[Path]:
    """Sorted, de-duplicated files. ``exclude`` globs apply to explicitly named files too,
    so that a pre-commit hook honours them."""
    found: dict[Path, None] = {}
    for given in paths:
        try:
            absolute = given.resolve(strict=True)
        except FileNotFoundError:
            raise MissingPathError(given) from None
        except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop
            raise MissingPathError(given, getattr(error, "strerror", None) or str(error)) from None
        if absolute.is_file():
            if not _excluded(absolute, root, exclude):
                found[absolute] = None
            continue
        for file in _walk(absolute, root, exclude, _ignores_above(absolute)):
            found[file] = None
    return sorted(found)


def project_context(paths: list[Path], files: list[Path], root: Path,
                    exclude: tuple[str, ...]) -> list[Path]:
    """The project's other Python files when ``paths`` name only part of it (a hook
    passes the changed files): the project rules must see them to judge those."""
    root = root.resolve()
    if any(root.is_relative_to(path.resolve()) for path in paths):
        return []
    linted = set(files)
    return [file for file in discover([root], root, exclude) if file not in linted]


def _ignores_above(folder: Path) -> GitIgnore:
    """The ``.gitignore`` files above a folder named on the command line, unless they
    ignore that folder itself: then the user asked for it, and it is linted (as ruff
    and ripgrep do), with only the ``.gitignore`` files inside it applying."""
    above = GitIgnore()
    for enclosing in _enclosing_folders(folder):
        above.load(enclosing)
    return GitIgnore() if above.ignores(folder, True) else above


def _walk(folder: Path, root: Path, exclude: tuple[str, ...], gitignore: GitIgnore):
    for current, dirs, files in os.walk(folder):
        here = Path(current)
        gitignore.load(here)
        dirs[:] = sorted(d for d in dirs if not _skip_dir(here / d, root, exclude, gitignore))
        for name in sorted(files):
            if name.endswith(".py"):
                file = here / name
                if not _excluded(file, root, exclude) and not gitignore.ignores(file, False):
                    yield file


def _skip_dir(folder: Path, root: Path, exclude: tuple[str, ...], gitignore: GitIgnore) -> bool:
    return (folder.name in SKIPPED_DIRS or (folder / "pyvenv.cfg").exists()
            or _excluded(folder, root, exclude) or gitignore.ignores(folder, True))


def _excluded(path: Path, root: Path, exclude: tuple[str, ...]) -> bool:
    if not exclude:
        return False
    relative = relative_to(path, root)
    return any(matches(relative, pattern) for pattern in exclude)


def relative_to(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (POSIX form), or absolute when outside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _enclosing_folders(folder: Path) -> list[Path]:
    """The folders above ``folder`` up to its repository root, whose ``.gitignore``
    files also apply inside it (none outside a repository)."""
    above = list(folder.parents)
    top = next((i for i, parent in enumerate(above) if (parent / ".git").exists()), None)
    return above[: top + 1] if top is not None else []
