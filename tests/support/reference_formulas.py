"""An independent plain-Python evaluator of the formula language and the calculation rules.

It never runs the published JavaScript: it is a second implementation of docs/data-formats.md,
used as a test oracle (both must agree to the last digit and word) and as the plain-Python
baseline of the calculator benchmark. Arithmetic is IEEE double in the order written, as in the
JavaScript; the messages are the JavaScript's, so disagreements show up as failed comparisons.
"""

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from offchain.errors import CalculationError, FormulaSyntaxError

DECIMALS = Decimal("0.000001")
EXACT = Context(prec=400)  # doubles reach 1.8e308; quantizing must never run out of digits
WHITESPACE = frozenset(" \t\n\r\u00a0\u3000")
OPERATORS = {"+": "+", "-": "-", "−": "-", "×": "*", "*": "*", "·": "*", "÷": "/", "/": "/"}
CLOSER = {"(": ")", "[": "]"}
EXPECT_OPERAND = "expected a number, a symbol, sum(…), '(' or '['"
RESERVED_KEYS = frozenset({"unit", "evidence", "items"})
PARAMETER_COUNT = {"co": 0, "od": 1, "sd": 2}
DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")
_MISSING = object()

# ---------------------------------------------------------------- syntax tree


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Sym:
    name: str


@dataclass(frozen=True)
class Neg:
    operand: "Node"


@dataclass(frozen=True)
class Bin:
    op: str  # one of + - * /
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class Sum:
    body: "Node"


Node = Num | Sym | Neg | Bin | Sum

# ---------------------------------------------------------------- tokenizer and parser


@dataclass(frozen=True)
class Token:
    kind: str  # num sym op open close sum end bad
    text: str
    pos: int  # 1-based character position
    op: str = ""


def _is_symbol_start(ch: str) -> bool:
    return ch == "_" or ("A" <= ch <= "Z") or ("a" <= ch <= "z")


def _is_symbol_part(ch: str) -> bool:
    return _is_symbol_start(ch) or "0" <= ch <= "9"


class _Scanner:
    """Produces one token at a time, so the leftmost error is the one reported."""

    def __init__(self, src: str, where: str) -> None:
        self.src = src
        self.where = where
        self.i = 0

    def _skip_space(self) -> None:
        while self.i < len(self.src) and self.src[self.i] in WHITESPACE:
            self.i += 1

    def peek_char(self) -> str:
        j = self.i
        while j < len(self.src) and self.src[j] in WHITESPACE:
            j += 1
        return self.src[j] if j < len(self.src) else ""

    def next(self) -> Token:
        self._skip_space()
        src, i = self.src, self.i
        pos = i + 1
        if i >= len(src):
            return Token("end", "", pos)
        ch = src[i]
        if "0" <= ch <= "9":
            return self._number(i)
        if _is_symbol_start(ch):
            j = i
            while j < len(src) and _is_symbol_part(src[j]):
                j += 1
            self.i = j
            return Token("sym", src[i:j], pos)
        self.i = i + 1
        if ch in OPERATORS:
            return Token("op", ch, pos, OPERATORS[ch])
        if ch in "([":
            return Token("open", ch, pos)
        if ch in ")]":
            return Token("close", ch, pos)
        if ch == "∑":
            return Token("sum", ch, pos)
        return Token("bad", ch, pos)

    def _number(self, i: int) -> Token:
        src, j = self.src, i
        while j < len(src) and "0" <= src[j] <= "9":
            j += 1
        if j < len(src) and src[j] == ".":
            j += 1
            if not (j < len(src) and "0" <= src[j] <= "9"):
                raise FormulaSyntaxError(
                    f"{self.where}expected a digit after '.' at position {j + 1}"
                )
            while j < len(src) and "0" <= src[j] <= "9":
                j += 1
        self.i = j
        return Token("num", src[i:j], i + 1)


class _Parser:
    def __init__(self, src: str, where: str, allow_sum: bool) -> None:
        self.scanner = _Scanner(src, where)
        self.where = where
        self.allow_sum = allow_sum
        self.opens: list[Token] = []
        self.in_sum = False
        self.tok = self.scanner.next()

    def advance(self) -> None:
        self.tok = self.scanner.next()

    def fail(self, what: str, expected: str) -> FormulaSyntaxError:
        return FormulaSyntaxError(f"{self.where}{what} at position {self.tok.pos}; {expected}")

    def unexpected(self, expected: str) -> FormulaSyntaxError:
        tok = self.tok
        if tok.kind == "end":
            return self.fail("unexpected end of formula", expected)
        if tok.kind == "bad" and tok.text == "=":
            return self.fail(
                "unexpected '='", expected + " (a formula is the right-hand side only)"
            )
        return self.fail(f"unexpected '{tok.text}'", expected)

    def after_operand(self) -> str:
        if not self.opens:
            return "expected operator or end"
        open_ = self.opens[-1]
        closer = CLOSER[open_.text]
        return f"expected operator or '{closer}' to close '{open_.text}' at position {open_.pos}"

    def formula(self) -> Node:
        node = self.expr()
        if self.tok.kind != "end":
            if self.tok.kind == "close":
                raise self.fail(f"unbalanced '{self.tok.text}'", self.after_operand())
            raise self.unexpected(self.after_operand())
        return node

    def expr(self) -> Node:
        left = self.term()
        while self.tok.kind == "op" and self.tok.op in "+-":
            op = self.tok.op
            self.advance()
            left = Bin(op, left, self.term())
        return left

    def term(self) -> Node:
        left = self.unary()
        while self.tok.kind == "op" and self.tok.op in "*/":
            op = self.tok.op
            self.advance()
            left = Bin(op, left, self.unary())
        return left

    def unary(self) -> Node:
        if self.tok.kind == "op" and self.tok.op == "-":
            self.advance()
            return Neg(self.unary())
        return self.primary()

    def primary(self) -> Node:
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            return Num(float(tok.text))
        if tok.kind == "sum" or (tok.kind == "sym" and tok.text == "sum"):
            return self.sum_call()
        if tok.kind == "sym":
            if self.scanner.peek_char() == "(":
                raise self.fail(f"unknown function '{tok.text}'", "expected sum(…) or ∑(…)")
            self.advance()
            return Sym(tok.text)
        if tok.kind == "open":
            self.advance()
            return self.bracketed(tok)
        if tok.kind == "close" and not self.opens:
            raise self.fail(f"unbalanced '{tok.text}'", EXPECT_OPERAND)
        raise self.unexpected(EXPECT_OPERAND)

    def bracketed(self, open_: Token) -> Node:
        self.opens.append(open_)
        node = self.expr()
        if self.tok.kind != "close":
            raise self.unexpected(self.after_operand())
        if self.tok.text != CLOSER[open_.text]:
            raise self.fail(f"mismatched '{self.tok.text}'", self.after_operand())
        self.opens.pop()
        self.advance()
        return node

    def sum_call(self) -> Node:
        name = self.tok.text
        if not self.allow_sum:
            raise self.fail(
                f"unexpected '{name}'",
                "an emission_summary combines item totals and has no sub-records to sum",
            )
        if self.in_sum:
            raise self.fail(f"nested {name}(…)", "sum(…) cannot contain another sum(…)")
        self.advance()
        if not (self.tok.kind == "open" and self.tok.text == "("):
            raise self.unexpected(f"expected '(' after '{name}'")
        open_ = self.tok
        self.advance()
        self.in_sum = True
        body = self.bracketed(open_)
        self.in_sum = False
        return Sum(body)


def parse(formula: Any, where: str = "", allow_sum: bool = True) -> Node:
    """Parses the right-hand side of a formula; `where` prefixes every error message."""
    if not isinstance(formula, str):
        raise FormulaSyntaxError(f"{where}'formula' must be a string, got {_type_name(formula)}")
    return _Parser(formula, where, allow_sum).formula()


def symbols(node: Node) -> list[str]:
    """The symbols of a formula, in order of first appearance."""
    found: dict[str, None] = {}

    def walk(n: Node) -> None:
        if isinstance(n, Sym):
            found.setdefault(n.name, None)
        elif isinstance(n, Neg | Sum):
            walk(n.operand if isinstance(n, Neg) else n.body)
        elif isinstance(n, Bin):
            walk(n.left)
            walk(n.right)

    walk(node)
    return list(found)


def has_sum(node: Node) -> bool:
    if isinstance(node, Sum):
        return True
    if isinstance(node, Neg):
        return has_sum(node.operand)
    if isinstance(node, Bin):
        return has_sum(node.left) or has_sum(node.right)
    return False


def to_text(node: Node) -> str:
    """Fully bracketed ASCII text of a tree; parsing it gives the same tree."""
    if isinstance(node, Num):
        return _number_literal(node.value)
    if isinstance(node, Sym):
        return node.name
    if isinstance(node, Neg):
        return f"-({to_text(node.operand)})"
    if isinstance(node, Sum):
        return f"sum({to_text(node.body)})"
    return f"({to_text(node.left)} {node.op} {to_text(node.right)})"


def _number_literal(value: float) -> str:
    text = format(Decimal(repr(value)), "f")
    return text[:-2] if text.endswith(".0") else text


# ---------------------------------------------------------------- IEEE arithmetic


def _divide(a: float, b: float) -> float:
    if b != 0.0:
        return a / b
    if a == 0.0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _apply(op: str, a: float, b: float) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return _divide(a, b)


def _fold(node: Node) -> Node:
    """Evaluates constant sub-trees once; the same IEEE operations, so the same result."""
    if isinstance(node, Neg):
        inner = _fold(node.operand)
        return Num(-inner.value) if isinstance(inner, Num) else Neg(inner)
    if isinstance(node, Bin):
        left, right = _fold(node.left), _fold(node.right)
        if isinstance(left, Num) and isinstance(right, Num):
            return Num(_apply(node.op, left.value, right.value))
        return Bin(node.op, left, right)
    if isinstance(node, Sum):
        return Sum(_fold(node.body))
    return node


def round6(x: float) -> str:
    """The shortest decimal of x (repr), rounded half away from zero to six places.

    From 2^53 up every double is an integer; engines differ in which equally short decimal they
    print there, so the exact integer is used.
    """
    if abs(x) >= 2**53:
        return f"{int(x)}.000000"
    exact = Decimal(repr(float(x)))
    text = format(exact.quantize(DECIMALS, rounding=ROUND_HALF_UP, context=EXACT), "f")
    return "0.000000" if text == "-0.000000" else text


def js_number(x: float) -> str:
    """ECMAScript Number::toString of a double (shortest digits, JS exponent rules)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign, digits, exponent = Decimal(repr(float(x))).normalize().as_tuple()
    ds = "".join(map(str, digits))
    k, n = len(ds), len(ds) + int(exponent)
    if k <= n <= 21:
        body = ds + "0" * (n - k)
    elif 0 < n <= 21:
        body = ds[:n] + "." + ds[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + ds
    else:
        e = n - 1
        mantissa = ds[0] + ("." + ds[1:] if k > 1 else "")
        body = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return ("-" if sign else "") + body


# ---------------------------------------------------------------- JSON value helpers


def _is_number(v: Any) -> bool:
    return v.__class__ is float or v.__class__ is int


def _type_name(v: Any) -> str:
    if v is _MISSING:
        return "undefined"  # what JavaScript reads for a key that is not there
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, list):
        return "list"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    return "object"


def _js_string(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if _is_number(v):
        return js_number(float(v))
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return ",".join("" if e is None else _js_string(e) for e in v)
    return "[object Object]"


def _js_keys(obj: dict[str, Any]) -> list[str]:
    """Own keys in JavaScript order: array indices ascending first, then insertion order."""
    indices = [k for k in obj if ARRAY_INDEX.fullmatch(k) and int(k) < 2**32 - 1]
    rest = [k for k in obj if not (ARRAY_INDEX.fullmatch(k) and int(k) < 2**32 - 1)]
    return sorted(indices, key=int) + rest


def _index_name(lib: Any, fallback: str) -> str:
    meta = lib.get("meta") if isinstance(lib, dict) else None
    name = meta.get("index_name") if isinstance(meta, dict) else None
    return name if isinstance(name, str) else fallback


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: a swap of neighbours (fule/fuel) is one edit."""
    d = [[i] + [0] * len(b) for i in range(len(a) + 1)]
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, d[i - 2][j - 2] + 1)
            d[i][j] = v
    return d[len(a)][len(b)]


def normalise_unit(unit: str) -> str:
    return "".join(
        "3" if ch == "³" else "2" if ch == "²" else ch for ch in unit if ch not in WHITESPACE
    )


# ---------------------------------------------------------------- libraries


@dataclass
class Cell:
    symbol: str
    value: float | None  # percent already a fraction
    pct: bool
    low: float | None
    high: float | None


@dataclass
class Row:
    key: Any  # the parameter value (od), the pair of them (sd), "" (co)
    label: str
    name: str  # what messages call the row: its label, or the group's name for co
    unit: str
    unit_norm: str
    cells: dict[str, Cell]
    pct: frozenset[str] = frozenset()


@dataclass
class Group:
    name: str
    type: str
    factorid: Any
    params: list[str]
    activity_symbol: str
    rows: dict[Any, Row]
    items: list["Item"] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    uses_sum: bool = False
    item_names: str = ""
    signed: frozenset[str] = frozenset()  # symbols whose record values may be negative


@dataclass
class Item:
    key: str
    id: str
    index: int
    fn: Callable[[], float]


@dataclass
class _Formula:
    key: str
    id: str
    where: str
    ast: Node
    factor: Any


def _cell(raw: Any, where: str) -> Cell:
    if not isinstance(raw, dict) or not isinstance(raw.get("symbol"), str) or raw["symbol"] == "":
        raise CalculationError(f"{where}a factor cell needs a symbol")
    value = raw.get("value", math.nan)  # a missing value is refused like a non-number
    if value is not None and not (_is_number(value) and math.isfinite(value)):
        raise CalculationError(f"{where}'{raw['symbol']}' value must be a number or null")
    pct = isinstance(raw.get("unit"), str) and normalise_unit(raw["unit"]) == "%"
    rng = raw.get("range") if isinstance(raw.get("range"), dict) else {}
    low, high = rng.get("min"), rng.get("max")
    return Cell(
        symbol=raw["symbol"],
        value=None if value is None else (float(value) / 100 if pct else float(value)),
        pct=pct,
        low=float(low) if _is_number(low) else None,
        high=float(high) if _is_number(high) else None,
    )


def _row(raw: Any, nparams: int, activity_unit: str, where: str, group: str) -> Row:
    if not isinstance(raw, list) or len(raw) < nparams:
        raise CalculationError(f"{where}must be a list of cells")
    values: list[str] = []
    unit = activity_unit
    for p in range(nparams):
        cell = raw[p]
        if not isinstance(cell, dict) or not isinstance(cell.get("value"), str):
            raise CalculationError(f"{where}parameter cell {p} needs a string value")
        values.append(cell["value"])
        if isinstance(cell.get("unit"), str) and cell["unit"] != "" and unit == activity_unit:
            unit = cell["unit"]
    cells: dict[str, Cell] = {}
    for c in range(nparams, len(raw)):
        cell = _cell(raw[c], f"{where}cell {c}: ")
        if cell.symbol in cells:
            raise CalculationError(f"{where}symbol '{cell.symbol}' twice")
        cells[cell.symbol] = cell
    pct = frozenset(c.symbol for c in cells.values() if c.pct)
    key: Any = values[0] if nparams == 1 else tuple(values) if nparams == 2 else ""
    label = "/".join(values)
    name = label if nparams else group
    return Row(key, label, name, unit, normalise_unit(unit), cells, pct)


def _group(name: str, raw: Any, lib_name: str) -> Group:
    where = f"{lib_name}: group '{name}': "
    if not isinstance(raw, dict):
        raise CalculationError(f"{where}must be an object")
    nparams = PARAMETER_COUNT.get(raw.get("type")) if isinstance(raw.get("type"), str) else None
    if nparams is None:
        raise CalculationError(
            f"{where}unknown type '{_js_string(raw.get('type'))}'; expected co, od or sd"
        )
    params = raw.get("parameter_name")
    if not isinstance(params, list) or len(params) != nparams:
        raise CalculationError(f"{where}type {raw['type']} needs {nparams} parameter_name entries")
    activity = raw.get("activity")
    if (
        not isinstance(activity, dict)
        or not isinstance(activity.get("symbol"), str)
        or not isinstance(activity.get("unit"), str)
    ):
        raise CalculationError(f"{where}'activity' needs a symbol and a unit")
    data = raw.get("data")
    if not isinstance(data, list) or not data:
        raise CalculationError(f"{where}'data' has no rows")
    if nparams == 0 and len(data) != 1:
        raise CalculationError(f"{where}a co group has exactly one row")
    allowed = raw.get("negative_allowed", _MISSING)
    if allowed is not _MISSING and not (
        isinstance(allowed, list) and all(isinstance(a, str) for a in allowed)
    ):
        raise CalculationError(f"{where}'negative_allowed' must be a list of symbols")
    signed = frozenset(allowed) if allowed is not _MISSING else frozenset()
    rows: dict[Any, Row] = {}
    for r, raw_row in enumerate(data):
        row = _row(raw_row, nparams, activity["unit"], f"{where}row {r}: ", name)
        if row.key in rows:
            raise CalculationError(f"{where}duplicate row '{row.label}'")
        rows[row.key] = row
    return Group(
        name,
        raw["type"],
        raw.get("factorid"),
        list(params),
        activity["symbol"],
        rows,
        signed=signed,
    )


def _formula_library(lib: Any) -> tuple[str, list[_Formula], _Formula]:
    name = _index_name(lib, "the formula library")
    if not isinstance(lib, dict) or not isinstance(lib.get("formulas"), dict):
        raise CalculationError(f"{name}: 'formulas' must be an object")
    items: list[_Formula] = []
    summary: _Formula | None = None
    for key in _js_keys(lib["formulas"]):
        raw = lib["formulas"][key]
        if not isinstance(raw, dict) or not isinstance(raw.get("formulaid"), str):
            raise CalculationError(
                f"{name}: formula '{key}' must be an object with a 'formulaid' string"
            )
        where = f"formula {raw['formulaid']} ({key}): "
        kind = raw.get("type")
        if kind not in ("emission_item", "emission_summary"):
            raise CalculationError(
                f"{where}unknown type '{_js_string(kind)}'; "
                "expected emission_item or emission_summary"
            )
        ast = parse(raw.get("formula"), where, kind == "emission_item")
        entry = _Formula(key, raw["formulaid"], where, ast, raw.get("factor"))
        if kind == "emission_item":
            if not isinstance(raw.get("factor"), str):
                raise CalculationError(f"{where}'factor' must name a factorid")
            items.append(entry)
        else:
            if summary is not None:
                raise CalculationError(
                    f"{where}a second emission_summary; {name} already has {summary.key}"
                )
            summary = entry
    if summary is None:
        raise CalculationError(f"{name}: no emission_summary formula")
    item_keys = {f.key for f in items}
    for symbol in symbols(summary.ast):
        if symbol not in item_keys:
            raise CalculationError(
                f"{summary.where}symbol '{symbol}' names no emission_item of {name}"
            )
    return name, items, summary


def check_formulas(formulas: Any) -> list[str]:
    """Parses every formula of a library; returns the formula ids checked."""
    _formula_library(formulas)
    return [formulas["formulas"][k]["formulaid"] for k in _js_keys(formulas["formulas"])]


# ---------------------------------------------------------------- evaluation


class _State:
    """The record being evaluated; closures read it instead of taking an environment."""

    __slots__ = ("group", "index", "item", "rec", "row", "sub", "sub_index", "totals")

    def __init__(self) -> None:
        self.rec: dict[str, Any] = {}
        self.row: Row | None = None
        self.sub: dict[str, Any] | None = None
        self.sub_index = -1
        self.group: Group | None = None
        self.index = -1
        self.item: Item | None = None
        self.totals: list[float] = []


class Calculator:
    """A factor and a formula library, compiled once; `evaluate` applies them to documents."""

    def __init__(self, factors: Any, formulas: Any) -> None:
        self.factor_name = _index_name(factors, "the factor library")
        if not isinstance(factors, dict) or not isinstance(factors.get("groups"), dict):
            raise CalculationError(f"{self.factor_name}: 'groups' must be an object")
        self.group_names = _js_keys(factors["groups"])
        self.groups = {
            g: _group(g, factors["groups"][g], self.factor_name) for g in self.group_names
        }
        self.formula_name, formula_items, summary = _formula_library(formulas)
        self.state = _State()
        self.item_keys = [f.key for f in formula_items]
        self.item_where = [f.where for f in formula_items]
        self.summary_where = summary.where
        self._link(formula_items)
        index = {key: i for i, key in enumerate(self.item_keys)}
        self.summary = self._compile_summary(_fold(summary.ast), index)

    def _link(self, formula_items: list[_Formula]) -> None:
        for i, f in enumerate(formula_items):
            item = Item(f.key, f.id, i, self._compile_item(_fold(f.ast)))
            linked = [g for g in self.groups.values() if g.factorid == f.factor]
            if not linked:
                raise CalculationError(
                    f"{f.where}factor '{f.factor}' names no group of {self.factor_name}"
                )
            for g in linked:
                g.items.append(item)
                g.item_names += (", " if g.item_names else "") + f.key
                g.used.update(symbols(f.ast))
                g.uses_sum = g.uses_sum or has_sum(f.ast)

    # -- compilation to closures

    def _compile_item(self, node: Node) -> Callable[[], float]:
        if isinstance(node, Num):
            value = node.value
            return lambda: value
        if isinstance(node, Sym):
            return self._symbol(node.name)
        if isinstance(node, Neg):
            inner = self._compile_item(node.operand)
            return lambda: -inner()
        if isinstance(node, Sum):
            return self._sum(self._compile_item(node.body))
        return _binary(node.op, self._compile_item(node.left), self._compile_item(node.right))

    def _compile_summary(self, node: Node, index: dict[str, int]) -> Callable[[], float]:
        st = self.state
        if isinstance(node, Num):
            value = node.value
            return lambda: value
        if isinstance(node, Sym):
            i = index[node.name]
            return lambda: st.totals[i]
        if isinstance(node, Neg):
            inner = self._compile_summary(node.operand, index)
            return lambda: -inner()
        assert isinstance(node, Bin)
        left = self._compile_summary(node.left, index)
        right = self._compile_summary(node.right, index)
        return _binary(node.op, left, right)

    def _symbol(self, name: str) -> Callable[[], float]:
        st = self.state

        def resolve() -> float:
            sub = st.sub
            if sub is not None and name in sub:
                v = sub[name]
            elif name in st.rec:
                v = st.rec[name]
            else:
                cell = st.row.cells.get(name)  # type: ignore[union-attr]
                if cell is None:
                    raise self._unresolved(name)
                if cell.value is None:
                    raise CalculationError(
                        f"{self._label()}: no default value for {name} of {st.row.name} "  # type: ignore[union-attr]
                        f"in {self.factor_name}; provide a measured value"
                    )
                return cell.value
            cls = v.__class__
            if cls is float or cls is int:
                if name in st.row.pct:  # type: ignore[union-attr]
                    return float(v) / 100
                return v if cls is float else float(v)
            raise self._not_number(name, v)

        return resolve

    def _unresolved(self, name: str) -> CalculationError:
        st = self.state
        where = f"items[{st.sub_index}], " if st.sub is not None else ""
        return CalculationError(
            f"{self._label()}: symbol '{name}' in {self._item_label()} resolves nowhere "
            f"(not in {where}the record or the factor row)"
        )

    def _not_number(self, name: str, v: Any) -> CalculationError:
        st = self.state
        prefix = f"items[{st.sub_index}]." if st.sub is not None and name in st.sub else ""
        return CalculationError(
            f"{self._label()}: {prefix}'{name}' must be a number, got {_type_name(v)}"
        )

    def _sum(self, body: Callable[[], float]) -> Callable[[], float]:
        st = self.state

        def total() -> float:
            subs = st.rec.get("items")
            if not isinstance(subs, list):
                raise CalculationError(
                    f"{self._label()}: {self._item_label()} uses sum(…) "
                    "but the record has no 'items' list"
                )
            s = 0.0
            for j, sub in enumerate(subs):
                st.sub, st.sub_index = sub, j
                s += body()
            st.sub = None
            return s

        return total

    # -- messages

    def _label(self) -> str:
        st = self.state
        g = st.group
        assert g is not None
        if st.row is None or g.type == "co":
            return f"record {st.index} ({g.name})"
        return f"record {st.index} ({g.name}={st.row.label})"

    def _item_label(self) -> str:
        item = self.state.item
        assert item is not None
        return f"formula {item.id} ({item.key})"

    # -- records

    def evaluate(self, doc: Any) -> dict[str, Any]:
        """The calculation result of one activity document, in the JavaScript's JSON shape."""
        if not isinstance(doc, dict):
            raise CalculationError(f"activity: must be an object, got {_type_name(doc)}")
        if not isinstance(doc.get("records"), list):
            raise CalculationError("activity: 'records' must be a list")
        self._check_standards(doc)
        out: dict[str, Any] = {"warnings": [], "self_measured": []}
        totals = [0.0] * len(self.item_keys)
        for i, rec in enumerate(doc["records"]):
            self._record(rec, i, totals, out)
        st = self.state
        st.rec, st.row = {}, None
        items: dict[str, str] = {}
        for i, key in enumerate(self.item_keys):
            if not math.isfinite(totals[i]):
                raise CalculationError(f"{self.item_where[i]}total is not a finite number")
            items[key] = round6(totals[i])
        st.totals = totals
        total = self.summary()
        if not math.isfinite(total):
            raise CalculationError(
                f"{self.summary_where}result is not a finite number ({js_number(total)})"
            )
        result = {"total": round6(total), "items": items, **out}
        self._check_declared_total(doc, result)
        return result

    def _check_standards(self, doc: dict[str, Any]) -> None:
        st = doc.get("standards")
        if not isinstance(st, dict):
            return
        factors, formulas = st.get("factors"), st.get("formulas")
        if isinstance(factors, str) and factors != self.factor_name:
            raise CalculationError(
                f"activity: standards.factors names '{factors}' "
                f"but the factor library is '{self.factor_name}'"
            )
        if isinstance(formulas, str) and formulas != self.formula_name:
            raise CalculationError(
                f"activity: standards.formulas names '{formulas}' but the formula library is "
                f"'{self.formula_name}'"
            )

    def _check_declared_total(self, doc: dict[str, Any], result: dict[str, Any]) -> None:
        if "total" not in doc:
            return
        declared = doc["total"]
        if (isinstance(declared, str) and DECIMAL_TEXT.fullmatch(declared)) or _is_number(declared):
            value = float(declared)
        else:
            value = math.nan
        if not math.isfinite(value):
            text = json.dumps(declared, ensure_ascii=False, separators=(",", ":"))
            result["warnings"].append(f"activity: declared total {text} is not a decimal number")
        elif round6(value) != result["total"]:
            result["warnings"].append(
                f"activity: declared total {_js_string(declared)} differs from the computed total "
                f"{result['total']}"
            )

    def _record(self, rec: Any, i: int, totals: list[float], out: dict[str, Any]) -> None:
        st = self.state
        st.index, st.row, st.sub, st.group = i, None, None, None
        g = self._find_group(rec, i)
        st.group = g
        activity = rec.get(g.activity_symbol, _MISSING)
        if activity is _MISSING:
            raise CalculationError(f"{self._label()}: missing activity value '{g.activity_symbol}'")
        if not _is_number(activity):
            raise CalculationError(
                f"{self._label()}: activity value '{g.activity_symbol}' must be a number, "
                f"got {_type_name(activity)}"
            )
        row = self._find_row(g, rec[g.name])
        st.row = row
        self._check_unit(rec, row)
        self._check_input(g, f"activity value '{g.activity_symbol}'", g.activity_symbol, activity)
        if not g.items:
            raise CalculationError(
                f"{self._label()}: no emission_item of {self.formula_name} applies to factor group "
                f"'{g.name}' (factorid {_js_string(g.factorid)})"
            )
        # Keys beyond these can only be self-measured factors, formula inputs or strays.
        plain = 2 + ("unit" in rec) + ("evidence" in rec) + ("items" in rec)
        if len(rec) > plain or "items" in rec:
            self._inspect_keys(rec, g, row, out)
        st.rec = rec
        for item in g.items:
            st.item = item
            v = item.fn()
            if not math.isfinite(v):
                raise CalculationError(
                    f"{self._label()}: {self._item_label()} "
                    f"gives a non-finite result ({js_number(v)})"
                )
            totals[item.index] += v

    def _find_group(self, rec: Any, i: int) -> Group:
        if not isinstance(rec, dict):
            raise CalculationError(f"record {i}: must be an object, got {_type_name(rec)}")
        found: Group | None = None
        found_key = ""
        for key in rec:  # group names are never array indices: insertion order is JS order
            g = self.groups.get(key)
            if g is None:
                continue
            if found is not None:
                raise CalculationError(
                    f"record {i}: keys '{found_key}' and '{key}' both name factor groups; "
                    "a record names exactly one"
                )
            found, found_key = g, key
        if found is None:
            raise self._no_group(rec, i)
        return found

    def _no_group(self, rec: dict[str, Any], i: int) -> CalculationError:
        best: tuple[str, str] | None = None
        best_distance = 3
        keys = _js_keys(rec)
        for key in keys:
            if key in RESERVED_KEYS or _is_number(rec[key]):
                continue
            for name in self.group_names:
                d = _edit_distance(key, name)
                if d < best_distance and d * 2 < len(name):
                    best, best_distance = (key, name), d
        if best is not None:
            return CalculationError(
                f"record {i}: key '{best[0]}' names no factor group of {self.factor_name} "
                f"— did you mean '{best[1]}'?"
            )
        return CalculationError(
            f"record {i}: none of its keys ({', '.join(keys)}) names a factor group of "
            f"{self.factor_name} ({', '.join(self.group_names)})"
        )

    def _find_row(self, g: Group, sel: Any) -> Row:
        if g.type == "od":
            row = g.rows.get(sel) if sel.__class__ is str else None
            if row is not None:
                return row
            if not isinstance(sel, str):
                raise CalculationError(
                    f"{self._label()}: the value of '{g.name}' must be a string naming the row, "
                    f"got {_type_name(sel)}"
                )
            raise CalculationError(
                f"{self._label()}: unknown {g.name} '{sel}' — "
                f"not in group '{g.name}' of {self.factor_name}"
            )
        if g.type == "co":
            if not isinstance(sel, str):
                raise CalculationError(
                    f"{self._label()}: the value of '{g.name}' must be a label string, "
                    f"got {_type_name(sel)}"
                )
            return next(iter(g.rows.values()))
        return self._find_sd_row(g, sel, self._label())

    def _find_sd_row(self, g: Group, sel: Any, label: str) -> Row:
        p0, p1 = g.params
        if not isinstance(sel, dict):
            raise CalculationError(
                f"{label}: the value of '{g.name}' must be an object with {', '.join(g.params)}, "
                f"got {_type_name(sel)}"
            )
        for key in _js_keys(sel):
            if key not in (p0, p1):
                raise CalculationError(
                    f"{label}: unexpected parameter '{key}'; expected {', '.join(g.params)}"
                )
        v0, v1 = sel.get(p0, _MISSING), sel.get(p1, _MISSING)
        if not isinstance(v0, str):
            raise CalculationError(
                f"{label}: parameter '{p0}' must be a string, got {_type_name(v0)}"
            )
        if not isinstance(v1, str):
            raise CalculationError(
                f"{label}: parameter '{p1}' must be a string, got {_type_name(v1)}"
            )
        row = g.rows.get((v0, v1))
        if row is None:
            raise CalculationError(
                f"{label}: unknown {g.name} {p0}='{v0}', {p1}='{v1}' — not in group '{g.name}' "
                f"of {self.factor_name}"
            )
        return row

    def _check_unit(self, rec: dict[str, Any], row: Row) -> None:
        unit = rec.get("unit")
        if unit.__class__ is str and unit == row.unit:
            return
        if not isinstance(unit, str):
            raise CalculationError(
                f"{self._label()}: missing 'unit'; the factor's activity unit is '{row.unit}'"
            )
        if normalise_unit(unit) != row.unit_norm:
            raise CalculationError(
                f"{self._label()}: unit '{unit}' "
                f"does not match the factor's activity unit '{row.unit}'"
            )

    def _inspect_keys(self, rec: dict[str, Any], g: Group, row: Row, out: dict[str, Any]) -> None:
        evidence = rec.get("evidence") if isinstance(rec.get("evidence"), str) else None
        measured = self._measured(rec, row, -1, out, evidence)
        if measured and evidence is None:
            out["warnings"].append(f"{self._label()}: self-measured factors without 'evidence'")
        self._sub_records(rec, g, row, out, evidence)
        self._warn_unused(rec, g, row, "", out)

    def _measured(
        self,
        src: dict[str, Any],
        row: Row,
        sub_index: int,
        out: dict[str, Any],
        evidence: str | None,
    ) -> int:
        """Reports the self-measured factors of a record or sub-record as one entry."""
        values: dict[str, Any] = {}
        at = "" if sub_index < 0 else f" in items[{sub_index}]"
        for cell in row.cells.values():
            if cell.symbol not in src:
                continue
            v = src[cell.symbol]
            if not (_is_number(v) and math.isfinite(v)):
                raise CalculationError(
                    f"{self._label()}: self-measured '{cell.symbol}'{at} must be a number, "
                    f"got {_type_name(v)}"
                )
            if cell.pct and not 0 <= v <= 100:
                raise CalculationError(
                    f"{self._label()}: self-measured '{cell.symbol}'{at} "
                    "is outside 0-100 (a percentage)"
                )
            if not cell.pct:
                self._check_input(
                    self.state.group, f"self-measured '{cell.symbol}'{at}", cell.symbol, v
                )  # type: ignore[arg-type]
            values[cell.symbol] = v
            if (cell.low is not None and v < cell.low) or (cell.high is not None and v > cell.high):
                low = "-∞" if cell.low is None else js_number(cell.low)
                high = "∞" if cell.high is None else js_number(cell.high)
                out["warnings"].append(
                    f"{self._label()}: self-measured {cell.symbol}{at} = {js_number(float(v))} "
                    f"is outside the range [{low}, {high}] of {self.factor_name}"
                )
        if values:
            entry: dict[str, Any] = {"record": self.state.index}
            if sub_index >= 0:
                entry["item"] = sub_index
            entry["group"] = self.state.group.name  # type: ignore[union-attr]
            entry["evidence"] = evidence
            entry["values"] = values
            out["self_measured"].append(entry)
        return len(values)

    def _sub_records(
        self, rec: dict[str, Any], g: Group, row: Row, out: dict[str, Any], evidence: str | None
    ) -> None:
        if "items" not in rec:
            return
        if not g.uses_sum:
            out["warnings"].append(
                f"{self._label()}: 'items' is not used by {g.item_names}; ignored"
            )
            return
        subs = rec["items"]
        if not isinstance(subs, list):
            raise CalculationError(
                f"{self._label()}: 'items' must be a list, got {_type_name(subs)}"
            )
        for j, sub in enumerate(subs):
            if not isinstance(sub, dict):
                raise CalculationError(
                    f"{self._label()}: items[{j}] must be an object, got {_type_name(sub)}"
                )
            self._measured(sub, row, j, out, evidence)
            self._warn_unused(sub, g, row, f"items[{j}] ", out)

    def _check_input(self, g: Group, what: str, symbol: str, value: float) -> None:
        """A number must be finite, and not negative unless the group allows it."""
        if not math.isfinite(value):
            raise CalculationError(
                f"{self._label()}: {what} must be a finite number, got {js_number(float(value))}"
            )
        if value < 0 and symbol not in g.signed:
            raise CalculationError(
                f"{self._label()}: {what} is negative; group "
                f"'{g.name}' of {self.factor_name} does not allow a negative {symbol}"
            )

    def _warn_unused(
        self, src: dict[str, Any], g: Group, row: Row, where: str, out: dict[str, Any]
    ) -> None:
        for key in _js_keys(src):
            if key == g.name or key in RESERVED_KEYS or key in row.cells:
                continue
            value = src[key]
            if key == g.activity_symbol or key in g.used:
                if _is_number(value) and (key != g.activity_symbol or where):
                    what = f"'{key}'" if not where else f"{where[:-1]}.'{key}'"
                    self._check_input(g, what, key, value)
                continue
            if _is_number(value):
                out["warnings"].append(
                    f"{self._label()}: {where}key '{key}' is neither a factor of this row "
                    f"nor used by {g.item_names}; ignored"
                )


def _binary(op: str, left: Callable[[], float], right: Callable[[], float]) -> Callable[[], float]:
    if op == "+":
        return lambda: left() + right()
    if op == "-":
        return lambda: left() - right()
    if op == "*":
        return lambda: left() * right()
    return lambda: _divide(left(), right())


# ---------------------------------------------------------------- entry points


def calculate(factors: Any, formulas: Any, activity: Any) -> dict[str, Any]:
    """The result the calculation code gives for one document (raises CalculationError)."""
    return Calculator(factors, formulas).evaluate(activity)


def calculate_batch(factors: Any, formulas: Any, activities: Sequence[Any]) -> list[dict[str, Any]]:
    """One {"result": …} or {"error": message} per document, libraries compiled once."""
    calculator = Calculator(factors, formulas)
    return [_attempt(calculator, doc) for doc in activities]


def _attempt(calculator: Calculator, doc: Any) -> dict[str, Any]:
    try:
        return {"result": calculator.evaluate(doc)}
    except FormulaSyntaxError:
        raise
    except CalculationError as exc:
        return {"error": str(exc)}


def record_count(activities: Iterable[Any]) -> int:
    return sum(len(doc.get("records", [])) for doc in activities if isinstance(doc, dict))
