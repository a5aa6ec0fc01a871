"""The data flow's state (held.py over hashtrie.py) behaves as the plain set of
``(name, label)`` facts it replaced, whatever the hashes."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from osiris_driver_kit.linter.analysis import hashtrie
from osiris_driver_kit.linter.analysis.held import EMPTY, Held


class Colliding(str):
    """A key whose hash collides with every other: the trie's leaves hold them all."""

    def __hash__(self) -> int:
        return 7


def test_a_map_keeps_every_key_through_collisions_and_splits():
    keys = [*map(str, range(300)), *(Colliding(f"c{i}") for i in range(20))]
    random.Random(3).shuffle(keys)
    entry = None
    for index, key in enumerate(keys):
        entry = hashtrie.put(entry, key, hashtrie.key_hash(key), index)
    assert sorted(hashtrie.items(entry), key=str) == sorted(
        ((key, index) for index, key in enumerate(keys)), key=str)
    assert all(hashtrie.get(entry, key, hashtrie.key_hash(key)) == index
               for index, key in enumerate(keys))
    assert hashtrie.get(entry, "absent", hashtrie.key_hash("absent")) is None


def test_updates_leave_the_earlier_state_as_it_was():
    before = Held.of([("config", "c"), ("config['query']", "q")])
    after = before.rebind("config", {"new"})
    assert before.labels_of("config['query']") == {"q"}
    assert after.labels_of("config['query']") == frozenset()
    assert after.labels_of("config") == {"new"}


NAMES = st.sampled_from(["a", "b", "config", "config['query']", "config['a.b']", "config.x",
                         "self", "self.query", "self.query.text", 'd["it\'s"]'])
STEPS = st.lists(st.tuples(NAMES, st.frozensets(st.integers(0, 3), max_size=2)), max_size=12)


def _as_set(state: Held) -> set:
    return set(state.pairs())


def _rebind_set(facts: set, name: str, labels) -> set:
    """The frozenset semantics held.py replaced: a name's keys are forgotten with it."""
    def under(held: str) -> bool:
        return held == name or (held.startswith(name) and held[len(name)] in "[.")
    return {f for f in facts if not under(f[0])} | {(name, label) for label in labels}


def _names(facts: set) -> set:
    return {name for name, _ in facts}


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(left=STEPS, right=STEPS)
def test_held_agrees_with_the_set_of_facts_it_replaced(left, right):
    states, sets = [], []
    for steps in (left, right):
        state, facts = EMPTY, set()
        for name, labels in steps:
            state, facts = state.rebind(name, labels), _rebind_set(facts, name, labels)
            assert _as_set(state) == facts
            assert state.labels_of(name) == labels
        states.append(state)
        sets.append(facts)
    assert _as_set(states[0].union(states[1])) == sets[0] | sets[1]
    one_sided = {(name, "D") for name in _names(sets[0]) ^ _names(sets[1])}
    assert _as_set(states[0].union(states[1], frozenset({"D"}))) == sets[0] | sets[1] | one_sided
