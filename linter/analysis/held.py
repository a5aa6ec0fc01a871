"""What names and keys may hold: the state of the data flow (dataflow.py).

A ``Held`` maps a name (``query``) or a key under one (``config['query']``,
``self.query``, see ``dataflow.key``) to its labels: on some path to this point,
that name may hold a value carrying each label. Keys are stored under the name
they belong to, a level per part, so rebinding a name forgets its keys in one
step. Every level is a persistent hash trie (hashtrie.py): an update and a lookup
cost the depth of the key, not the size of the state, and states share what they
have in common.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from functools import lru_cache

from . import hashtrie

Labels = frozenset
NO_LABELS: Labels = frozenset()


class _Slot:
    """One name or key: its labels, and the trie of the keys under it."""

    __slots__ = ("labels", "keys")

    def __init__(self, labels: Labels, keys: hashtrie.Entry = None) -> None:
        self.labels = labels
        self.keys = keys


class Held:
    __slots__ = ("_names",)

    def __init__(self, names: hashtrie.Entry = None) -> None:
        self._names = names

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, Hashable]]) -> Held:
        """The state where each ``(name, label)`` holds."""
        state = cls()
        for name, label in pairs:
            state = state.adding(name, (label,))
        return state

    def labels_of(self, name: str) -> Labels:
        slot = self._slot(_parts(name))
        return slot.labels if slot is not None else NO_LABELS

    def rebind(self, name: str, labels: Iterable[Hashable]) -> Held:
        """After ``name = <a value with labels>``: the keys under ``name`` are forgotten."""
        return Held(_replace(self._names, _parts(name), frozenset(labels), forget=True))

    def adding(self, name: str, labels: Iterable[Hashable]) -> Held:
        """``name`` may also hold ``labels``; its keys are kept."""
        return Held(_replace(self._names, _parts(name), frozenset(labels), forget=False))

    def union(self, other: Held, one_sided: Labels = NO_LABELS) -> Held:
        """What holds on either path; ``one_sided`` is added to the labels of a name that
        holds something on one path only."""
        return Held(_merge(self._names, other._names, one_sided))

    def pairs(self) -> Iterator[tuple[str, Hashable]]:
        """Every ``(name, label)``, in no set order."""
        stack = [("", self._names)]
        while stack:
            prefix, entry = stack.pop()
            for part, slot in hashtrie.items(entry):
                name = prefix + part
                yield from ((name, label) for label in slot.labels)
                stack.append((name, slot.keys))

    def _slot(self, parts: tuple[str, ...]) -> _Slot | None:
        entry, slot = self._names, None
        for part in parts:
            slot = hashtrie.get(entry, part, hashtrie.key_hash(part))
            if slot is None:
                return None
            entry = slot.keys
        return slot


EMPTY = Held()


def _replace(entry: hashtrie.Entry, parts: tuple[str, ...], labels: Labels,
             forget: bool) -> hashtrie.Entry:
    part, hash_ = parts[0], hashtrie.key_hash(parts[0])
    old = hashtrie.get(entry, part, hash_)
    if len(parts) > 1:
        slot = _Slot(old.labels if old else NO_LABELS,
                     _replace(old.keys if old else None, parts[1:], labels, forget))
    elif forget or old is None:
        slot = _Slot(labels)
    else:
        slot = _Slot(old.labels | labels, old.keys)
    return hashtrie.put(entry, part, hash_, slot)


def _merge(left: hashtrie.Entry, right: hashtrie.Entry, one_sided: Labels) -> hashtrie.Entry:
    def both(a: _Slot, b: _Slot) -> _Slot:
        if a is b:
            return a
        labels = a.labels | b.labels
        if one_sided and bool(a.labels) != bool(b.labels):
            labels |= one_sided
        return _Slot(labels, _merge(a.keys, b.keys, one_sided))

    def alone(slot: _Slot) -> _Slot:
        labels = slot.labels | one_sided if slot.labels else slot.labels
        return _Slot(labels, hashtrie.merge(slot.keys, None, both, alone))

    return hashtrie.merge(left, right, both, alone if one_sided else None)


@lru_cache(maxsize=4096)
def _parts(name: str) -> tuple[str, ...]:
    """``config['a.b'].x`` -> ``("config", "['a.b']", ".x")``: the name, then each
    attribute and literal index (a string's repr, read to its closing quote)."""
    parts, start, index = [], 0, 0
    while index < len(name):
        char = name[index]
        if char in ".[" and index > start:
            parts.append(name[start:index])
            start = index
        if char == "[" and name[index + 1:index + 2] in ("'", '"'):
            index = _closing_quote(name, index + 1) + 1  # at the "]"
            parts.append(name[start:index + 1])
            start = index + 1
        index += 1
    if start < len(name):
        parts.append(name[start:])
    return tuple(parts)


def _closing_quote(text: str, opening: int) -> int:
    quote, index = text[opening], opening + 1
    while index < len(text) and text[index] != quote:
        index += 2 if text[index] == "\\" else 1
    return min(index, len(text) - 1)
