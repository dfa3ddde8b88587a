"""Running untrusted calculation JavaScript in QuickJS.

Calculation code is fetched from chain, so whoever can publish it could try to hang, exhaust or
probe the machine that runs it, or make results depend on when and where they are computed.
Every call therefore gets a fresh QuickJS runtime with a memory, time and stack limit, no host
function, and a prelude that removes the sources of nondeterminism (clock, randomness, eval)
before the code is loaded. A runtime is never reused and nothing is cached, so code cannot
carry state from one calculation into the next: the same code and input always give the same
answer. (Loading the code costs a few milliseconds; many documents go through one call with
`calculateBatch`.)
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import quickjs

from offchain.errors import CalculationError, SandboxError

MIB = 1024 * 1024

# Installed before the untrusted code. Replacing rather than deleting gives code that uses
# them a message that says why, instead of a bare ReferenceError.
_PRELUDE = r"""
(function (g) {
  "use strict";
  function unavailable(name) {
    return function () {
      throw new Error(name + " is not available: calculation code must be deterministic");
    };
  }
  function pin(target, key, value) {
    Object.defineProperty(target, key, { value: value, writable: false, configurable: false });
  }
  var NoDate = unavailable("Date");
  NoDate.now = unavailable("Date.now");
  NoDate.parse = unavailable("Date.parse");
  NoDate.UTC = unavailable("Date.UTC");
  pin(g, "Date", NoDate);
  pin(Math, "random", unavailable("Math.random"));
  pin(g, "eval", unavailable("eval"));
  var NoFunction = unavailable("Function");
  var kinds = [function () {}, function* () {}, async function () {}, async function* () {}];
  for (var i = 0; i < kinds.length; i++) {
    pin(Object.getPrototypeOf(kinds[i]), "constructor", NoFunction);
  }
  pin(g, "Function", NoFunction);
  delete g.__date_clock;
})(globalThis);
"""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one call.

    QuickJS's interrupt handler measures time as processor time, separately for loading the code
    and for calling the function; memory is the runtime's whole heap (input, parsed documents,
    result); the stack limit stops runaway recursion before the C stack does.
    """

    memory_bytes: int = 256 * MIB
    time_seconds: float = 5.0
    stack_bytes: int = 1 * MIB


DEFAULT_LIMITS = Limits()


class ScriptError(CalculationError):
    """The calculation code threw. `name` is the JS error's name (e.g. FormulaSyntaxError),
    `js_text` the error as JavaScript prints it (`TypeError: …`)."""

    def __init__(self, message: str, name: str, js_text: str) -> None:
        super().__init__(message)
        self.name = name
        self.js_text = js_text


def call(code: str, function: str, argument: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """Load `code` into a fresh runtime and return `function(argument)`, which must be a string."""
    context = _fresh_context(limits)
    try:
        _run(limits, context.eval, code)
    except ScriptError as exc:
        raise SandboxError(f"calculation code does not load: {exc.js_text}") from exc
    target = _function(context, function)
    result = _run(limits, target, argument)
    if not isinstance(result, str):
        raise SandboxError(
            f"calculation code: {function}() must return a JSON string, got {type(result).__name__}"
        )
    return result


def _fresh_context(limits: Limits) -> quickjs.Context:
    context = quickjs.Context()
    context.set_memory_limit(limits.memory_bytes)
    context.set_max_stack_size(limits.stack_bytes)
    context.set_time_limit(limits.time_seconds)
    context.eval(_PRELUDE)
    return context


def _function(context: quickjs.Context, name: str) -> quickjs.Object:
    kind = context.eval(f"typeof globalThis[{name!r}]")
    if kind != "function":
        raise SandboxError(f"calculation code defines no function {name}() (found {kind})")
    return context.get(name)


def _run(limits: Limits, target: Callable[..., Any], *args: Any) -> Any:
    try:
        return target(*args)
    except quickjs.StackOverflow as exc:
        raise SandboxError(
            f"calculation code exceeded the stack limit of {_size(limits.stack_bytes)}"
        ) from exc
    except quickjs.JSException as exc:
        raise _translate(str(exc), limits) from exc
    except MemoryError as exc:
        raise _memory_error(limits) from exc


def _translate(text: str, limits: Limits) -> CalculationError:
    head = _without_stack(text)
    if head == "InternalError: interrupted":
        return SandboxError(f"calculation code exceeded the {limits.time_seconds:g} s time limit")
    if head == "InternalError: out of memory":
        return _memory_error(limits)
    if head in ("null", "undefined", ""):
        # QuickJS throws null when it runs out of memory while building the error itself.
        limit = _size(limits.memory_bytes)
        return SandboxError(
            "calculation code stopped without an error object: it most likely exceeded the "
            f"memory limit of {limit}"
        )
    name, _, message = head.partition(": ")
    if not message or not name.isidentifier():
        return ScriptError(head, "", head)
    # Deliberate errors (Error, FormulaSyntaxError, ImplausibleValueError) read best without
    # their name; a TypeError or the like is a bug in the code and keeps it.
    shown = message if name in ("Error", "FormulaSyntaxError", "ImplausibleValueError") else head
    return ScriptError(shown, name, head)


def _without_stack(text: str) -> str:
    """The exception's `name: message` on one line; QuickJS appends the stack after it."""
    head = text.split("\n    at ", 1)[0]
    lines = [line.strip() for line in head.splitlines()]
    if len(lines) > 1 and lines[-1] in ("undefined", "null"):
        lines.pop()  # a thrown non-Error has no stack; QuickJS prints "undefined"
    return " ".join(line for line in lines if line)


def _memory_error(limits: Limits) -> SandboxError:
    return SandboxError(
        f"calculation code exceeded the memory limit of {_size(limits.memory_bytes)}"
    )


def _size(n: int) -> str:
    return f"{n // MIB} MiB" if n % MIB == 0 else f"{n} bytes"
