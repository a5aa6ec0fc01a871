"""OSD022 dataframe-cache."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ..analysis.bindings import ASSIGNMENT, CLASS, GLOBAL, Scope
from ..analysis.drivers import DriverClass, literal_string
from ..analysis.filestate import PerFile
from ..analysis.names import dotted
from ..analysis.reach import reached_functions, self_method_called
from ..analysis.walk import descendants
from ..engine.rule import Example, FileContext, Rule

CACHE_DECORATORS = frozenset({"functools.cache", "functools.lru_cache",
                              "functools.cached_property"})
CONTAINER_MUTATORS = frozenset({"append", "extend", "insert", "update", "setdefault", "add",
                                "appendleft", "extendleft"})
MUTABLE_FACTORIES = frozenset({"list", "dict", "set", "bytearray", "defaultdict", "OrderedDict",
                               "deque", "Counter", "DataFrame"})
MUTABLE_LITERALS = (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)
KEEP_LOCAL = "keep per-run state in local variables"
SHARED = " (a registered driver is one instance, shared by every run)"


class DataframeCache(Rule):
    code = "OSD022"
    message = "{what}: state that outlives the run{shared}; the contract says never cache " \
              "between runs: {remedy}"
    whole_module = True
    subscribes = (cst.Call, cst.Assign, cst.AugAssign)
    explanation = """
## What it checks
State that outlives a run, anywhere in a module (test files excepted):
- in `run` and the helper methods it reaches (at any depth): assigning to `self.<attr>`
  from anything but a constant (a literal, `None`, a tuple of constants, an UPPER_CASE
  name), augmented assignment to it, writing into it (`self._cache[key] = df`,
  `self._frames.append(df)`), unless the cleanup that `run`'s `finally` calls (or the
  `finally` block itself) resets that attribute (`self._conn = None`, `del self._conn`,
  `self._cache.clear()`);
- in `run` and its helpers: assigning to class attributes (`type(self).x`,
  `self.__class__.x`, `<AnyClassOfTheModule>.x`), and `global` / `nonlocal` statements;
- mutable default arguments (`[]`, `{}`, `set()`, `dict()`, `pd.DataFrame()`...) on `run`
  and its helpers;
- `functools.cache`, `functools.lru_cache` and `functools.cached_property` on any method
  of a driver;
- inside any function of the module: appending to (or writing into) a module-level list,
  dict, set, deque or counter (`_CACHE[key] = df`, `_SEEN.append(name)`).

## Why
"NEVER cache DataFrames between pipeline runs". A registered driver is one shared
instance: what `run` leaves on it (a frame, a connection, a counter) leaks into the next
run, which may read another pipeline's data, and races with concurrent runs. Module
state and caches on methods are shared the same way.

## Accepted
Instance attributes set in `__init__` (from constants or arguments); constants assigned in
`run` (`self._rows = 0`); module-level constants and containers filled at import time,
also by the module's own functions that run at import time (a registration decorator
used on its classes, a function called by a top-level statement); attributes reset by
the cleanup called from `run`'s `finally`.

## Fix
Keep per-run state in local variables and pass it to helpers as arguments; if a
connection must live on `self`, reset it in the cleanup called from `finally`:
```python
def run(self, step_id, config, inputs, ctx):
    try:
        self._conn = self._connect(config)
        ...
    finally:
        self._cleanup()

def _cleanup(self):
    if self._conn is not None:
        self._conn.close()
    self._conn = None
```

## Not followed
State kept on other objects (`self.client.session = ...`); module
functions called from `run` that use `global` (only their appends to module containers
are seen). Decision: `global`/class attributes are flagged in `run`'s helpers too, and
writes into an attribute (`self._cache[k] = v`, `.append`) count as assigning to it.
"""
    VALID = [
        Example("""
            import psycopg

            class PostgresExtractorDriver:
                def __init__(self, batch_size=1000):
                    self.batch_size = batch_size
                    self._conn = None

                def run(self, step_id, config, inputs, ctx):
                    self._rows = 0
                    try:
                        self._conn = psycopg.connect(config["dsn"], connect_timeout=10)
                        df = self._read(config)
                        return {"df": df}
                    finally:
                        self._cleanup()

                def _cleanup(self):
                    if self._conn is not None:
                        self._conn.close()
                    self._conn = None
        """, path="postgres_extractor_driver.py"),
        Example("""
            from functools import lru_cache

            SUPPORTED = ["append", "overwrite", "upsert"]
            _TYPES = {}
            _TYPES["int64"] = "BIGINT"

            @lru_cache(maxsize=None)
            def sql_type(dtype):
                return _TYPES.get(dtype, "TEXT")

            class DuckdbWriterDriver:
                def run(self, step_id, config, inputs, ctx, options=None):
                    options = options or {}
                    frames = []
                    frames.append(inputs["df"].copy())
                    seen = {}
                    seen["df"] = True
                    return {}
        """, path="duckdb_writer_driver.py"),
        Example("""
            _PLUGINS = []

            def plugin(cls):
                _PLUGINS.append(cls)
                return cls

            def collect(rows, found=None):
                found = found if found is not None else []
                found.append(rows)
                return found

            @plugin
            class CsvPlugin:
                pass

            class Registry:
                items = []

                def add(self, item):
                    self.items = self.items + [item]
        """, path="helpers.py"),
        Example("""
            _CACHE = {}

            def test_driver_does_not_leak(osiris_ctx):
                _CACHE["df"] = 1
        """, path="test_postgres_extractor_driver.py"),
        Example("""
            _BATCHES = []


            def batcher(size):
                _BATCHES = []  # this function's own list: the module's is not touched

                def add(rows):
                    _BATCHES.append(rows[:size])
                return add, _BATCHES


            class ParquetWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    add, batches = batcher(config["batch_size"])
                    add(inputs["df"])
                    return {}
        """, path="parquet_writer_driver.py"),
    ]
    INVALID = [
        Example("""
            import pandas as pd


            class CsvExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = self._read(config["path"])
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}

                def _read(self, path):
                    return self._parse(pd.read_csv(path))

                def _parse(self, df):
                    self._last = df  # expect: OSD022
                    return df
        """, path="csv_extractor_driver.py"),
        Example("""
            import pandas as pd

            class CsvExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    if config["path"] in self._frames:
                        return {"df": self._frames[config["path"]]}
                    self.df = pd.read_csv(config["path"])  # expect: OSD022
                    self._frames[config["path"]] = self.df  # expect: OSD022
                    self.runs += 1  # expect: OSD022
                    return {"df": self.df}
        """, path="csv_extractor_driver.py"),
        Example("""
            import functools

            import sqlalchemy

            _ENGINE = None

            class MysqlExtractorDriver:
                def run(self, step_id, config, inputs, ctx, seen=[]):  # expect: OSD022
                    global _ENGINE  # expect: OSD022
                    _ENGINE = _ENGINE or sqlalchemy.create_engine(config["url"])
                    type(self).last_config = config  # expect: OSD022
                    return {"df": self._read(config)}

                @functools.lru_cache(maxsize=32)  # expect: OSD022
                def _read(self, config, columns={}):  # expect: OSD022
                    self._conn = _ENGINE.connect()  # expect: OSD022
                    return self._conn.execute(config["query"])
        """, path="mysql_extractor_driver.py"),
        Example("""
            from collections import defaultdict
            from functools import cached_property

            _RESULTS = defaultdict(list)
            _HISTORY = []

            def remember(step_id, df):
                _RESULTS[step_id].append(df)  # expect: OSD022
                _HISTORY.append(step_id)  # expect: OSD022

            class ApiExtractorDriver:
                @cached_property  # expect: OSD022
                def session(self):
                    return make_session()

                def run(self, step_id, config, inputs, ctx):
                    try:
                        df = self._fetch(config)
                        _RESULTS[step_id] = df  # expect: OSD022
                        return {"df": df}
                    finally:
                        self._close()

                def _close(self):
                    self.session.close()

                def _fetch(self, config):
                    self.token = self._login(config)  # expect: OSD022
                    return self.session.get(config["url"]).json()
        """, path="api_extractor_driver.py"),
    ]

    def __init__(self) -> None:
        self.containers: PerFile[_ModuleContainers] = PerFile(_ModuleContainers)

    # -- module containers written inside functions (whole module) ----------------------
    def visit(self, node: cst.CSTNode, file: FileContext, driver: DriverClass | None) -> None:
        containers = self.containers(file)
        names = containers.names(file.bindings.global_scope)
        name = _written_container(node) if names else None
        if name not in names:
            return
        function = next((a for a in reversed(file.ancestors) if type(a) is cst.FunctionDef),
                        None)
        if function is None or function.name.value in containers.import_time(file.module):
            return
        # The module's container, not a local of the function (or of one around it).
        if file.bindings.resolve(name, file.bindings.scope_at(file.ancestors, node)).where \
                != GLOBAL:
            return
        file.report(self, node, what=f"{_code(node)} writes into the module-level {name}",
                    shared="", remedy=KEEP_LOCAL)

    def check_file(self, file: FileContext) -> None:
        self.containers.take(file)

    # -- the driver's own state ------------------------------------------------------------
    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        if file.is_test:
            return
        for method in driver.methods.values():
            for decorator in method.decorators:
                target = decorator.decorator
                target = target.func if type(target) is cst.Call else target
                if file.imports.qualify(target) in CACHE_DECORATORS:
                    file.report(self, decorator, what=f"@{dotted(target)} on {method.name.value}",
                                shared=SHARED, remedy="compute what a run needs inside the run")
        module = file.bindings.global_scope
        classes = {name for name, found in module.bindings.items()  # the top-level ones
                   if any(b.kind == CLASS and b.statement is b.site for b in found)}
        followed = _RunState(driver, classes)
        for method, node, what in followed.findings():
            remedy = "default to None and create it inside" if "default" in what else KEEP_LOCAL
            where = "run" if method is driver.run else f"{method.name.value} (called by run)"
            file.report(self, node, what=f"{what} in {where}", shared=SHARED, remedy=remedy)


@dataclass
class _ModuleContainers:
    """The module's top-level mutable containers, and the functions run at import."""

    found: set[str] | None = None
    at_import: set[str] | None = None

    def names(self, module: Scope) -> set[str]:
        """Names a top-level ``NAME = <mutable>`` (or ``NAME: T = ...``) binds."""
        if self.found is None:
            self.found = {name for name, found in module.bindings.items() for binding in found
                          if binding.kind == ASSIGNMENT and binding.value is not None
                          and type(binding.statement) is cst.SimpleStatementLine
                          and _is_mutable(binding.value)}
        return self.found

    def import_time(self, module: cst.Module) -> set[str]:
        """Functions the module runs while it is imported: used as decorators of its
        top-level classes and functions, or called by a top-level statement."""
        if self.at_import is None:
            definitions = [s for s in module.body if type(s) in (cst.FunctionDef, cst.ClassDef)]
            decorators = [d.decorator for s in definitions for d in s.decorators]
            calls = [small.value for s in module.body if type(s) is cst.SimpleStatementLine
                     for small in s.body if type(small) is cst.Expr]
            self.at_import = {dotted(n.func if type(n) is cst.Call else n) or ""
                              for n in decorators + calls}
        return self.at_import


_STATE_NODES = frozenset({cst.Global, cst.Nonlocal, cst.Call, cst.Assign, cst.AugAssign,
                          cst.AnnAssign})


class _RunState:
    """What ``run`` and the helpers it calls leave behind (items 1-3 of the explanation)."""

    def __init__(self, driver: DriverClass, class_names: set[str]) -> None:
        self.driver = driver
        self.class_names = class_names | {driver.name}
        inside_run = descendants(driver.run)
        methods = set(driver.methods.values())
        # run and the methods it reaches, at any depth (module functions hold no self).
        self.methods = [f for f in reached_functions(driver) if f is driver.run or f in methods]
        self.nodes = {method: inside_run if method is driver.run else descendants(method)
                      for method in self.methods}
        self.resets, self.reset_nodes = self._resets(inside_run)

    def findings(self):
        for method in self.methods:
            for param in (*method.params.params, *method.params.kwonly_params):
                if param.default is not None and _is_mutable(param.default):
                    yield method, param.default, f"mutable default {param.name.value}="
            for node in self.nodes[method]:
                if type(node) not in _STATE_NODES or node in self.reset_nodes:
                    continue  # most nodes: neither hashed nor looked at further
                what = self._leak(node)
                if what:
                    yield method, node, what

    def _leak(self, node: cst.CSTNode) -> str | None:
        if type(node) in (cst.Global, cst.Nonlocal):
            kind = "global" if type(node) is cst.Global else "nonlocal"
            return f"{kind} {', '.join(n.name.value for n in node.names)}"
        if type(node) is cst.Call and type(node.func) is cst.Attribute \
                and node.func.attr.value in CONTAINER_MUTATORS:
            attr = _self_attribute(node.func.value)
            return f"self.{attr}.{node.func.attr.value}(...)" \
                if attr and attr not in self.resets else None
        if type(node) not in (cst.Assign, cst.AugAssign, cst.AnnAssign):
            return None
        targets = [t.target for t in node.targets] if type(node) is cst.Assign \
            else [node.target]
        for target in (t for each in targets for t in _flat_targets(each)):
            owner = _class_owner(target, self.class_names)
            if owner:
                return f"assigning the class attribute {owner}"
            attr = _self_attribute(target)
            if attr is None or attr in self.resets:
                continue
            direct = type(target) is cst.Attribute and type(node) is cst.Assign
            if not (direct and _is_constant(node.value)):
                return f"assigning self.{attr}" if direct else f"writing into self.{attr}"
        return None

    def _resets(self, inside_run: list[cst.CSTNode]) -> tuple[set[str], set[cst.CSTNode]]:
        """Attributes the ``finally`` blocks of run, and the cleanups they call, reset."""
        final = [n for t in inside_run if type(t) is cst.Try and t.finalbody
                 for n in descendants(t.finalbody)]
        cleanups = {self_method_called(c) for c in final if type(c) is cst.Call}
        nodes = final + [n for name in cleanups - {None}
                         if (method := self.driver.method(name)) is not None
                         for n in descendants(method)]
        resets = {attr: node for node in nodes if (attr := _reset_attribute(node))}
        return set(resets), set(resets.values())


def _reset_attribute(node: cst.CSTNode) -> str | None:
    """``x`` for ``self.x = None`` (any constant or empty container), ``del self.x``,
    ``self.x.clear()``."""
    if type(node) is cst.Assign and len(node.targets) == 1 \
            and (_is_constant(node.value) or _is_empty(node.value)):
        return _direct_self_attribute(node.targets[0].target)
    if type(node) is cst.Del:
        return _direct_self_attribute(node.target)
    if type(node) is cst.Call and type(node.func) is cst.Attribute \
            and node.func.attr.value == "clear":
        return _direct_self_attribute(node.func.value)
    return None


def _direct_self_attribute(node: cst.BaseExpression) -> str | None:
    return node.attr.value if type(node) is cst.Attribute and dotted(node.value) == "self" \
        else None


def _self_attribute(node: cst.BaseExpression) -> str | None:
    """``x`` for ``self.x``, ``self.x[k]``, ``self.x.y`` (what ``node`` writes into)."""
    while type(node) in (cst.Subscript, cst.Attribute):
        if (attr := _direct_self_attribute(node)) is not None:
            return attr
        node = node.value
    return None


def _class_owner(target: cst.BaseExpression, class_names: set[str]) -> str | None:
    """``Driver.x``, ``type(self).x``, ``self.__class__.x``: the class attribute assigned."""
    if type(target) is not cst.Attribute:
        return None
    owner = target.value
    name = dotted(owner)
    is_class = name in class_names or name == "self.__class__" or (
        type(owner) is cst.Call and dotted(owner.func) == "type"
        and [dotted(a.value) for a in owner.args] == ["self"])
    return f"{name or 'type(self)'}.{target.attr.value}" if is_class else None


def _flat_targets(target: cst.BaseExpression):
    if type(target) in (cst.Tuple, cst.List):
        for element in target.elements:
            yield from _flat_targets(element.value)
    else:
        yield target


def _is_constant(node: cst.BaseExpression) -> bool:
    if type(node) in (cst.Integer, cst.Float, cst.Imaginary, cst.Ellipsis):
        return True
    if type(node) in (cst.SimpleString, cst.ConcatenatedString):
        return literal_string(node) is not None or type(node) is cst.SimpleString
    if type(node) is cst.Name:
        return node.value in ("None", "True", "False") or node.value.isupper()
    if type(node) is cst.UnaryOperation:
        return _is_constant(node.expression)
    if type(node) is cst.Tuple:
        return all(_is_constant(e.value) for e in node.elements)
    return False


def _is_empty(node: cst.BaseExpression) -> bool:
    if type(node) in (cst.List, cst.Dict, cst.Set):
        return not node.elements
    return type(node) is cst.Call and not node.args and _is_mutable(node)


def _is_mutable(node: cst.BaseExpression) -> bool:
    if isinstance(node, MUTABLE_LITERALS):
        return True
    if type(node) is cst.Call:
        name = dotted(node.func) or ""
        return name.rsplit(".", 1)[-1] in MUTABLE_FACTORIES
    return False


def _written_container(node: cst.CSTNode) -> str | None:
    """``NAME`` for ``NAME.append(...)`` (and the other mutators, also on ``NAME[k]``),
    ``NAME[k] = v``, ``NAME[k] += v``."""
    if type(node) is cst.Call:
        func = node.func
        if type(func) is cst.Attribute and func.attr.value in CONTAINER_MUTATORS:
            return _subscripted_name(func.value)
        return None
    targets = [t.target for t in node.targets] if type(node) is cst.Assign else [node.target]
    for target in targets:
        if type(target) is cst.Subscript and (name := _subscripted_name(target.value)):
            return name
    return None


def _subscripted_name(node: cst.BaseExpression) -> str | None:
    """``NAME`` for ``NAME``, ``NAME[k]``, ``NAME[k][j]``."""
    while type(node) is cst.Subscript:
        node = node.value
    return node.value if type(node) is cst.Name else None


def _code(node: cst.CSTNode) -> str:
    code = cst.Module(body=[]).code_for_node(node).split("\n")[0]
    return code if len(code) <= 40 else code[:37] + "..."
