"""Which classes are drivers, and of which category: the catalogue's "Which
classes are drivers" section, in the one place every rule uses."""

from __future__ import annotations

from pathlib import PurePath

EXTRACTOR, WRITER, TRANSFORMER = "extractor", "writer", "transformer"
KNOWN = frozenset({EXTRACTOR, WRITER, TRANSFORMER})
ALL = frozenset({EXTRACTOR, WRITER, TRANSFORMER, None})  # None: category unknown

DEFAULT_METRICS = {EXTRACTOR: "rows_read", WRITER: "rows_written", TRANSFORMER: "rows_processed"}

_FILE_SUFFIXES = {"_extractor_driver.py": EXTRACTOR, "_writer_driver.py": WRITER,
                  "_transformer_driver.py": TRANSFORMER}
_KEY_TYPES = {"extractor": EXTRACTOR, "writer": WRITER, "transformer": TRANSFORMER,
              "processor": TRANSFORMER}
_CLASS_SUFFIXES = {"ExtractorDriver": EXTRACTOR, "WriterDriver": WRITER,
                   "TransformerDriver": TRANSFORMER, "ProcessorDriver": TRANSFORMER}


# How a message says where a category came from (``resolve``'s second value).
EVIDENCE = {"file": "its file name", "key": "its registration key", "class": "its class name"}


def with_article(category: str) -> str:
    """"an extractor", "a writer", "a transformer": for messages."""
    return f"an {category}" if category == EXTRACTOR else f"a {category}"


def file_suffix(category: str) -> str:
    """``_extractor_driver.py`` for extractors: the end of the file name the contract wants."""
    return next(suffix for suffix, c in _FILE_SUFFIXES.items() if c == category)


def from_file(path: str) -> str | None:
    name = PurePath(path).name
    return next((c for suffix, c in _FILE_SUFFIXES.items() if name.endswith(suffix)), None)


def from_key(key: str | None) -> str | None:
    if not key or "." not in key:
        return None
    return _KEY_TYPES.get(key.split(".", 1)[1])


def from_class(name: str) -> str | None:
    return next((c for suffix, c in _CLASS_SUFFIXES.items() if name.endswith(suffix)), None)


def resolve(path: str, class_name: str, keys: list[str]) -> tuple[str | None, str | None]:
    """(category, where it came from): the file name, then the registration key, then
    the class name; the first that names a category wins."""
    if category := from_file(path):
        return category, "file"
    for key in keys:
        if category := from_key(key):
            return category, "key"
    if category := from_class(class_name):
        return category, "class"
    return None, None


def is_driver(path: str, class_name: str, registered: bool) -> bool:
    """For a class that defines ``run``."""
    return PurePath(path).name.endswith("_driver.py") or registered or class_name.endswith("Driver")


def is_test_file(path: str) -> bool:
    name = PurePath(path).name
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def is_abstract_name(class_name: str) -> bool:
    return class_name.startswith(("Base", "Abstract"))
