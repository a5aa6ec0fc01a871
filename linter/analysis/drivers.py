"""The driver classes and registration calls of one file, with their nodes.

Found from the module's top level (classes, import-time registrations) before
the rules' walk, so rules know during the walk which classes are drivers.
Registrations elsewhere in the project arrive as ``external_keys``.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import libcst as cst

from . import categories
from .names import ImportMap, dotted


@dataclass(frozen=True)
class RegistrationCall:
    node: cst.Call
    key: str | None  # the key when it is a string literal
    target: cst.BaseExpression | None
    target_name: str | None  # dotted name of the registered class (``X`` in ``X()`` or ``X``)
    form: str  # "instance" (X()), "class" (X) or "other"
    at_import: bool  # an unconditional module-level statement
    statement: int | None  # its index in module.body when at_import
    key_node: cst.BaseExpression | None = None  # the key argument as written


@dataclass
class DriverClass:
    node: cst.ClassDef
    name: str
    statement: int  # index in module.body
    run: cst.FunctionDef
    methods: dict[str, cst.FunctionDef]
    category: str | None
    category_source: str | None
    keys: list[str] = field(default_factory=list)
    abstract: bool = False  # Base*/Abstract*/ABC: exempt from needing a registration
    # run has no body of its own to check: it only raises NotImplementedError (or is ...),
    # or only returns what a function of the module returns (work the rules do not follow).
    opaque_run: bool = False
    # The module's top-level functions: helpers run may call by name (reach.py).
    functions: dict[str, cst.FunctionDef] = field(default_factory=dict, repr=False)
    # What several rules compute about the same methods (reach.py), kept while the file is linted.
    shared: dict = field(default_factory=dict, repr=False, compare=False)

    def method(self, name: str) -> cst.FunctionDef | None:
        return self.methods.get(name)


def literal_string(node: cst.BaseExpression | None) -> str | None:
    """The value of a string literal (not bytes, not an f-string), else None."""
    if type(node) is cst.SimpleString:
        text = node.value
        quote = text[-1]
        if text[0] == quote and "\\" not in text:  # no prefix, no escapes: the common case
            width = 3 if text.startswith(quote * 3) and len(text) >= 6 else 1
            return text[width:-width]
    if type(node) in (cst.SimpleString, cst.ConcatenatedString):
        try:
            with warnings.catch_warnings():  # "\d": SyntaxWarning on the linter's stderr (3.12+)
                warnings.simplefilter("ignore")
                value = node.evaluated_value  # ast.literal_eval: compiles the literal
        except (SyntaxError, ValueError):  # an escape CPython refuses ("\url"): LibCST parses it
            return None
        return value if isinstance(value, str) else None
    return None


def assigned_value(body, name: str) -> cst.BaseExpression | None:
    """The value of the only ``name = ...`` among the top-level statements of ``body``
    (a module's or a class's): a constant the rules may read. None if bound otherwise."""
    found = None
    for statement in body:
        for small in statement.body if type(statement) is cst.SimpleStatementLine else ():
            if type(small) is cst.Assign:
                targets = [t.target for t in small.targets]
            elif type(small) in (cst.AnnAssign, cst.AugAssign):
                targets = [small.target]
            else:
                continue
            if any(type(t) is cst.Name and t.value == name for t in targets):
                if found is not None or small.value is None or type(small) is cst.AugAssign:
                    return None
                found = small.value
    return found


def subscript_index(node: cst.Subscript) -> cst.BaseExpression | None:
    """``"key"`` in ``config["key"]``: the index of a one-element, non-slice subscript."""
    element = node.slice[0].slice if len(node.slice) == 1 else None
    return element.value if type(element) is cst.Index else None


def subscript_key(node: cst.Subscript) -> str | None:
    """``"df"`` for ``x["df"]``: the literal string key of a one-element subscript."""
    return literal_string(subscript_index(node))


# ``def run`` indented: a method (a module-level ``def run`` is no driver's).
_RUN_METHOD = re.compile(rb"\n[ \t]+(?:async[ \t]+)?def[ \t]+run\b")


def may_hold_driver(data: bytes) -> bool:
    """Whether a file's bytes could define a driver (a class with a ``run`` method) or
    register one: a look at the text, no parse. The files it rules out get no finding
    but CPython's syntax verdict."""
    return may_register(data) or _RUN_METHOD.search(data) is not None


def may_register(data: bytes) -> bool:
    """Whether a file's bytes could register a driver: a registration names
    ``DriverRegistry`` (is_register_call), at least where the name is imported."""
    return b"DriverRegistry" in data


def is_register_call(call: cst.Call, imports: ImportMap) -> bool:
    """``DriverRegistry.register(...)``, also through an imported alias of the class."""
    func = call.func
    if not (type(func) is cst.Attribute and func.attr.value == "register"):
        return False
    owner = imports.qualify(func.value)
    return owner is not None and (owner == "DriverRegistry" or owner.endswith(".DriverRegistry"))


def registration(call: cst.Call, at_import: bool, statement: int | None) -> RegistrationCall:
    key_node = _argument(call, 0, "key")
    target = _argument(call, 1, "target")
    if type(target) is cst.Call:
        name, form = dotted(target.func), "instance"
    else:
        name = dotted(target) if target is not None else None
        form = "class" if name else "other"
    return RegistrationCall(call, literal_string(key_node), target, name,
                            form if name else "other", at_import, statement, key_node)


def _argument(call: cst.Call, position: int, keyword: str) -> cst.BaseExpression | None:
    """The argument passed at ``position`` or as ``keyword=`` (``Registry.register(key, target)``)."""
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if position < len(positional):
        return positional[position].value
    return next((a.value for a in call.args if a.keyword and a.keyword.value == keyword), None)


def import_time_registrations(module: cst.Module, imports: ImportMap) -> list[RegistrationCall]:
    found = []
    for index, statement in enumerate(module.body):
        if type(statement) is cst.SimpleStatementLine:
            for small in statement.body:
                if type(small) is cst.Expr and type(small.value) is cst.Call \
                        and is_register_call(small.value, imports):
                    found.append(registration(small.value, True, index))
    return found


def top_level_imports(module: cst.Module) -> ImportMap:
    imports = ImportMap()
    for statement in module.body:
        if type(statement) is cst.SimpleStatementLine:
            for small in statement.body:
                if type(small) in (cst.Import, cst.ImportFrom):
                    imports.add(small)
    return imports


def find_drivers(module: cst.Module, path: str, registrations: list[RegistrationCall],
                 external_keys: dict[str, list[str]] | None = None,
                 naming: categories.Naming = categories.CONTRACT) -> list[DriverClass]:
    """Top-level classes with a ``run`` that the catalogue calls drivers."""
    keys_by_class: dict[str, list[str]] = {}
    for reg in registrations:
        if reg.target_name:
            keys_by_class.setdefault(reg.target_name, []).append(reg.key or "")
    for name, keys in (external_keys or {}).items():
        keys_by_class.setdefault(name, []).extend(keys)
    drivers = []
    functions = {s.name.value: s for s in module.body if type(s) is cst.FunctionDef}
    for index, statement in enumerate(module.body):
        if type(statement) is not cst.ClassDef:
            continue
        methods = methods_of(statement)
        name = statement.name.value
        registered = name in keys_by_class
        if "run" not in methods or not categories.is_driver(path, name, registered):
            continue
        keys = [k for k in keys_by_class.get(name, []) if k]
        category, source = naming.resolve(path, name, keys)
        drivers.append(DriverClass(
            node=statement, name=name, statement=index, run=methods["run"], methods=methods,
            category=category, category_source=source, keys=keys,
            abstract=_is_abstract(statement), functions=functions,
            opaque_run=_is_abstract_method(methods["run"]) or _delegates(methods["run"], functions)))
    return drivers


def methods_of(node: cst.ClassDef) -> dict[str, cst.FunctionDef]:
    body = node.body.body if type(node.body) is cst.IndentedBlock else ()
    return {s.name.value: s for s in body if type(s) is cst.FunctionDef}


def built_without_arguments(node: cst.ClassDef) -> bool:
    """``Class()`` works: its own ``__init__`` (if any) needs nothing but ``self``."""
    init = methods_of(node).get("__init__")
    if init is None:
        return True
    params = init.params
    required = [p for p in (*params.posonly_params, *params.params, *params.kwonly_params)
                if p.default is None]
    return len(required) <= 1  # self


def _is_abstract(node: cst.ClassDef) -> bool:
    if categories.is_abstract_name(node.name.value):
        return True
    for base in node.bases:
        name = dotted(base.value) or ""
        if base.keyword is None and name.split(".")[-1] in ("ABC", "Protocol"):
            return True
        if base.keyword is not None and base.keyword.value == "metaclass" \
                and name.split(".")[-1] == "ABCMeta":
            return True
    return False


def _is_abstract_method(run: cst.FunctionDef) -> bool:
    if any((dotted(d.decorator) or "").endswith("abstractmethod") for d in run.decorators):
        return True
    statements = body_statements(run)
    return bool(statements) and all(_is_placeholder(s) for s in statements)


def _delegates(run: cst.FunctionDef, functions: dict[str, cst.FunctionDef]) -> bool:
    """``return run(step_id=step_id, ...)``: run hands everything to a module function."""
    statements = body_statements(run)
    if len(statements) != 1 or type(statements[0]) is not cst.SimpleStatementLine:
        return False
    small = statements[0].body[0]
    return (type(small) is cst.Return and type(small.value) is cst.Call
            and type(small.value.func) is cst.Name and small.value.func.value in functions)


def _is_placeholder(statement: cst.BaseStatement) -> bool:
    if type(statement) is not cst.SimpleStatementLine or len(statement.body) != 1:
        return False
    small = statement.body[0]
    if type(small) is cst.Pass:
        return True
    if type(small) is cst.Expr and type(small.value) is cst.Ellipsis:
        return True
    if type(small) is cst.Raise and small.exc is not None:
        raised = small.exc.func if type(small.exc) is cst.Call else small.exc
        return dotted(raised) == "NotImplementedError"
    return False


def body_statements(function: cst.FunctionDef) -> list[cst.BaseStatement]:
    """The statements of a function, without its docstring."""
    body = list(function.body.body) if type(function.body) is cst.IndentedBlock else []
    if body and type(body[0]) is cst.SimpleStatementLine and len(body[0].body) == 1:
        first = body[0].body[0]
        if type(first) is cst.Expr and type(first.value) in (cst.SimpleString,
                                                                   cst.ConcatenatedString):
            body = body[1:]
    return body


def parameter_names(function: cst.FunctionDef) -> list[str]:
    """Names of the positional and keyword-only parameters, in order."""
    params = function.params
    return [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]


def config_name(function: cst.FunctionDef) -> str:
    """What ``run`` calls its configuration: the third parameter, ``config`` by contract."""
    return _contract_parameter(function, 2, "config")


def inputs_name(function: cst.FunctionDef) -> str:
    """What ``run`` calls its inputs: the fourth parameter, ``inputs`` by contract."""
    return _contract_parameter(function, 3, "inputs")


def ctx_name(function: cst.FunctionDef) -> str:
    """What ``run`` calls its context: the fifth parameter, ``ctx`` by contract."""
    return _contract_parameter(function, 4, "ctx")


def _contract_parameter(function: cst.FunctionDef, position: int, default: str) -> str:
    """The parameter named as the contract names it (runners pass them by keyword), else
    the one at the contract's position (``self`` counted)."""
    names = parameter_names(function)
    if default in names:
        return default
    return names[position] if len(names) > position else default
