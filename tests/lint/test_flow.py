"""The shared path walk (flow.py) and the source-order pieces (pieces.py) on the
statement forms that are easy to miss: one-line suites and ``try`` parts."""

import textwrap

import libcst as cst
from osiris_driver_kit.linter.analysis.flow import Flow
from osiris_driver_kit.linter.analysis.pieces import EXCEPT, FINALLY, WITH, pieces


def function(source):
    return cst.parse_module(textwrap.dedent(source)).body[0]


def marks(node, state):
    """Collects the names of the functions called as statements: ``mark()`` adds "mark"."""
    if isinstance(node, cst.Expr) and isinstance(node.value, cst.Call):
        return state | {node.value.func.value}
    return state


def test_a_return_in_a_one_line_suite_is_an_exit_and_ends_its_path():
    run = function("""
        def run(self, step_id, config, inputs, ctx):
            if config: emitted(); return {}
            other()
            return {}
    """)
    exits = Flow(marks).run(run)
    assert [sorted(e.state) for e in exits] == [["emitted"], ["other"]]


def test_one_line_handlers_and_finally_blocks_are_followed():
    run = function("""
        def run(self, step_id, config, inputs, ctx):
            try:
                work()
            except ValueError: recovered()
            finally: cleaned()
    """)
    (end,) = Flow(marks).run(run)
    assert end.falls_off_end and "cleaned" in end.state and "work" not in end.state


def test_pieces_come_in_source_order_with_what_encloses_them():
    run = function("""
        def run(self, step_id, config, inputs, ctx):
            with open(config["path"]) as handle:
                try:
                    first()
                except OSError: second()
                finally:
                    third()
    """)
    found = [(cst.Module([]).code_for_node(p.node), [kind for kind, _ in p.within])
             for p in pieces(run)]
    assert found == [('open(config["path"])', []), ("first()", [WITH, "try"]),
                     ("second()", [WITH, EXCEPT]), ("third()", [WITH, FINALLY])]
