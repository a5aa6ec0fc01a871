"""A persistent hash map (a hash array mapped trie with 16 slots a level) for the
data flow's states (held.py).

Why not a frozenset or a dict: a state is copied at every statement and merged
where paths meet. Copying a flat set makes each statement cost the size of the
state, so a ``run`` with N assignments costs N² (4,000 took 4.5 s). Here an update
copies one 16-slot tuple a level (about four levels for 50,000 keys) and shares
everything else, and a merge skips every subtree the two sides share, so its cost
follows what differs between them.

An entry is ``None`` (empty), a ``tuple`` of 16 entries (a node), or a ``_Leaf``
(the keys of one 64-bit hash). Iteration follows hashes, which change with
PYTHONHASHSEED: callers sort or collect into sets.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Any

_BITS = 4
_MASK = (1 << _BITS) - 1
_EMPTY_NODE = (None,) * (1 << _BITS)
Entry = Any  # None | tuple[Entry, ...] | _Leaf


class _Leaf:
    __slots__ = ("hash", "pairs")

    def __init__(self, hash_: int, pairs: tuple[tuple[Hashable, Any], ...]) -> None:
        self.hash = hash_
        self.pairs = pairs  # more than one pair only when full hashes collide


def key_hash(key: Hashable) -> int:
    return hash(key) & 0xFFFF_FFFF_FFFF_FFFF


def get(entry: Entry, key: Hashable, hash_: int) -> Any:
    """The value of ``key`` (whose ``key_hash`` is ``hash_``), None when absent."""
    shift = 0
    while type(entry) is tuple:
        entry = entry[(hash_ >> shift) & _MASK]
        shift += _BITS
    if entry is None or entry.hash != hash_:
        return None
    for held, value in entry.pairs:
        if held == key:
            return value
    return None


def put(entry: Entry, key: Hashable, hash_: int, value: Any, shift: int = 0) -> Entry:
    """A copy of ``entry`` where ``key`` maps to ``value``; only the path to it is new."""
    if entry is None:
        return _Leaf(hash_, ((key, value),))
    if type(entry) is tuple:
        index = (hash_ >> shift) & _MASK
        child = put(entry[index], key, hash_, value, shift + _BITS)
        return entry[:index] + (child,) + entry[index + 1:]
    if entry.hash == hash_:
        kept = tuple(pair for pair in entry.pairs if pair[0] != key)
        return _Leaf(hash_, (*kept, (key, value)))
    index = (entry.hash >> shift) & _MASK  # two hashes: a node where they part
    node = _EMPTY_NODE[:index] + (entry,) + _EMPTY_NODE[index + 1:]
    return put(node, key, hash_, value, shift)


def items(entry: Entry) -> Iterator[tuple[Hashable, Any]]:
    stack = [entry]
    while stack:
        current = stack.pop()
        if type(current) is tuple:
            stack.extend(child for child in current if child is not None)
        elif current is not None:
            yield from current.pairs


def merge(left: Entry, right: Entry, combine: Callable[[Any, Any], Any],
          one_sided: Callable[[Any], Any] | None = None, shift: int = 0) -> Entry:
    """The keys of both sides, each value ``combine(left_value, right_value)`` (a
    side without the key gives None). ``combine`` must give ``v`` for ``(v, v)``:
    subtrees the sides share are kept as they are. ``one_sided(v)`` is the value of
    a key only one side has (``None``: the value itself, and such subtrees are kept
    whole)."""
    if left is right:
        return left
    if left is None or right is None:
        present = right if left is None else left
        return present if one_sided is None else _mapped(present, one_sided)
    if type(left) is tuple and type(right) is tuple:
        return tuple(merge(a, b, combine, one_sided, shift + _BITS) for a, b in zip(left, right, strict=True))
    # a leaf on one side at least: few keys on that side, merged one by one
    lefts, rights = dict(items(left)), dict(items(right))
    merged: Entry = None
    for key in {**lefts, **rights}:
        if key in lefts and key in rights:
            value = combine(lefts[key], rights[key])
        else:
            value = lefts.get(key, rights.get(key))
            value = value if one_sided is None else one_sided(value)
        merged = put(merged, key, key_hash(key), value, shift)
    return merged


def _mapped(entry: Entry, function: Callable[[Any], Any]) -> Entry:
    if entry is None:
        return None
    if type(entry) is tuple:
        return tuple(_mapped(child, function) for child in entry)
    return _Leaf(entry.hash, tuple((key, function(value)) for key, value in entry.pairs))
