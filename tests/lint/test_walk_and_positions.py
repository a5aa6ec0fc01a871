"""The engine's own traversal and position pass stand in for LibCST's visitor and
PositionProvider, which cost several times more: they must give the same answers."""

import dataclasses
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider
from osiris_driver_kit.linter.analysis.walk import NODE_TYPES, children
from osiris_driver_kit.linter.engine.positions import Positions

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.joinpath("linter").rglob("*.py"), *ROOT.joinpath("runtime").rglob("*.py"),
                  *ROOT.joinpath("tests", "corpus").rglob("*_driver.py")])


def parse(path: Path) -> cst.Module | None:
    try:
        return cst.parse_module(path.read_bytes())
    except cst.ParserSyntaxError:
        return None  # the corpus's deliberately broken file


def every_field_child(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The plain definition: every node held by any field, in field order."""
    found = []
    for field in dataclasses.fields(node):
        value = getattr(node, field.name)
        if type(value) in NODE_TYPES:
            found.append(value)
        elif type(value) in (list, tuple):
            found += [item for item in value if type(item) in NODE_TYPES]
    return found


@pytest.mark.parametrize("path", SOURCES[::7], ids=lambda p: p.name)
def test_children_are_every_node_held_by_a_field(path):
    module = parse(path)
    if module is None:
        return
    stack = [module]
    while stack:
        node = stack.pop()
        assert children(node, layout=True) == every_field_child(node)
        stack.extend(children(node))


def provider_positions(path: Path):
    """The module and LibCST's PositionProvider answer for each of its nodes."""
    module = parse(path)
    if module is None:
        return None, {}
    return module, MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)


@pytest.mark.parametrize("path", SOURCES[::7], ids=lambda p: p.name)
def test_positions_are_those_of_libcsts_position_provider(path):
    module, expected = provider_positions(path)
    positions = Positions(module, expected)
    assert all(positions.of(node) == where for node, where in expected.items())


@pytest.mark.parametrize("path", SOURCES[::7], ids=lambda p: p.name)
def test_positions_of_a_few_nodes_are_the_same_as_of_all(path):
    """The pass stops after the last node asked for: what it gives must not change."""
    module, expected = provider_positions(path)
    nodes = list(expected)
    for few in (nodes[:1], nodes[len(nodes) // 3::97], nodes[-1:]):
        positions = Positions(module, few)
        assert [positions.of(node) for node in few] == [expected[node] for node in few]
