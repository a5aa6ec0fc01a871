"""The per-file semantic model (linter/analysis/bindings.py): scopes, bindings, shadowing."""

import textwrap

import libcst as cst
import pytest
from osiris_driver_kit.linter.analysis import bindings as b
from osiris_driver_kit.linter.analysis.bindings import SemanticModel
from osiris_driver_kit.linter.analysis.walk import Walk


def model(source: str) -> SemanticModel:
    return SemanticModel(cst.parse_module(textwrap.dedent(source)))


def function(m: SemanticModel, *names: str) -> cst.CSTNode:
    """The def (or class) reached by ``names`` through nested bodies."""
    body = m.module.body
    node = None
    for name in names:
        node = next(s for s in body if type(s) in (cst.FunctionDef, cst.ClassDef)
                    and s.name.value == name)
        body = node.body.body
    return node


def scopes_of_calls(m: SemanticModel, callee: str) -> list[b.Scope]:
    """The scope each call of ``callee`` is evaluated in, as rules see it during the walk."""
    found = []

    def handle(node, walk):
        if type(node.func) is cst.Name and node.func.value == callee:
            found.append(m.scope_at(walk.ancestors, node))
    Walk({cst.Call: [handle]}).run(m.module)
    return found


def test_module_bindings_and_how():
    m = model("""
        import os.path
        import pandas as pd
        from sys import stdout as out, stderr
        from . import sibling
        X = Y = 1
        a, (b, *rest) = f()
        n: int
        total: int = 0
        total += 1
        for i in range(3):
            pass
        with open(p) as fh, lock:
            pass
        try:
            pass
        except ValueError as error:
            pass
        def helper(): pass
        class Driver: pass
        del X
    """)
    scope = m.global_scope
    kinds = {name: [x.kind for x in found] for name, found in scope.bindings.items()}
    assert kinds == {
        "os": [b.IMPORT], "pd": [b.IMPORT], "out": [b.IMPORT], "stderr": [b.IMPORT],
        "sibling": [b.IMPORT], "X": [b.ASSIGNMENT, b.DELETION], "Y": [b.ASSIGNMENT],
        "a": [b.ASSIGNMENT], "b": [b.ASSIGNMENT], "rest": [b.ASSIGNMENT],
        "n": [b.ANNOTATION], "total": [b.ASSIGNMENT, b.AUGMENTED], "i": [b.LOOP],
        "fh": [b.WITH_ITEM], "error": [b.EXCEPT], "helper": [b.FUNCTION], "Driver": [b.CLASS]}
    qualified = {name: found[0].qualified for name, found in scope.bindings.items()
                 if found[0].kind == b.IMPORT}
    assert qualified == {"os": "os", "pd": "pandas", "out": "sys.stdout",
                         "stderr": "sys.stderr", "sibling": ".sibling"}
    # Values: only where the binding says exactly which.
    assert [cst.Module([]).code_for_node(v) for v in scope.values("X")] == ["1"]
    assert scope.values("a") == [] and scope.bound("a")[0].unpacked
    assert scope.values("n") == [] and scope.values("total") != []
    assert [cst.Module([]).code_for_node(v) for v in scope.values("fh")] == ["open(p)"]
    assert scope.binds("X") and not scope.binds("print")


def test_tuple_unpacking_and_values_in_source_order():
    m = model("""
        def run(config):
            params = {"a": 1}
            first, second = config
            (x, [y, *z]) = 1, [2, 3]
            params = {**params, "b": 2}
            self.conn = connect()
    """)
    scope = m.scope(function(m, "run"))
    assert [x.kind for x in scope.bound("params")] == [b.ASSIGNMENT, b.ASSIGNMENT]
    assert [cst.Module([]).code_for_node(v) for v in scope.values("params")] == [
        '{"a": 1}', '{**params, "b": 2}']
    for name in ("first", "second", "x", "y", "z"):
        (binding,) = scope.bound(name)
        assert binding.unpacked and binding.value is None and binding.assigned is not None
    # Attribute targets are stores: not names of the scope, but their values are kept.
    assert not scope.binds("self.conn") and "self" not in scope.bindings
    assert [cst.Module([]).code_for_node(v) for v in scope.values("self.conn")] == ["connect()"]


def test_shadowing_by_parameter():
    m = model("""
        from sys import stderr

        def warn(message, stderr):
            stderr.write(message)

        def fail(message, *args, **kwargs):
            stderr.write(message)

        each = lambda rows, print: print(rows)
    """)
    warn, fail = function(m, "warn"), function(m, "fail")
    stream = cst.parse_expression("stderr.write")
    assert m.resolve("stderr", warn).where == b.LOCAL
    assert m.resolve("stderr", warn).bindings[0].kind == b.PARAMETER
    assert m.qualify(stream, warn) is None
    assert m.resolve("stderr", fail).where == b.GLOBAL
    assert m.qualify(stream, fail) == "sys.stderr.write"
    assert m.scope(fail).binds("args") and m.scope(fail).binds("kwargs")
    (call_scope,) = scopes_of_calls(m, "print")
    assert call_scope.kind == b.LAMBDA
    assert m.resolve("print", call_scope).bindings[0].kind == b.PARAMETER
    assert m.resolve("print", m.global_scope).where == b.BUILTIN
    assert m.qualify(cst.parse_expression("print"), m.global_scope) == "print"


def test_nested_functions_see_enclosing_functions_not_class_bodies():
    m = model("""
        CACHE = []

        def outer():
            CACHE = []
            def inner():
                CACHE.append(1)
            return inner

        class Driver:
            CACHE = {}
            size = len(CACHE)

            def run(self):
                CACHE.append(2)
                return [CACHE for _ in range(2)]
    """)
    inner = function(m, "outer", "inner")
    found = m.resolve("CACHE", inner)
    assert (found.where, found.scope.node) == (b.ENCLOSING, function(m, "outer"))
    assert m.resolve("CACHE", function(m, "Driver")).where == b.LOCAL
    assert m.resolve("CACHE", function(m, "Driver", "run")).where == b.GLOBAL
    comprehension = m.scope(function(m, "Driver", "run")).children[0]
    assert comprehension.kind == b.COMPREHENSION
    assert m.resolve("CACHE", comprehension).where == b.GLOBAL


def test_global_and_nonlocal():
    m = model("""
        counter = 0

        def bump():
            global counter
            counter += 1

        def outer():
            total = 0
            def add():
                nonlocal total
                total += 1
            def reset():
                total = 0
            return add, reset
    """)
    bump = m.scope(function(m, "bump"))
    assert "counter" in bump.globals and not bump.binds("counter")
    assert [x.kind for x in bump.bound("counter")] == [b.AUGMENTED]
    assert m.resolve("counter", bump).where == b.GLOBAL
    add = function(m, "outer", "add")
    found = m.resolve("total", add)
    assert (found.where, found.scope.node) == (b.ENCLOSING, function(m, "outer"))
    assert m.resolve("total", function(m, "outer", "reset")).where == b.LOCAL


def test_comprehension_scope_and_walrus():
    m = model("""
        def run(rows):
            names = [row.name for row in rows if (last := row)]
            pairs = {k: v for k, v in rows}
            return row, last
    """)
    run = m.scope(function(m, "run"))
    assert not run.binds("row") and not run.binds("k")
    assert run.binds("last") and run.bound("last")[0].kind == b.WALRUS
    assert [cst.Module([]).code_for_node(v) for v in run.values("last")] == ["row"]
    names, pairs = run.children
    assert names.kind == pairs.kind == b.COMPREHENSION
    assert names.binds("row") and names.bound("row")[0].kind == b.LOOP
    assert pairs.binds("k") and pairs.binds("v")
    assert m.resolve("row", names).where == b.LOCAL
    assert m.resolve("rows", names).where == b.ENCLOSING
    assert m.resolve("row", run).where == b.UNBOUND


def test_comprehension_first_iterable_is_evaluated_outside():
    m = model("""
        def run(items):
            return [len(x) for x in items(len)]
    """)
    outer, inner = scopes_of_calls(m, "items"), scopes_of_calls(m, "len")
    assert [s.kind for s in outer] == [b.FUNCTION_BODY]
    assert [s.kind for s in inner] == [b.COMPREHENSION]


def test_defaults_and_decorators_are_evaluated_around_the_function():
    m = model("""
        def make(print=print):
            @print
            def inner(x=print(1)):
                print(2)
    """)
    found = scopes_of_calls(m, "print")
    assert [s.node for s in found] == [function(m, "make"), function(m, "make", "inner")]
    assert m.resolve("print", found[1]).where == b.ENCLOSING


def test_import_alias_in_a_function():
    m = model("""
        import json

        def load(text):
            import simplejson as json
            return json.loads(text)

        def dump(value):
            from json import dumps as encode
            return encode(value), json.dumps(value)
    """)
    assert m.qualify(cst.parse_expression("json.loads"), function(m, "load")) == "simplejson.loads"
    dump = function(m, "dump")
    assert m.qualify(cst.parse_expression("encode"), dump) == "json.dumps"
    assert m.qualify(cst.parse_expression("json.dumps"), dump) == "json.dumps"
    assert m.resolve("encode", m.global_scope).where == b.UNBOUND


def test_except_as_and_del_are_local():
    m = model("""
        error = None

        def run():
            try:
                pass
            except ValueError as error:
                pass
            return error

        def drop():
            del error
    """)
    assert m.resolve("error", function(m, "run")).bindings[0].kind == b.EXCEPT
    assert m.resolve("error", function(m, "drop")).where == b.LOCAL
    assert m.resolve("error", function(m, "drop")).bindings[0].kind == b.DELETION


def test_match_captures_and_one_line_bodies():
    m = model("""
        def run(event):
            match event:
                case {"kind": kind, **rest}:
                    pass
                case [first, *others]:
                    pass
                case Point(x=px) as point:
                    pass

        def short(a): return a
    """)
    run = m.scope(function(m, "run"))
    assert {n for n in run.bindings if run.bound(n)[0].kind == b.MATCH} == {
        "kind", "rest", "first", "others", "px", "point"}
    assert m.scope(function(m, "short")).binds("a")


def test_scopes_are_read_when_asked_for():
    m = model("""
        class Driver:
            def run(self):
                x = 1

        def other():
            y = 2
    """)
    other = m._scopes[id(function(m, "other"))]
    assert not other.read
    run = m.scope(function(m, "Driver", "run"))
    assert run.binds("x") and not other.read
    assert m.scope(function(m, "other")).binds("y")


def test_a_foreign_node_is_no_scope():
    m = model("x = 1\n")
    with pytest.raises(LookupError):
        m.scope(cst.parse_statement("def f(): pass"))


def test_lambdas_and_nested_definitions_are_found_when_asked_for():
    m = model("""
        def run(rows):
            if rows:
                def pick(row):
                    return row
            key = lambda row, n=len(rows): row[n]
            return sorted(rows, key=key)
    """)
    run = function(m, "run")
    pick = run.body.body[0].body.body[0]
    assert m.scope(pick).binds("row") and m.scope(pick).parent is m.scope(run)
    lam = run.body.body[1].body[0].value
    assert type(lam) is cst.Lambda
    scope = m.scope(lam)
    assert scope.kind == b.LAMBDA and scope.binds("n") and scope.parent is m.scope(run)
    assert m.resolve("rows", scope).where == b.ENCLOSING


def test_the_file_context_builds_the_model_once_and_only_when_asked():
    from osiris_driver_kit.linter.analysis.names import ImportMap
    from osiris_driver_kit.linter.engine.rule import FileContext

    module = cst.parse_module("import sys\n")
    file = FileContext("a.py", module, ImportMap(), [], [], None, False)
    assert "bindings" not in vars(file)
    assert file.bindings is file.bindings
    assert file.bindings.global_scope.binds("sys")
