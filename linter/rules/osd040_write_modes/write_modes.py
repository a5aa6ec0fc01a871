"""How a writer handles ``config["write_mode"]`` (OSD040): which of the contract's
values it compares with, matches against, dispatches on or lists in a membership test
guarding their own path; whether it rejects any other value with an error; and whether
its upsert branch reads the configured key columns.

``run`` and the helpers it reaches (methods through ``self``, the module's functions by
name, at any depth: reach.py) are read, each into a summary of its handling and its
helpers' (reach.summary), per the parameters that receive the mode and the key columns:
a helper parameter that receives the mode (or the key columns) from its caller holds it
in the helper too, and so does what the caller keeps on ``self``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import libcst as cst

from ...analysis.drivers import (
    DriverClass,
    assigned_value,
    body_statements,
    literal_string,
    parameter_names,
    subscript_index,
)
from ...analysis.names import dotted
from ...analysis.reach import (
    arguments_by_parameter,
    callee,
    describe,
    helper_calls,
    self_method_called,
    summary,
)
from ...analysis.resources import called_name
from ...analysis.walk import descendants

ALIASES = {"replace": "overwrite"}  # the contract's: accepted beside its mode, never instead
UPSERT = "upsert"
KEY_FIELDS = frozenset({"primary_key", "upsert_keys", "key_columns"})
_READS = frozenset({"get", "pop", "setdefault"})
_STRING_METHODS = frozenset({"lower", "strip", "casefold", "upper"})
_COLLECTIONS = frozenset({"tuple", "list", "set", "frozenset"})


@dataclass
class ModeHandling:
    handled: set[str] = field(default_factory=set)
    rejects: bool = False
    # The functions (run, a helper) with an upsert branch that never reads the key columns.
    keyless_upsert: set[str] = field(default_factory=set)

    def add(self, other: ModeHandling) -> None:
        self.handled |= other.handled
        self.rejects |= other.rejects
        self.keyless_upsert |= other.keyless_upsert


class WriteModeAnalysis:
    def __init__(self, driver: DriverClass, module: cst.Module,
                 mode_fields: tuple[str, ...]) -> None:
        self.driver = driver
        self.module = module
        self.mode_fields = mode_fields  # the config keys holding the mode (TargetFacts)
        self.config_names = {"config", "cfg", *parameter_names(driver.run)[2:3]}

    def handling(self) -> ModeHandling:
        return self._handling(self.driver.run, frozenset(), frozenset())

    def _handling(self, function: cst.FunctionDef, modes: frozenset[str],
                  keys: frozenset[str]) -> ModeHandling:
        """What ``function`` and the helpers it reaches handle, ``modes`` and ``keys`` being
        the names that hold the mode and the key columns when it is called."""
        return summary(self.driver, ("write-modes", self.mode_fields), (function, modes, keys),
                       self._collect, ModeHandling())

    def _collect(self, key: tuple[cst.FunctionDef, frozenset[str], frozenset[str]]) -> ModeHandling:
        function, modes, keys = key
        result = ModeHandling()
        reader = _Function(self, function, set(modes), set(keys))
        reader.collect(result)
        # What a function keeps on ``self`` (``self.mode = config["write_mode"]``) the
        # helpers it calls see too.
        on_self = ({n for n in reader.mode_names if n.startswith("self.")},
                   {n for n in reader.key_names if n.startswith("self.")})
        for call, helper in helper_calls(self.driver, function):
            helper_modes, helper_keys = set(on_self[0]), set(on_self[1])
            for parameter, argument in arguments_by_parameter(call, helper).items():
                if reader.is_mode(argument):
                    helper_modes.add(parameter)
                if reader.mentions_keys(argument):
                    helper_keys.add(parameter)
            result.add(self._handling(helper, frozenset(helper_modes), frozenset(helper_keys)))
        return result

    def reads_keys(self, helper: cst.FunctionDef) -> bool:
        """Whether running ``helper`` reads the configured key columns (its helpers too)."""
        return summary(self.driver, "reads-keys", helper, self._reads_keys, False)

    def _reads_keys(self, helper: cst.FunctionDef) -> bool:
        return _Function(self, helper, set(), set()).reads_keys(body_statements(helper))

    def constant(self, name: str, in_class: bool) -> cst.BaseExpression | None:
        """The value of a class attribute (``self.X``) or a module-level ``X = ...``."""
        return assigned_value(self.driver.node.body.body if in_class else self.module.body, name)


class _Function:
    """One function's view of the mode: which names hold it, and its branches."""

    def __init__(self, analysis: WriteModeAnalysis, function: cst.FunctionDef,
                 mode_names: set[str], key_names: set[str]) -> None:
        self.analysis = analysis
        self.function = function
        # Closures defined in the function (``def write_batch(): if mode == ...``) are its code too.
        self.nodes = list(descendants(function, stop=(cst.ClassDef,)))
        self.assigned = [(dotted(t.target), n.value) for n in self.nodes if type(n) is cst.Assign
                         for t in n.targets if dotted(t.target)]
        params = set(parameter_names(function))
        self.mode_names = mode_names | (set(analysis.mode_fields) & params)
        self._grow(self.mode_names, self.is_mode)
        self._key_seeds = key_names | (KEY_FIELDS & params)

    @cached_property
    def key_names(self) -> set[str]:
        """Names holding the key columns; only an upsert branch or a helper call needs them."""
        names = set(self._key_seeds)
        self._grow(names, lambda value: self._mentions_keys(value, names))
        return names

    @cached_property
    def dispatch_names(self) -> set[str]:
        """``handler`` in ``handler = table.get(mode)``."""
        return {name for name, value in self.assigned
                if type(value) is cst.Call and self._dispatch_of(value) is not None}

    def _grow(self, names: set[str], holds) -> None:
        """Add every name bound, directly or through other names, from what ``holds``."""
        changed = True
        while changed:
            changed = False
            for name, value in self.assigned:
                if name not in names and holds(value):
                    names.add(name)
                    changed = True

    # -- what holds the mode and what reads the key columns -----------------------------

    def is_mode(self, node: cst.BaseExpression) -> bool:
        """``config["write_mode"]``, ``cfg.get("write_mode", "append").lower()``, ``mode``..."""
        if type(node) is cst.Name:
            return node.value in self.mode_names
        if type(node) is cst.Attribute:
            return node.attr.value in self.analysis.mode_fields or dotted(node) in self.mode_names
        if type(node) is cst.Subscript:
            return literal_string(subscript_index(node)) in self.analysis.mode_fields
        if type(node) is cst.BooleanOperation:
            return self.is_mode(node.left) or self.is_mode(node.right)
        if type(node) is cst.IfExp:  # "upsert" if mode == "replace" else mode
            return self.is_mode(node.body) or self.is_mode(node.orelse)
        if type(node) is cst.Call and node.args:
            name = called_name(node)
            first = node.args[0].value
            if type(node.func) is cst.Attribute:
                if name in _READS:
                    return literal_string(first) in self.analysis.mode_fields
                return name in _STRING_METHODS and self.is_mode(node.func.value)
            if name == "getattr" and len(node.args) > 1:
                return literal_string(node.args[1].value) in self.analysis.mode_fields
            return name == "str" and self.is_mode(first)
        return False

    def mentions_keys(self, top: cst.CSTNode) -> bool:
        """A key field literal or attribute (``config["primary_key"]``, ``cfg.upsert_keys``),
        or a name bound from one, in ``top``."""
        return self._mentions_keys(top, self.key_names)

    @staticmethod
    def _mentions_keys(top: cst.CSTNode, key_names: set[str]) -> bool:
        return any(_is_key(node, key_names) for node in (top, *descendants(top)))

    def reads_keys(self, nodes: Iterable[cst.CSTNode]) -> bool:
        """Whether evaluating ``nodes`` reads the configured key columns: it mentions them,
        calls a helper that does (at any depth), or hands ``config`` to a call that cannot
        be followed."""
        for top in nodes:
            for node in (top, *descendants(top)):
                if _is_key(node, self.key_names) or type(node) is cst.Call \
                        and self._call_reads_keys(node):
                    return True
        return False

    def _call_reads_keys(self, call: cst.Call) -> bool:
        helper = callee(self.analysis.driver, call)
        if helper is not None:
            return self.analysis.reads_keys(helper)
        if self_method_called(call) is not None:
            return False  # a method the class does not define (inherited, or run)
        config_names = self.analysis.config_names
        return any(dotted(a.value) in config_names for a in call.args)

    # -- collecting the handling ---------------------------------------------------------

    def collect(self, result: ModeHandling) -> None:
        refusals = set()
        self._upsert_reads: list[bool] = []  # one per upsert branch: reads the keys
        for node in self.nodes:
            if type(node) not in _COLLECTED:  # most nodes (ABC isinstance is slow)
                continue
            if type(node) is cst.If:
                refusals |= self._if(node, result)
            elif type(node) is cst.IfExp and UPSERT in self._tested_modes(node.test):
                self._upsert_branch([node.test, node.body])
            elif type(node) is cst.Match and self.is_mode(node.subject):
                self._match(node, result)
            elif type(node) in (cst.Subscript, cst.Call):
                self._dispatch(node, result)
            elif type(node) is cst.Try:
                result.rejects |= self._rejects_failed_lookup(node)
            elif type(node) is cst.IndentedBlock:
                result.rejects |= self._raises_after_mode_tests(node)
        for node in self.nodes:
            if type(node) is cst.Comparison and node not in refusals:
                result.handled |= self._compared_modes(node, guarded=lambda n: n in self._guarded)
        # One upsert branch reading the keys is enough: another may write a target that
        # does not exist yet (``elif mode in ("append", "upsert"):`` creating it).
        if self._upsert_reads and not any(self._upsert_reads):
            result.keyless_upsert.add(describe(self.analysis.driver, self.function))

    def _if(self, node: cst.If, result: ModeHandling) -> set[cst.Comparison]:
        """Record the ``if``'s branches; return its test when it only refuses its modes
        (``if mode == "upsert": raise NotImplementedError``)."""
        tested, raises = self._tested_modes(node.test), _raises(node.body)
        if raises and (self._is_negative_mode_test(node.test) or self._is_failed_dispatch(node.test)):
            result.rejects = True
        elif tested and _raises(_chain_end(node)):
            result.rejects = True
        if tested and raises and type(node.test) is cst.Comparison:
            return {node.test}
        if UPSERT in tested and not raises:
            self._upsert_branch([node.test, node.body])
        return set()

    def _match(self, node: cst.Match, result: ModeHandling) -> None:
        for case in node.cases:
            values = set(_pattern_strings(case.pattern))
            if not values and _is_catch_all(case.pattern) and _raises(case.body):
                result.rejects = True
            result.handled |= values
            if UPSERT in values:
                self._upsert_branch([case.body, *([case.guard] if case.guard else [])])

    def _dispatch(self, node: cst.Subscript | cst.Call, result: ModeHandling) -> None:
        table = self._dispatch_of(node)
        if table is None:
            return
        for element in table.elements:
            key = literal_string(element.key) if type(element) is cst.DictElement else None
            if key is None:
                continue
            result.handled.add(key)
            code = self._dispatched_code(element.value)
            if key == UPSERT and code is not None:
                self._upsert_branch([code])

    def _dispatched_code(self, value: cst.BaseExpression) -> cst.CSTNode | None:
        """What a dispatch entry runs: a method (``self._upsert`` or ``"_upsert"``) or a
        function of the module (``_upsert``), else the value itself; None for a value that
        runs nothing (``{"append": "insert"}`` maps modes)."""
        text = literal_string(value)
        driver = self.analysis.driver
        name = dotted(value) or ""
        function = driver.method(text or name.removeprefix("self.")) or (
            driver.functions.get(name) if type(value) is cst.Name else None)
        if function is not None:
            return function.body
        return None if text is not None or type(value) in (cst.Integer, cst.Float) else value

    def _upsert_branch(self, code: list[cst.CSTNode]) -> None:
        self._upsert_reads.append(self.reads_keys(code))

    # -- tests on the mode ----------------------------------------------------------------

    def _dispatch_of(self, node: cst.Subscript | cst.Call) -> cst.Dict | None:
        """The dict literal of ``table[mode]`` / ``table.get(mode)``."""
        if type(node) is cst.Subscript:
            table, key = node.value, subscript_index(node)
        elif called_name(node) == "get" and type(node.func) is cst.Attribute and node.args:
            table, key = node.func.value, node.args[0].value
        else:
            return None
        if key is None or not self.is_mode(key):
            return None
        value = self._value_of(table)
        return value if type(value) is cst.Dict else None

    def _value_of(self, node: cst.BaseExpression) -> cst.BaseExpression | None:
        """A name's value: bound in this function, a class attribute, a module constant."""
        name = dotted(node)
        if name is None:
            return node
        local = [value for bound, value in self.assigned if bound == name]
        if len(local) == 1:
            return local[0]
        if name.startswith("self.") or name.startswith(f"{self.analysis.driver.name}."):
            return self.analysis.constant(name.split(".", 1)[1], in_class=True)
        return self.analysis.constant(name, in_class=False) if not local else None

    def _compared_modes(self, node: cst.Comparison, guarded) -> set[str]:
        """The literals ``node`` compares the mode with (``==``, ``!=``), and, when it is
        a test guarding a path (``guarded(node)``), those it checks membership in (``in``)."""
        found = set()
        left = node.left
        for target in node.comparisons:
            right, operator = target.comparator, target.operator
            if type(operator) in (cst.Equal, cst.NotEqual):
                for mode, other in ((left, right), (right, left)):
                    if self.is_mode(mode) and literal_string(other) is not None:
                        found.add(literal_string(other))
            elif type(operator) is cst.In and self.is_mode(left) and guarded(node):
                found |= set(self._strings_of(right))
            left = right
        return found

    def _tested_modes(self, test: cst.BaseExpression) -> set[str]:
        """The modes a test lets into its body: ``mode == "x"``, ``mode in ("x", "y")``."""
        found = set()
        for node in (test, *descendants(test)):
            if type(node) is cst.Comparison:
                found |= {m for m in self._compared_modes(node, guarded=lambda _: True)
                          if not any(type(t.operator) is cst.NotEqual for t in node.comparisons)}
        return found

    def _is_negative_mode_test(self, test: cst.BaseExpression) -> bool:
        """``mode not in MODES``, ``not (mode in MODES)``, ``mode != "a" and mode != "b"``."""
        if type(test) is cst.UnaryOperation and type(test.operator) is cst.Not:
            return type(test.expression) is cst.Comparison and self.is_mode(test.expression.left)
        if type(test) is cst.BooleanOperation:
            return self._is_negative_mode_test(test.left) or self._is_negative_mode_test(test.right)
        return type(test) is cst.Comparison and self.is_mode(test.left) and all(
            type(t.operator) in (cst.NotIn, cst.NotEqual) for t in test.comparisons)

    def _is_failed_dispatch(self, test: cst.BaseExpression) -> bool:
        """``handler is None`` / ``not handler`` after ``handler = table.get(mode)``."""
        if type(test) is cst.UnaryOperation and type(test.operator) is cst.Not:
            return dotted(test.expression) in self.dispatch_names
        return type(test) is cst.Comparison and dotted(test.left) in self.dispatch_names \
            and type(test.comparisons[0].operator) is cst.Is \
            and dotted(test.comparisons[0].comparator) == "None"

    def _rejects_failed_lookup(self, node: cst.Try) -> bool:
        """``try: handler = table[mode] except KeyError: raise ValueError(...)``."""
        looks_up = any(type(n) is cst.Subscript and self._dispatch_of(n) is not None
                       for n in descendants(node.body))
        return looks_up and any(dotted(h.type) == "KeyError" and _raises(h.body)
                                for h in node.handlers if h.type is not None)

    def _raises_after_mode_tests(self, block: cst.IndentedBlock) -> bool:
        """``if mode == "append": ...; return`` ... then ``raise ValueError(...)``."""
        statements = block.body
        return any(type(before) is cst.If and self._tested_modes(before.test)
                   and type(after) is cst.SimpleStatementLine
                   and any(type(small) is cst.Raise for small in after.body)
                   for before, after in zip(statements, statements[1:], strict=False))

    @cached_property
    def _guarded(self) -> set[cst.Comparison]:
        """The comparisons inside the tests of ``if``/``while``/conditional expressions and
        ``case`` guards: those that guard a path."""
        tests = [n.test for n in self.nodes if type(n) in (cst.If, cst.IfExp, cst.While)]
        tests += [n.guard for n in self.nodes if type(n) is cst.MatchCase and n.guard is not None]
        return {n for test in tests for n in (test, *descendants(test)) if type(n) is cst.Comparison}

    def _strings_of(self, node: cst.BaseExpression) -> list[str]:
        """The string literals of a collection: literal, constant, ``frozenset({...})``."""
        value = self._value_of(node) if dotted(node) else node
        if type(value) is cst.Call and called_name(value) in _COLLECTIONS and value.args:
            value = value.args[0].value
        if type(value) in (cst.Tuple, cst.List, cst.Set):
            return [s for e in value.elements if (s := literal_string(e.value)) is not None]
        if type(value) is cst.Dict:
            return [s for e in value.elements if type(e) is cst.DictElement
                    and (s := literal_string(e.key)) is not None]
        return []


def _is_key(node: cst.CSTNode, key_names: set[str]) -> bool:
    if type(node) is cst.SimpleString:
        return literal_string(node) in KEY_FIELDS
    if type(node) is cst.Attribute:
        return node.attr.value in KEY_FIELDS or dotted(node) in key_names
    return type(node) is cst.Name and (node.value in KEY_FIELDS or node.value in key_names)


def _raises(block: cst.BaseSuite | cst.Else | None) -> bool:
    """Whether a block raises at its own level (after logging, say)."""
    if type(block) is cst.Else:
        block = block.body
    if block is None:
        return False
    statements = block.body
    smalls = statements if type(block) is cst.SimpleStatementSuite else [
        small for s in statements if type(s) is cst.SimpleStatementLine for small in s.body]
    return any(type(small) is cst.Raise for small in smalls)


def _chain_end(node: cst.If) -> cst.Else | None:
    """The final ``else`` of an ``if``/``elif`` chain."""
    while type(node.orelse) is cst.If:
        node = node.orelse
    return node.orelse


def _pattern_strings(pattern: cst.MatchPattern) -> Iterator[str]:
    if type(pattern) is cst.MatchValue and literal_string(pattern.value) is not None:
        yield literal_string(pattern.value)
    elif type(pattern) is cst.MatchOr:
        for element in pattern.patterns:
            yield from _pattern_strings(element.pattern)
    elif type(pattern) is cst.MatchAs and pattern.pattern is not None:
        yield from _pattern_strings(pattern.pattern)


def _is_catch_all(pattern: cst.MatchPattern) -> bool:
    """``case _:`` or ``case other:``."""
    return type(pattern) is cst.MatchAs and pattern.pattern is None


_COLLECTED = frozenset({cst.If, cst.IfExp, cst.Match, cst.Subscript, cst.Call, cst.Try,
                        cst.IndentedBlock})
