"""The formula language: the JavaScript parser and the independent Python one must agree.

Both are held to the grammar of docs/data-formats.md; every disagreement between them, in a
result or in an error message, is a failure.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
import reference_formulas as ref
from calc_support import activity, code, mini_factors, mini_formulas
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_formulas import Bin, Neg, Num, Sum, Sym

from offchain.calc.calculator import calculate, check_formulas
from offchain.errors import CalculationError, FormulaSyntaxError


def js_parse_error(formula: str) -> str | None:
    """The sandboxed code's message for `formula` as item E_steam, or None when it parses."""
    try:
        check_formulas(mini_formulas(E_steam=formula), code())
    except FormulaSyntaxError as exc:
        return str(exc)
    return None


def py_parse_error(formula: str) -> str | None:
    try:
        ref.check_formulas(mini_formulas(E_steam=formula))
    except FormulaSyntaxError as exc:
        return str(exc)
    return None


# ---------------------------------------------------------------- examples


@pytest.mark.parametrize(
    "formula",
    [
        "(FC×NCV)×CC×OF×44/12",
        "[sum(ADr*CCr)-sum(ADp*CCp)-sum(ADw*CCw)]*44/12",
        "(1-h)*(IB+P-IE-S)*[(1-U)*(1-a_ylq*d_ylq)*GWPylq+∑(Bfcp*(1-a_fcp*d_fcp)*GWPfcp)]",
        "AD*n*∑(EF*PUR)",
        "E_fuel − E_x · 2 ÷ 3",
        "--a - -b",
        "[(ELsw+ELsr-ELsc)-Elsd]×EF",
    ],
)
def test_well_formed_formulas_parse_in_both_implementations(formula):
    assert js_parse_error(formula) is None
    assert py_parse_error(formula) is None


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("[6500*EFcf4+9200*EFc2f6)]*P/1000",
         "mismatched ')' at position 24; expected operator or ']' to close '[' at position 1"),
        ("MCchcz*CF*OF*44/12]", "unbalanced ']' at position 19; expected operator or end"),
        ("D*EF=D*DX*0.478",
         "unexpected '=' at position 5; expected operator or end "
         "(a formula is the right-hand side only)"),
        ("max(a, b)", "unknown function 'max' at position 1; expected sum(…) or ∑(…)"),
        ("", "unexpected end of formula at position 1; "
             "expected a number, a symbol, sum(…), '(' or '['"),
        ("(a+b", "unexpected end of formula at position 5; "
                 "expected operator or ')' to close '(' at position 1"),
        ("a b", "unexpected 'b' at position 3; expected operator or end"),
        ("2.", "expected a digit after '.' at position 3"),
        ("sum(a*sum(b))", "nested sum(…) at position 7; sum(…) cannot contain another sum(…)"),
        ("sum a", "unexpected 'a' at position 5; expected '(' after 'sum'"),
        ("a ** b", "unexpected '*' at position 4; expected a number, a symbol, sum(…), '(' or '['"),
        ("+a", "unexpected '+' at position 1; expected a number, a symbol, sum(…), '(' or '['"),
        ("a,b", "unexpected ',' at position 2; expected operator or end"),
    ],
)  # fmt: skip
def test_malformed_formulas_name_formula_position_and_expectation(formula, message):
    expected = f"formula T-01 (E_steam): {message}"
    assert js_parse_error(formula) == expected
    assert py_parse_error(formula) == expected


def test_sum_is_refused_in_the_summary_formula():
    message = "formula T-00 (E_sum): unexpected 'sum' at position 1;"
    with pytest.raises(FormulaSyntaxError, match=re.escape(message)):
        check_formulas(mini_formulas(E_sum="sum(E_steam)"), code())
    with pytest.raises(FormulaSyntaxError, match=re.escape(message)):
        ref.check_formulas(mini_formulas(E_sum="sum(E_steam)"))


def test_multiplication_binds_tighter_and_operators_associate_left():
    assert ref.parse("a-b-c*d/e") == Bin(
        "-", Bin("-", Sym("a"), Sym("b")), Bin("/", Bin("*", Sym("c"), Sym("d")), Sym("e"))
    )


# ---------------------------------------------------------------- generated formulas

SYMBOLS = ["AD", "EF", "X1", "X2"]
PLUS = ["+", "-", "−"]
TIMES = ["*", "×", "·", "/", "÷"]
OP_OF = {"+": "+", "-": "-", "−": "-", "*": "*", "×": "*", "·": "*", "/": "/", "÷": "/"}

numbers = st.integers(0, 10**6).map(lambda n: Num(n / 100))
leaves = st.one_of(numbers, st.sampled_from(SYMBOLS).map(Sym))


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    glyph = st.sampled_from(PLUS + TIMES)
    return st.one_of(
        children.map(Neg),
        st.builds(lambda g, a, b: Bin(OP_OF[g], a, b), glyph, children, children),
    )


plain_trees = st.recursive(leaves, _extend, max_leaves=12)
trees = st.one_of(
    plain_trees,
    st.builds(
        lambda op, a, b: Bin(op, a, Sum(b)), st.sampled_from("+-*"), plain_trees, plain_trees
    ),
)


@st.composite
def spelled(draw: st.DrawFn, node: ref.Node) -> str:
    """`node` as text, fully bracketed, with operator glyphs, bracket kinds and spacing drawn."""
    space = draw(st.sampled_from(["", " ", "  ", "\u3000"]))
    if isinstance(node, Num):
        return ref.to_text(node)
    if isinstance(node, Sym):
        return node.name
    if isinstance(node, Neg):
        minus = draw(st.sampled_from(["-", "−"]))
        return f"{minus}{space}({draw(spelled(node.operand))})"
    if isinstance(node, Sum):
        return f"{draw(st.sampled_from(['sum', '∑']))}({draw(spelled(node.body))})"
    glyphs = [g for g, op in OP_OF.items() if op == node.op]
    left, right = draw(spelled(node.left)), draw(spelled(node.right))
    opening, closing = draw(st.sampled_from([("(", ")"), ("[", "]")]))
    return f"{opening}{left}{space}{draw(st.sampled_from(glyphs))}{space}{right}{closing}"


@settings(max_examples=200, deadline=None)
@given(st.data(), trees)
def test_the_python_parser_round_trips_any_spelling_of_a_tree(data, tree):
    assert ref.parse(data.draw(spelled(tree))) == tree


def _outcome(fn: Callable[..., Any], *args: Any) -> Any:
    """The result, or the error's kind and message."""
    try:
        return fn(*args)
    except FormulaSyntaxError as exc:
        return f"syntax: {exc}"
    except CalculationError as exc:
        return f"refused: {exc}"


@settings(max_examples=40, deadline=None)
@given(
    st.data(),
    trees,
    st.floats(-1e6, 1e6),
    st.floats(-1e6, 1e6),
    st.lists(st.floats(-1e3, 1e3), max_size=3),
)
def test_the_sandbox_evaluates_any_formula_as_the_reference_does(data, tree, ad, x2, subs):
    formulas = mini_formulas(E_steam=data.draw(spelled(tree)))
    record = {"steam": "s", "AD": ad, "X1": 2.5, "X2": x2, "unit": "GJ"}
    record["items"] = [{"X1": v} for v in subs]
    doc = activity(record)

    def js() -> dict[str, Any]:
        return calculate(mini_factors(), formulas, code(), doc).to_json()

    assert _outcome(js) == _outcome(ref.calculate, mini_factors(), formulas, doc)


@settings(max_examples=40, deadline=None)
@given(st.data(), plain_trees, st.floats(-1e6, 1e6), st.booleans())
def test_a_record_of_only_its_group_keys_is_evaluated_as_the_reference_does(data, tree, ad, cited):
    """The sandbox folds the row's factors into such a record's formula as constants."""
    formulas = mini_formulas(E_steam=data.draw(spelled(tree)))
    record = {"steam": "s", "AD": ad, "unit": "GJ"}
    if cited:
        record["evidence"] = "0x" + "2c" * 32
    doc = activity(record, {**record, "AD": ad / 3})

    def js() -> dict[str, Any]:
        return calculate(mini_factors(), formulas, code(), doc).to_json()

    assert _outcome(js) == _outcome(ref.calculate, mini_factors(), formulas, doc)


PALETTE = [*"()[]+-−*×/÷·=.,0 7aZ_∑", "sum", "max", "😀", "\n"]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = list(draw(spelled(draw(trees))))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(PALETTE))
        if kind == "insert" or not text:
            text.insert(at, piece)
        elif kind == "delete":
            del text[min(at, len(text) - 1)]
        else:
            text[min(at, len(text) - 1)] = piece
    return "".join(text)


@settings(max_examples=120, deadline=None)
@given(mutated())
def test_both_parsers_accept_and_refuse_the_same_texts_with_the_same_message(formula):
    message = py_parse_error(formula)
    assert js_parse_error(formula) == message
    if message is not None:
        assert re.search(r"at position \d+", message), message
