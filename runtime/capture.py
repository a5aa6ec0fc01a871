"""Everything a driver writes to stdout or stderr while it runs, caught at the
file-descriptor level: ``print``, ``os.write(1, ...)``, C extensions writing
through libc, and child processes inheriting the descriptors all land here. So do
``logging.StreamHandler``s that hold ``sys.stdout``/``sys.stderr`` objects taken
before the block (under pytest those are not descriptors 1 and 2)."""

from __future__ import annotations

import ctypes
import io
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class CapturedOutput:
    stdout: bytes = b""
    stderr: bytes = b""


@contextmanager
def captured_output() -> Iterator[CapturedOutput]:
    """Point descriptors 1 and 2 (and ``sys.stdout``/``sys.stderr``) at temporary
    files for the block; the bytes written are in the yielded object afterwards."""
    captured = CapturedOutput()
    _flush_all()
    saved_streams = sys.stdout, sys.stderr
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        saved_fds = os.dup(1), os.dup(2)
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.stdout, sys.stderr = _text_stream(1), _text_stream(2)
        handlers = _standard_stream_handlers(saved_streams)
        for handler, stream in handlers:
            handler.setStream(sys.stdout if stream is saved_streams[0]
                              or stream is sys.__stdout__ else sys.stderr)
        try:
            yield captured
        finally:
            _flush_all()
            for handler, stream in handlers:
                handler.setStream(stream)
            sys.stdout, sys.stderr = saved_streams
            for fd, saved in zip((1, 2), saved_fds, strict=True):
                os.dup2(saved, fd)
                os.close(saved)
            captured.stdout, captured.stderr = _read(out), _read(err)


def _standard_stream_handlers(streams) -> list[tuple[logging.StreamHandler, object]]:
    """Every stream handler of every logger that writes to a standard stream."""
    standard = {id(s) for s in (*streams, sys.__stdout__, sys.__stderr__) if s is not None}
    loggers = [logging.getLogger(), *(logger for logger in
                                      list(logging.Logger.manager.loggerDict.values())
                                      if isinstance(logger, logging.Logger))]
    return [(handler, handler.stream) for logger in loggers for handler in logger.handlers
            if type(handler) is logging.StreamHandler and id(handler.stream) in standard]


def _text_stream(fd: int) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), write_through=True)


def _flush_all() -> None:
    """Flush Python's streams and libc's buffers (a C ``printf`` sits there until then)."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed or broken stream has nothing to flush
            pass
    _LIBC_FFLUSH(None)


def _read(file) -> bytes:
    file.seek(0)
    return file.read()


def _libc_fflush():
    try:
        return ctypes.CDLL(None).fflush
    except (OSError, AttributeError):  # no libc to flush (e.g. Windows without msvcrt)
        return lambda _stream: 0


_LIBC_FFLUSH = _libc_fflush()
