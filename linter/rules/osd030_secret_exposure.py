"""OSD030 secret-exposure."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import libcst as cst

from ...contract.secrets import is_secret_name
from ..analysis.dataflow import ValueFlow, anchor, called_name, key
from ..analysis.drivers import DriverClass, literal_string, parameter_names
from ..analysis.filestate import PerFile
from ..analysis.held import EMPTY, NO_LABELS, Held, Labels
from ..analysis.metrics import self_method_called
from ..analysis.names import dotted
from ..engine.rule import Example, FileContext, Rule

WHOLE_DICTS = ("config", "resolved_connection")  # they hold the connection's secrets
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical",
                         "fatal", "log"})
CTX_METHODS = frozenset({"log_event", "log_metric"})
# Calls whose result carries what they were given.
# Calls that iterate their argument: over a dict, they see its keys only.
KEY_LISTS = frozenset({"list", "tuple", "set", "sorted", "frozenset"})
PASSING_CALLS = frozenset({"str", "repr", "format", "dict", "dumps", "pformat",
                           "copy", "deepcopy", "quote", "quote_plus", "urlencode", "join",
                           "items", "values", "encode", "decode", "strip", "lstrip", "rstrip",
                           "lower", "upper", "replace", "format_map"})
_MASKED = re.compile(r"\*+")


class SecretExposure(Rule):
    code = "OSD030"
    message = "{what} reaches {sink}; the contract says never log passwords: mask them " \
              "as \"***\" (or pass them through a mask/redact function)"
    whole_module = True
    subscribes = (cst.Call, cst.Raise)
    explanation = """
## What it checks
Secrets reaching a log call (`logging.*`, `logger.*`, any `<...log...>.info/debug/...`),
`ctx.log_event`, `ctx.log_metric`, `print`, `warnings.warn`, or the message of a raised
exception, anywhere in a module (test files excepted). A secret is:
- an entry of any dict (or an attribute) whose key names one: `password`, `passwd`, `pwd`,
  `secret`, `token`, `api_key`, `apikey`, `private_key`, `access_key`, compared without
  case or separators, as the runtime's masking does (`db_password`, `clientSecret`,
  `AWS_SECRET_ACCESS_KEY` are secrets), also `os.environ["DB_PASSWORD"]` and
  `os.getenv("API_TOKEN")`;
- a whole `config` or `resolved_connection` dict (`config` is `run`'s third parameter,
  and any parameter so named), `config["resolved_connection"]`, `self.config`;
- a parameter named as a secret;
- any name bound to one of those (also by tuple unpacking, loops over `.items()` /
  `.values()`, module-level assignments), and any string built from one with an f-string,
  `%`, `.format`, `+`, `str()`, `json.dumps()`, `join` and the like: a connection URL
  `f"postgresql://{user}:{password}@{host}/{db}"` is a secret.
Inside a driver, the helpers `run` reaches at any depth (methods through `self`, the
module's functions by name) see what their callers pass them, and a helper's return
value carries what the helper returns.

## Why
"NEVER log passwords: mask them as '***'". Logs and events are kept with the run,
shipped to log systems and pasted into tickets; a password in them is a leaked password.

## Accepted
Values passed through a function whose name contains `mask` or `redact`
(`mask_url(url)`, `redact(config)`), the literal `"***"` in place of the secret
(`{**conn, "password": "***"}` masks the spread dict), entries that are not secrets
(`conn["host"]`, `config["table"]`), and names that mention a secret but hold something
else (`token_count`, `password_file`, `token_url`).

## Fix
```python
logger.info("connecting to %s", mask_url(url))
ctx.log_event("connecting", {"host": conn["host"], "user": conn["user"], "password": "***"})
```

## Not followed
Per function, with the helpers a driver's `run` reaches; values returned by functions
of other modules, other than the string-building ones above, values rebuilt
by comprehensions, and exception objects (`str(e)`) are not followed. Decision: a key
that mentions a secret but ends like a count, file, path, name, type, URL, id, hash,
size, limit, timeout, format or a plural (`token_count`, `password_file`, `max_tokens`, a spec's
list of `secrets`) is not a secret, although the runtime masks it too; the keys of
`for key, value in config.items()` are not secrets, the values are; an attribute
`config` is the config dict only on `self` (`args.config` is usually a file name).
"""
    VALID = [
        Example("""
            import logging

            logger = logging.getLogger(__name__)

            def mask_url(url):
                return url.split("@")[-1]

            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = config["resolved_connection"]
                    url = f"postgresql://{conn['user']}:{conn['password']}@{conn['host']}/{conn['database']}"
                    logger.info("connecting to %s", mask_url(url))
                    ctx.log_event("connecting", {"host": conn["host"], "user": conn["user"],
                                                 "password": "***"})
                    logger.debug("config for %s: %s", step_id, {**conn, "password": "***"})
                    return {"df": self._read(url)}
        """, path="postgres_extractor_driver.py"),
        Example("""
            import warnings

            class MysqlWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    token_count = len(config.get("tokens", []))
                    password_file = config.get("password_file")
                    ctx.log_metric("rows_written", len(inputs["df"]), tokens=token_count)
                    if not config["resolved_connection"].get("password"):
                        raise ValueError("resolved_connection has no 'password'")
                    warnings.warn(f"reading the password from {password_file}")
                    try:
                        self._write(inputs["df"], config)
                    except KeyError:
                        raise
                    return {}
        """, path="mysql_writer_driver.py"),
        Example("""
            import logging

            log = logging.getLogger("osiris.api")

            def redact(value):
                return "***"

            def fetch(session, url, api_key, table):
                log.info("GET %s (key %s) for %s", url, redact(api_key), table)
                response = session.get(url, headers={"Authorization": f"Bearer {api_key}"})
                if response.status_code == 401:
                    raise PermissionError(f"the API rejected the key for {url}")
                return response.json()
        """, path="api_client.py"),
        Example("""
            import logging

            logger = logging.getLogger("osiris.validate")

            def validate(args, config, usage, spec):
                logger.info("validating %s", args.config)
                for key, value in config.items():
                    if key not in ("host", "user", "password"):
                        raise KeyError(f"unknown connection key {key!r}")
                logger.info("used %s tokens, config keys %s", usage.get("total_tokens", 0),
                            sorted(config))
                print({"secrets": spec.get("secrets", []), "name": spec["name"]})
        """, path="validate_cmd.py"),
    ]
    INVALID = [
        Example("""
            import logging

            logger = logging.getLogger(__name__)


            def _password(connection):
                return connection.get("password")


            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    logger.info("as %s", _password(config["resolved_connection"]))  # expect: OSD030
                    return {"df": None}
        """, path="postgres_extractor_driver.py"),
        Example("""
            import logging

            logger = logging.getLogger(__name__)

            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = config["resolved_connection"]
                    user, password = conn["user"], conn["password"]
                    url = f"postgresql://{user}:{password}@{conn['host']}/{conn['database']}"
                    logger.info(f"connecting to {url}")  # expect: OSD030
                    try:
                        return {"df": self._read(url)}
                    except OSError:
                        error = ConnectionError(f"cannot reach {url}")
                        raise error  # expect: OSD030
        """, path="postgres_extractor_driver.py"),
        Example("""
            import logging

            class MysqlWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    logging.debug("running with config %s", config)  # expect: OSD030
                    ctx.log_event("started", {"connection": config["resolved_connection"]})  # expect: OSD030
                    self._connect(config["resolved_connection"])
                    return {}

                def _connect(self, params):
                    secret = params.get("password")
                    dsn = "mysql://%s:%s@%s" % (params["user"], secret, params["host"])
                    if not params.get("host"):
                        raise ConnectionError("cannot connect with " + dsn)  # expect: OSD030
                    print(repr(params))  # expect: OSD030
        """, path="mysql_writer_driver.py"),
        Example("""
            import os
            import warnings

            API_TOKEN = os.environ.get("SHOP_API_TOKEN", "")
            HEADERS = {"Authorization": "Bearer " + API_TOKEN}

            def fetch(session, url, client_secret):
                warnings.warn(f"retrying {url} with {HEADERS}")  # expect: OSD030
                try:
                    return session.get(url, headers=HEADERS, auth=("app", client_secret))
                except OSError as error:
                    raise RuntimeError(f"{url} failed with {client_secret}") from error  # expect: OSD030


            class ShopExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {"df": fetch(self.session, config["url"], config["client_secret"])}
        """, path="shop_extractor_driver.py"),
        Example("""
            import logging

            logger = logging.getLogger(__name__)

            class SnowflakeExtractorDriver:
                def __init__(self, config):
                    self._config = config

                def run(self, step_id, config, inputs, ctx):
                    for name, value in config["resolved_connection"].items():
                        logger.debug("connection %s = %s", name, value)  # expect: OSD030
                    logger.debug("driver config: %s", self._config)  # expect: OSD030
                    values = list(config["resolved_connection"].values())
                    ctx.log_event("connection", {"values": values})  # expect: OSD030
                    return {"df": self._read(config)}
        """, path="snowflake_extractor_driver.py"),
    ]

    def __init__(self) -> None:
        self.gathered: PerFile[_Gathered] = PerFile(_Gathered)

    def visit(self, node: cst.Call | cst.Raise, file: FileContext,
              driver: DriverClass | None) -> None:
        if type(node) is cst.Raise:
            sink = "a raised exception's message" if _may_carry(node.exc) else None
            helper = False
        else:
            sink = _sink(node, file)
            helper = not sink and driver is not None and self_method_called(node) is not None
            if sink and not any(_may_carry(a.value) for a in node.args):
                sink = None
        if not (sink or helper):
            return
        where = anchor(file.ancestors, node)
        if where is None:
            return
        function, statement = where
        gathered = self.gathered(file)
        gathered.parts[statement].append(node)
        if sink:
            gathered.sinks[node] = sink
            if function is None:
                gathered.outside_functions.append(statement)
            else:
                gathered.functions.add(function)

    def check_file(self, file: FileContext) -> None:
        gathered = self.gathered.take(file)
        if gathered is None or not gathered.sinks:
            return
        secrets = _Secrets(self, file, gathered)
        module = secrets.module_state(file.module.body)
        for driver in file.drivers:
            names = parameter_names(driver.run)
            start = module.adding(names[2], {"config"}) if len(names) > 2 else module
            secrets.analyse_driver(driver, start)
        for function in gathered.functions - secrets.analysed:
            secrets.analyse(function, module)
        for statement in gathered.outside_functions:
            secrets.check(statement, module, gathered.parts[statement])


@dataclass
class _Gathered:
    """Sinks, raises and ``self.<helper>()`` calls, by the statement that holds them."""

    parts: dict[cst.CSTNode, list[cst.CSTNode]] = field(default_factory=lambda: defaultdict(list))
    sinks: dict[cst.CSTNode, str] = field(default_factory=dict)
    functions: set[cst.FunctionDef] = field(default_factory=set)  # those that hold a sink
    outside_functions: list[cst.CSTNode] = field(default_factory=list)  # statements with one


def _may_carry(node: cst.BaseExpression | None) -> bool:
    """Whether a value could hold a secret: not a literal (``raise ValueError("...")``)."""
    if node is None or type(node) in (cst.SimpleString, cst.Integer, cst.Float):
        return False
    if type(node) is cst.Call:  # config.get("password") carries what config holds
        receiver = node.func.value if type(node.func) is cst.Attribute else None
        return (receiver is not None and _may_carry(receiver)) \
            or any(_may_carry(a.value) for a in node.args)
    if type(node) is cst.ConcatenatedString:
        return _may_carry(node.left) or _may_carry(node.right)
    if type(node) is cst.FormattedString:
        return any(type(p) is cst.FormattedStringExpression for p in node.parts)
    return not (type(node) is cst.Name and node.value in ("None", "True", "False"))


def _sink(call: cst.Call, file: FileContext) -> str | None:
    """What kind of output ``call`` is, if it is one that OSD030 watches."""
    func = call.func
    target = file.imports.qualify(func)
    if target in ("print", "warnings.warn"):
        return f"{target}(...)"
    if type(func) is not cst.Attribute:
        return None
    method = func.attr.value
    if method in CTX_METHODS:
        return f"{method}(...)"
    receiver = dotted(func.value) or called_name(func.value)
    if method in LOG_METHODS and ("log" in receiver.lower() or receiver == "getLogger"):
        return f"{receiver}.{method}(...)"
    return None


class _Secrets(ValueFlow):
    """Labels: what secret a value carries (a key name such as ``password``, or
    ``config`` / ``resolved_connection`` for a whole dict)."""

    def __init__(self, rule: SecretExposure, file: FileContext, gathered: _Gathered) -> None:
        super().__init__()
        self.rule = rule
        self.file = file
        self.gathered = gathered
        self.reported: set[cst.CSTNode] = set()
        self.analysed: set[cst.FunctionDef] = set()

    def parts(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        return self.gathered.parts.get(node, [])

    def analyse(self, function: cst.FunctionDef, start: Held = EMPTY):
        self.analysed.add(function)
        own = {(name, name) for name in parameter_names(function)
               if name in WHOLE_DICTS or is_secret_name(name)}
        return super().analyse(function, start.union(Held.of(own)))

    def module_state(self, body) -> Held:
        """The secrets held by module-level names (``TOKEN = os.environ["API_TOKEN"]``)."""
        state = EMPTY
        for statement in body:
            if type(statement) is cst.SimpleStatementLine:
                for small in statement.body:
                    state = self.bind(small, state)
        return state

    # -- labels ------------------------------------------------------------------------
    def labels(self, node: cst.BaseExpression, state: Held) -> Labels:
        if (name := key(node)) is not None and (held := state.labels_of(name)):
            return held
        if type(node) is cst.Subscript:
            index = node.slice[0].slice if len(node.slice) == 1 else None
            literal = literal_string(index.value) if type(index) is cst.Index else None
            return _by_key(literal) if literal is not None else self.labels(node.value, state)
        if type(node) is cst.Attribute:
            name = node.attr.value.lstrip("_")
            if name in WHOLE_DICTS:  # args.config is a path; self.config is the step's config
                return frozenset({name}) if dotted(node.value) == "self" else NO_LABELS
            return _by_key(name)
        if type(node) is cst.Call:
            return self._call(node, state)
        if type(node) is cst.Dict:
            return self._dict(node, state)
        if type(node) is cst.FormattedString:
            return self._all([p.expression for p in node.parts
                              if type(p) is cst.FormattedStringExpression], state)
        if type(node) is cst.IfExp:
            return self._all([node.body, node.orelse], state)
        if type(node) in (cst.BinaryOperation, cst.BooleanOperation, cst.ConcatenatedString):
            return self._all([node.left, node.right], state)
        if type(node) in (cst.List, cst.Tuple, cst.Set):
            return self._all([e.value for e in node.elements], state)
        return NO_LABELS

    def pair_labels(self, node: cst.BaseExpression, state: Held) -> tuple[Labels, Labels] | None:
        """``for key, value in d.items()``: the keys are names, not secrets."""
        if type(node) is cst.Call and called_name(node) == "items":
            return NO_LABELS, self.labels(node, state)
        return None

    def element_labels(self, node: cst.BaseExpression, state: Held) -> Labels:
        """Iterating over a dict yields its keys: only ``.items()``/``.values()`` carry."""
        if type(node) is cst.Call and called_name(node) in ("items", "values"):
            return self.labels(node, state)
        if type(node) in (cst.List, cst.Tuple):
            return self.labels(node, state)
        return NO_LABELS

    def _all(self, nodes, state: Held) -> Labels:
        return frozenset().union(*(self.labels(n, state) for n in nodes))

    def _call(self, call: cst.Call, state: Held) -> Labels:
        name = called_name(call)
        lowered = name.lower()
        if "mask" in lowered or "redact" in lowered:
            return NO_LABELS
        if name in ("get", "getenv") and call.args \
                and (literal := literal_string(call.args[0].value)) is not None:
            return _by_key(literal)
        returned = self.returned_labels(call, state)
        if returned is not None:  # a helper of the module: what it returns
            return returned
        args = [a.value for a in call.args]
        if name == "replace" and len(args) > 1 and _MASKED.fullmatch(literal_string(args[1]) or ""):
            return NO_LABELS
        if name in KEY_LISTS and len(args) == 1:
            found = self.labels(args[0], state)
            if called_name(args[0]) in ("items", "values"):
                return found
            return found - set(WHOLE_DICTS)  # list(config): its keys, not its values
        if name in PASSING_CALLS or name.endswith(("Error", "Exception", "Warning")):
            receiver = [call.func.value] if type(call.func) is cst.Attribute else []
            return self._all(receiver + args, state)
        return NO_LABELS

    def _dict(self, node: cst.Dict, state: Held) -> Labels:
        """A dict literal carries its values; ``{**conn, "password": "***"}`` masks ``conn``."""
        found, spread, masked = set(), set(), False
        for element in node.elements:
            if type(element) is cst.StarredDictElement:
                spread |= self.labels(element.value, state)
                continue
            labels = self.labels(element.value, state)
            found |= labels
            name = literal_string(element.key)
            masked = masked or (name is not None and is_secret_name(name) and not labels)
        if masked:
            spread -= set(WHOLE_DICTS)
        return frozenset(found | spread)

    # -- checks --------------------------------------------------------------------------
    def check(self, node: cst.CSTNode, state: Held, parts: list[cst.CSTNode]) -> None:
        for part in parts:
            sink = self.gathered.sinks.get(part)
            if sink is None or part in self.reported:
                continue
            raised = part.exc if type(part) is cst.Raise else None
            found = self._all([a.value for a in part.args], state) if raised is None \
                else self.labels(raised, state)
            if found:
                self.reported.add(part)
                self.file.report(self.rule, part, what=_describe(found), sink=sink)


def _by_key(name: str) -> Labels:
    if name in WHOLE_DICTS:
        return frozenset({name})
    return frozenset({name}) if is_secret_name(name) else NO_LABELS


def _describe(labels: Labels) -> str:
    secrets = sorted(label for label in labels if label not in WHOLE_DICTS)
    if secrets:
        return f"the secret {secrets[0]!r}"
    return f"the whole {sorted(labels)[0]} dict (it holds the connection's secrets)"
