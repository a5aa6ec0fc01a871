"""Which category a driver belongs to, decided as ``contract-rules.md`` decides it
(first match wins: file name, registration key, class name), and the row metric
each category must emit."""

from __future__ import annotations

import re

_FILE_SUFFIXES = {
    "_extractor_driver.py": "extractor",
    "_writer_driver.py": "writer",
    "_transformer_driver.py": "transformer",
}
_KEY_TYPES = {"extractor": "extractor", "writer": "writer", "transformer": "transformer",
              "processor": "transformer"}
_CLASS_SUFFIX = re.compile(r"(Extractor|Writer|Transformer|Processor)Driver$")


def category_from_file(file_name: str | None) -> str | None:
    for suffix, category in _FILE_SUFFIXES.items():
        if file_name and file_name.endswith(suffix):
            return category
    return None


def category_from_key(key: str | None) -> str | None:
    type_part = key.partition(".")[2] if isinstance(key, str) else ""
    return _KEY_TYPES.get(type_part)


def category_from_class(class_name: str) -> str | None:
    match = _CLASS_SUFFIX.search(class_name)
    return _KEY_TYPES[match.group(1).lower()] if match else None


def category_of(file_name: str | None, key: str | None, class_name: str) -> str | None:
    return (category_from_file(file_name) or category_from_key(key)
            or category_from_class(class_name))
