"""offchain.calc.sandbox: untrusted JavaScript under limits, deterministic, with one-line errors."""

import time

import pytest

from offchain.calc import sandbox
from offchain.calc.sandbox import Limits
from offchain.errors import CalculationError, SandboxError


def run(body: str, limits: Limits = sandbox.DEFAULT_LIMITS) -> str:
    """Calls f("") of code whose function f has `body`."""
    return sandbox.call(f"function f(arg) {{ {body} }}", "f", "", limits)


def test_a_function_returns_its_string():
    assert sandbox.call("function f(a) { return a + '!'; }", "f", "hi") == "hi!"


def test_an_infinite_loop_is_stopped_by_the_time_limit():
    start = time.monotonic()
    with pytest.raises(SandboxError, match=r"^calculation code exceeded the 0\.3 s time limit$"):
        run("while (true) {}", Limits(time_seconds=0.3))
    assert time.monotonic() - start < 3


def test_an_infinite_loop_while_loading_is_stopped_too():
    with pytest.raises(SandboxError, match="time limit"):
        sandbox.call("for (;;) {}", "f", "", Limits(time_seconds=0.3))


def test_unbounded_allocation_is_stopped_by_the_memory_limit():
    body = "var a = []; while (true) { a.push(new Array(100000).fill(1)); }"
    with pytest.raises(SandboxError, match="memory limit of 32 MiB"):
        run(body, Limits(memory_bytes=32 * sandbox.MIB))


def test_unbounded_recursion_is_stopped_by_the_stack_limit():
    with pytest.raises(SandboxError, match="stack limit"):
        sandbox.call("function f() { return f() + 1; }", "f", "")


def test_the_default_limits_are_256_mib_and_5_s():
    assert sandbox.DEFAULT_LIMITS.memory_bytes == 256 * sandbox.MIB
    assert sandbox.DEFAULT_LIMITS.time_seconds == 5.0


@pytest.mark.parametrize(
    "expression",
    [
        "Math.random()",
        "new Date()",
        "Date.now()",
        "eval('1')",
        "Function('return 1')()",
        "(function () {}).constructor('return 1')()",
        "(function* () {}).constructor('yield 1')",
        "(async function () {}).constructor('return 1')",
    ],
)
def test_sources_of_nondeterminism_and_dynamic_code_are_unavailable(expression):
    with pytest.raises(
        CalculationError, match="not available: calculation code must be deterministic"
    ):
        run(f"return String({expression});")


def test_no_host_function_or_clock_is_exposed():
    names = "[typeof print, typeof console, typeof std, typeof os, typeof __date_clock].join()"
    assert run(f"return {names};") == "undefined,undefined,undefined,undefined,undefined"


def test_a_thrown_error_becomes_its_message_on_one_line():
    with pytest.raises(CalculationError) as caught:
        run("throw new Error('record 3 (fuel):\\nunknown fuel');")
    assert str(caught.value) == "record 3 (fuel): unknown fuel"
    assert not isinstance(caught.value, SandboxError)


def test_an_error_of_another_kind_keeps_its_name():
    with pytest.raises(CalculationError, match=r"^TypeError: cannot read property"):
        run("return null.x;")


def test_a_missing_function_is_a_sandbox_error():
    with pytest.raises(SandboxError, match=r"defines no function calculate\(\)"):
        sandbox.call("var calculate = 1;", "calculate", "")


def test_a_non_string_answer_is_a_sandbox_error():
    with pytest.raises(SandboxError, match="must return a JSON string"):
        run("return 42;")


def test_code_that_does_not_load_is_a_sandbox_error():
    with pytest.raises(SandboxError, match="does not load: SyntaxError"):
        sandbox.call("function f( {", "f", "")


def test_no_state_survives_from_one_call_to_the_next():
    counter = "var n = 0; function f() { n += 1; return String(n); }"
    assert sandbox.call(counter, "f", "") == "1"
    assert sandbox.call(counter, "f", "") == "1"


def test_code_cannot_restore_math_random():
    body = "Math.random = function () { return 4; }; return String(Math.random());"
    with pytest.raises(CalculationError):
        run(body)
