"""A pipeline means the same wherever ``osiris-run`` is started: its steps run with the
pipeline file's folder as the working directory, so ``path: output/orders.csv`` (and any
relative path a driver opens, a connection's sqlite file or a query's ``read_csv('...')``
included) lands beside the pipeline, with drivers unchanged. The command line's own paths
(``--runs-dir``, ``--drivers``, ``--components``, ``--connections``) are resolved against
the current folder before the steps start."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def working_directory(folder: Path) -> Iterator[None]:
    """``folder`` as the working directory for the block (``contextlib.chdir`` from 3.11)."""
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)
