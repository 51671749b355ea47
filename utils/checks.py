"""The course's check vocabulary: every visible and hidden check is written with these.

Each ``expect_*`` function raises :class:`CheckFailure` with a message that names the graded
function, the variable, what was expected and what came, and, where a known mistake fits,
names it. Checks follow the order of the course specification: it runs (:func:`call`), the
return type and structure, every shape, no input mutated, then the values.

Example
-------
>>> import numpy as np
>>> from utils import checks
>>> def sigmoid(z):
...     return 1 / (1 + np.exp(-z))
>>> run = checks.call(sigmoid, np.zeros((2, 3)))
>>> checks.expect_shape("sigmoid", "s", run.output, (2, 3))
>>> checks.expect_unchanged(run)
>>> checks.expect_close("sigmoid", "s", run.output, np.full((2, 3), 0.5))
"""

from __future__ import annotations

import copy
import inspect
import numbers
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Relative tolerance for exact computations (the specification's 1e-6).
RTOL = 1e-6
#: Absolute tolerance, so that values that should be 0 are not judged relatively.
ATOL = 1e-9


#: Whether a failed check shows Python's whole traceback (see :func:`show_full_tracebacks`).
_full_tracebacks = False


def show_full_tracebacks(on: bool = True) -> None:
    """Show the whole traceback of failed checks, through the checks' own code, from now on.

    By default a failed check shows only its message (and the student's line that raised);
    ``show_full_tracebacks()`` then ``%tb`` shows the last one in full.

    Parameters
    ----------
    on : bool
        ``False`` goes back to the short form.
    """
    global _full_tracebacks
    _full_tracebacks = bool(on)


class CheckFailure(AssertionError):
    """A check found a wrong answer; its message is meant for the student.

    In IPython it shows as its message alone: the checks' own source and the chained
    traceback of the student's exception are noise to a student (and the checks' source
    would show hints of the fix). The message already names the student's line that raised.
    """

    @property
    def _render_traceback_(self):
        # IPython calls this to print the exception; an AttributeError here makes it print
        # the ordinary full traceback instead.
        if _full_tracebacks:
            raise AttributeError("_render_traceback_")
        return self._short_traceback

    def _short_traceback(self) -> list[str]:
        lines = str(self).splitlines() or [""]
        return [
            f"\x1b[0;31mCheckFailure\x1b[0m: {lines[0]}",
            *lines[1:],
            "\x1b[2m(the full traceback: utils.checks.show_full_tracebacks(), then %tb)\x1b[0m",
        ]


# --------------------------------------------------------------------------------------------
# It runs
# --------------------------------------------------------------------------------------------
@dataclass
class Call:
    """The outcome of calling a student's function through :func:`call`.

    Attributes
    ----------
    func_name : str
        The function's name, used in every message.
    output : Any
        What the function returned.
    inputs : dict
        Argument name to the object that was passed (possibly changed by the function).
    snapshots : dict
        Argument name to a deep copy taken before the call.
    global_random : bool
        Whether NumPy's global random state (``np.random.seed``, ``np.random.randn``...)
        changed during the call: a function given an ``rng`` must leave it alone.
    """

    func_name: str
    output: Any
    inputs: dict[str, Any] = field(default_factory=dict)
    snapshots: dict[str, Any] = field(default_factory=dict)
    global_random: bool = False


def describe(value: Any) -> str:
    """A short description of a value for messages: its type and, for arrays, its shape.

    Parameters
    ----------
    value : Any
        Anything a student's function might return.

    Returns
    -------
    str
        For example ``"an array of shape (3, 1)"``, ``"a float"``, ``"None"``.
    """
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return f"a 0-d array ({value.dtype})"
        return f"an array of shape {value.shape}"
    if isinstance(value, bool | np.bool_):
        return "a bool"
    if isinstance(value, numbers.Integral):
        return "an int"
    if isinstance(value, numbers.Real):
        return "a float"
    if isinstance(value, tuple):
        return f"a tuple of length {len(value)}"
    if isinstance(value, list):
        return f"a list of length {len(value)}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"
    return f"a {type(value).__name__}"


def argument_names(func: Callable, args: tuple, kwargs: dict) -> list[str]:
    """The parameter names the arguments bind to, in order (``arg0``... when unknown)."""
    return list(_bind_names(func, args, kwargs))


def _bind_names(func: Callable, args: tuple, kwargs: dict) -> dict[str, Any]:
    """Map each passed argument to its parameter name (positional ones get ``arg0``...)."""
    try:
        bound = inspect.signature(func).bind_partial(*args, **kwargs)
        return dict(bound.arguments)
    except (TypeError, ValueError):
        named = {f"arg{i}": a for i, a in enumerate(args)}
        named.update(kwargs)
        return named


def call(func: Callable, *args: Any, where: str = "", **kwargs: Any) -> Call:
    """Call a student's function and check that it runs.

    Parameters
    ----------
    func : callable
        The student's function.
    *args, **kwargs
        Its arguments. Deep copies are kept so that :func:`expect_unchanged` can tell whether
        the function changed them.
    where : str, optional
        Where the inputs come from, for messages (for example ``"on a random 7x23 input"``).

    Returns
    -------
    Call
        The output and the inputs before and after.

    Raises
    ------
    CheckFailure
        If the function is not implemented yet or raises an exception.
    """
    if _transport is not None:
        return _transport.call(func, args, kwargs, where)
    return call_here(func, args, kwargs, where)


def call_here(func: Callable, args: tuple, kwargs: dict, where: str = "") -> Call:
    """:func:`call` in this process, whatever transport is set."""
    name = getattr(func, "__name__", "the function")
    inputs = _bind_names(func, args, kwargs)
    snapshots = {k: copy.deepcopy(v) for k, v in inputs.items()}
    # A fresh global random state before the call: after np.random.seed(2) in an earlier
    # call, the state may already be what np.random.seed(2) and the same draws leave behind.
    saved = np.random.get_state()
    marker = np.random.RandomState().get_state()
    np.random.set_state(marker)
    try:
        output = func(*args, **kwargs)
    except Exception as err:  # any error of the student's code becomes a readable message
        detail = raise_detail(func, err, inputs)
        failure = failure_for(name, type(err).__name__, str(err), where, detail)
        failure.detail = detail
        raise failure from err
    finally:
        global_random = not _same(list(marker), list(np.random.get_state()))
        if not global_random:
            np.random.set_state(saved)  # untouched: give the student's state back
    return Call(
        func_name=name,
        output=output,
        inputs=inputs,
        snapshots=snapshots,
        global_random=global_random,
    )


def _library_roots() -> tuple[str, ...]:
    """Folders whose code is not the student's: Python, installed packages, these checks."""
    import sysconfig
    from pathlib import Path

    roots = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.add(str(Path(__file__).resolve().parent))
    return tuple(sorted(str(Path(r).resolve()) + "/" for r in roots))


def _is_stub(func: Callable) -> bool | None:
    """Whether ``func`` always raises ``NotImplementedError()``, as the release's stub does.

    Read from the compiled code, not the source: in a kernel the source of a cell may be gone
    or belong to another cell. The stub may follow given lines (``rng = ...``) and be followed
    by given lines that never run (``return s``); what matters is that every path reaches the
    bare ``raise NotImplementedError()``: no return, raise or jump past it comes before it. A
    function that raises it only for an option it does not handle jumps past it for the others.
    """
    import dis

    code = getattr(func, "__code__", None)
    if code is None:
        return None
    steps = [i for i in dis.get_instructions(code) if i.opname not in ("CACHE", "PRECALL")]
    for index, step in enumerate(steps):
        if step.opname == "LOAD_GLOBAL" and step.argval == "NotImplementedError":
            after = [i.opname for i in steps[index + 1 : index + 3]]
            if "RAISE_VARARGS" not in after or after[0] not in ("CALL", "RAISE_VARARGS"):
                return False  # raised with a message, or not raised here
            jumps = set(dis.hasjrel) | set(dis.hasjabs)
            return not any(
                before.opname.startswith("RETURN")
                or before.opname == "RAISE_VARARGS"
                or (
                    before.opcode in jumps
                    and isinstance(before.argval, int)
                    and before.argval > step.offset
                )
                for before in steps[:index]
            )
    return False


def raise_detail(func: Callable, err: BaseException, inputs: Mapping[str, Any]) -> dict:
    """What a message needs to know about an exception raised by a student's function.

    Parameters
    ----------
    func : callable
        The student's function.
    err : BaseException
        What it raised.
    inputs : mapping
        Argument name to the value passed.

    Returns
    -------
    dict
        ``line``: the source of the student's own line that raised (the deepest frame outside
        Python, NumPy and these checks), ``where_line``: the function and line number of that
        frame, ``stub``: whether the function is still the release's stub, ``options``: the
        arguments that select a case (strings, numbers), as ``name=value`` text.
    """
    import traceback

    roots = _library_roots()
    frames = traceback.extract_tb(err.__traceback__)[1:]  # [0] is call_here itself
    own = [
        f
        for f in frames
        if not os.path.realpath(f.filename).startswith(roots) or "ipykernel" in f.filename
    ]
    detail: dict[str, Any] = {"line": "", "where_line": "", "stub": False, "options": ""}
    if own:
        frame = own[-1]
        detail["line"] = (frame.line or "").strip()
        detail["where_line"] = f"in {frame.name}, line {frame.lineno}"
    if isinstance(err, NotImplementedError):
        stub = _is_stub(func)
        # Without the source, a bare NotImplementedError raised at the top of the function
        # itself is taken for the stub.
        detail["stub"] = stub if stub is not None else (not str(err) and len(own) <= 1)
    options = [
        f"{k}={v!r}"
        for k, v in inputs.items()
        if isinstance(v, str) or (isinstance(v, numbers.Real) and not isinstance(v, bool))
    ]
    detail["options"] = ", ".join(options)
    return detail


def failure_for(
    func_name: str,
    error_type: str,
    message: str,
    where: str = "",
    detail: Mapping[str, Any] | None = None,
) -> CheckFailure:
    """The check failure that reports an exception raised by a student's function.

    Parameters
    ----------
    func_name : str
        The student's function.
    error_type, message : str
        The exception's type name and text.
    where : str
        Where the inputs came from.
    detail : mapping, optional
        What :func:`raise_detail` found: the student's line, whether the function is a stub,
        the arguments that select a case.
    """
    detail = dict(detail or {})
    line = str(detail.get("line") or "")
    suffix = f" {where}" if where else ""
    if error_type == "NotImplementedError":
        if detail.get("stub", True):
            return CheckFailure(
                f"{func_name} is not implemented yet: replace `raise NotImplementedError()` "
                f"with your code."
            )
        options = str(detail.get("options") or "")
        unsaid = ", ".join(o for o in options.split(", ") if o and o not in where)
        case = f" for {unsaid}" if unsaid else ""
        text = f": {message}" if message else ""
        return CheckFailure(
            f"{func_name} raised NotImplementedError{case}{suffix}{text}. Your function does "
            f"not handle {options or 'this case'} yet: add the branch for it."
            + (f"\n  {detail.get('where_line', '')}: {line}" if line else "")
        )
    hint = ""
    if error_type == "ValueError" and "broadcast" in message:
        hint = (
            " Shapes that do not broadcast often come from a rank-1 array, for example"
            " np.sum or np.linalg.norm without keepdims=True, or a missing transpose."
        )
    elif error_type == "TypeError" and "converted to Python scalars" in message:
        hint = (
            " The math module (math.exp, math.log...) takes one number only: on arrays use"
            " NumPy's element-wise functions (np.exp, np.log...)."
        )
    elif error_type == "TypeError" and "has no len()" in message:
        hint = (
            " The function is also given a single number, which has no length: instead of a"
            " loop over len(...), use NumPy's element-wise operations, which work on numbers"
            " and arrays alike."
        )
    elif "for @" in message or "matmul" in message:
        hint = (
            " `@` is the matrix product; an element-wise product, such as s(1-s) taken entry"
            " by entry, is written with `*`."
        )
    if error_type == "AssertionError" and not message and line.startswith("assert"):
        # A bare assert says nothing; its source line does.
        return CheckFailure(
            f"{func_name} raised AssertionError{suffix}: `{line}` is false "
            f"({detail.get('where_line', '')})."
        )
    text = f"{func_name} raised {error_type}{suffix}: {message}.{hint}"
    if line:
        text += f"\n  {detail.get('where_line', '')}: {line}"
    return CheckFailure(text)


class CallTransport:
    """How :func:`call` reaches a student's function when it is not simply called here.

    The grader sets one: inside the grading sandbox a transport records every call's outputs,
    and in the grader's own process another replays those records, so that checks judge the
    outputs with a NumPy the student's code never touched.
    """

    def call(self, func: Callable, args: tuple, kwargs: dict, where: str) -> Call:
        raise NotImplementedError


_transport: CallTransport | None = None


def set_transport(transport: CallTransport | None) -> CallTransport | None:
    """Route :func:`call` through ``transport`` (None: call here); returns the previous one."""
    global _transport
    previous, _transport = _transport, transport
    return previous


# --------------------------------------------------------------------------------------------
# Type and structure
# --------------------------------------------------------------------------------------------
def expect_type(func_name: str, var: str, value: Any, expected: type | tuple[type, ...]) -> None:
    """Check that ``value`` is an instance of ``expected``.

    Parameters
    ----------
    func_name, var : str
        The graded function and the name of the checked value, for the message.
    value : Any
        The value to check.
    expected : type or tuple of types
        Accepted types.
    """
    if not isinstance(value, expected):
        names = expected if isinstance(expected, tuple) else (expected,)
        wanted = " or ".join(t.__name__ for t in names)
        raise CheckFailure(f"{func_name}: `{var}` should be a {wanted}, got {describe(value)}.")


def expect_tuple(func_name: str, value: Any, names: Iterable[str]) -> tuple:
    """Check that a function returned a tuple with one item per name in ``names``.

    Parameters
    ----------
    func_name : str
        The graded function.
    value : Any
        What it returned.
    names : iterable of str
        The names of the items, in order (for example ``("grads", "cost")``).

    Returns
    -------
    tuple
        ``value``, so that it can be unpacked.
    """
    names = tuple(names)
    wanted = f"a tuple ({', '.join(names)})"
    if not isinstance(value, tuple):
        raise CheckFailure(f"{func_name} should return {wanted}, got {describe(value)}.")
    if len(value) != len(names):
        raise CheckFailure(
            f"{func_name} should return {wanted} of length {len(names)}, "
            f"got a tuple of length {len(value)}."
        )
    return value


def expect_keys(func_name: str, var: str, value: Any, keys: Iterable[str]) -> None:
    """Check that ``value`` is a dict with exactly the given keys.

    Parameters
    ----------
    func_name, var : str
        The graded function and the dict's name.
    value : Any
        The value to check.
    keys : iterable of str
        The keys the dict must have, no more and no fewer.
    """
    expect_type(func_name, var, value, dict)
    wanted, got = set(keys), set(value)
    missing = sorted(wanted - got)
    extra = sorted(map(str, got - wanted))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if extra:
            parts.append(f"unexpected {extra}")
        raise CheckFailure(
            f"{func_name}: `{var}` should have the keys {sorted(wanted)}; {', '.join(parts)}."
        )


# --------------------------------------------------------------------------------------------
# Shapes and scalars
# --------------------------------------------------------------------------------------------
def expect_shape(
    func_name: str,
    var: str,
    value: Any,
    shape: tuple[int, ...],
    *,
    rank1_hint: str = "",
) -> None:
    """Check that ``value`` is a NumPy array of exactly ``shape``.

    A rank-1 array where a column or row vector was asked, and a transposed result, are named
    as such.

    Parameters
    ----------
    func_name, var : str
        The graded function and the array's name.
    value : Any
        The value to check.
    shape : tuple of int
        The expected shape.
    rank1_hint : str, optional
        The likely cause of a rank-1 result here, for example
        ``"np.sum without keepdims=True"``.
    """
    shape = tuple(int(s) for s in shape)
    if not isinstance(value, np.ndarray):
        raise CheckFailure(
            f"{func_name}: `{var}` should be a NumPy array of shape {shape}, got {describe(value)}."
        )
    got = value.shape
    if got == shape:
        return
    message = f"{func_name}: `{var}` should have shape {shape}, got {got}."
    if len(shape) == 2 and value.ndim == 1 and value.size in shape and 1 in shape:
        cause = f" (often {rank1_hint})" if rank1_hint else ""
        message += (
            f" That is a rank-1 array{cause}; the course keeps vectors 2-D, "
            f"for example with .reshape{shape}."
        )
    elif len(shape) == 2 and got == shape[::-1]:
        message += " The result is transposed: check the order of the factors or a `.T`."
    elif value.ndim == 2 and len(shape) == 2 and got[0] == got[1] and shape[0] != shape[1]:
        message += (
            " A square result often means broadcasting a (n,1) against a (1,n) array, or"
            " mixing up the element-wise `*` and the matrix product (np.dot or @)."
        )
    raise CheckFailure(message)


def expect_scalar(func_name: str, var: str, value: Any) -> float:
    """Check that ``value`` is a real scalar and return it as a float.

    A Python number, a NumPy scalar and a 0-d array are all accepted.

    Parameters
    ----------
    func_name, var : str
        The graded function and the scalar's name.
    value : Any
        The value to check.

    Returns
    -------
    float
        The value as a Python float.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        return float(value)
    hint = ""
    if isinstance(value, np.ndarray) and value.size == 1:
        hint = " Use float(...) or np.squeeze(...) to turn a one-element array into a scalar."
    raise CheckFailure(
        f"{func_name}: `{var}` should be a real scalar, got {describe(value)}.{hint}"
    )


# --------------------------------------------------------------------------------------------
# Inputs not mutated
# --------------------------------------------------------------------------------------------
def _same(a: Any, b: Any) -> bool:
    """Structural equality of nested arrays, dicts, lists and scalars (NaN equals NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    try:
        return bool(a == b)
    except Exception:  # objects without equality (a Generator): identity is all we can say
        return a is b


def _fix(name: str, before: Any) -> str:
    """How to leave the input ``name`` alone, in the words of its kind."""
    if isinstance(before, dict):
        return (
            f"Build a new dict (for example `new = dict({name})`, then `new[key] = ...`) "
            f"instead of assigning into `{name}[...]`."
        )
    return (
        f"Compute a new array (for example `{name} = {name} - ...`, not `{name} -= ...`, "
        f"`{name} /= ...` or `{name}[...] = ...`)."
    )


def expect_unchanged(run: Call) -> None:
    """Check that the function did not change any of its inputs in place.

    Parameters
    ----------
    run : Call
        The result of :func:`call`.
    """
    for name, before in run.snapshots.items():
        if isinstance(before, np.random.Generator):
            continue  # drawing numbers is the point of an rng argument
        if not _same(before, run.inputs[name]):
            raise CheckFailure(
                f"{run.func_name} changed its input `{name}` in place. {_fix(name, before)}"
            )


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------
def max_relative_error(got: Any, expected: Any, atol: float = ATOL) -> float:
    """Largest ``|got - expected| / (|expected| + atol)`` over all entries.

    Parameters
    ----------
    got, expected : array_like
        Arrays of the same shape (or scalars).
    atol : float
        Added to the denominator so that entries near 0 are not judged relatively.

    Returns
    -------
    float
        The largest relative error; ``inf`` where ``got`` is NaN or infinite and expected not.
    """
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        err = np.abs(got - expected) / (np.abs(expected) + atol)
    err = np.where(np.isnan(err), np.inf, err)
    return float(np.max(err)) if err.size else 0.0


def _format(value: Any, indent: int = 0) -> str:
    """Print an array or number compactly for a message, every row after the first indented by
    ``indent`` spaces so that the rows line up under the first."""
    with np.printoptions(precision=6, suppress=True, threshold=12, edgeitems=3, linewidth=90):
        if not np.ndim(value):
            return f"{float(value):.8g}"
        return np.array2string(np.asarray(value)).replace("\n", "\n" + " " * indent)


def is_close(got: Any, expected: Any, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Whether ``got`` matches ``expected`` in shape and within the tolerances."""
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape:
        return False
    try:
        return bool(np.allclose(got.astype(float), expected.astype(float), rtol=rtol, atol=atol))
    except (TypeError, ValueError):
        return False


def expect_close(
    func_name: str,
    var: str,
    value: Any,
    expected: Any,
    *,
    rtol: float = RTOL,
    atol: float = ATOL,
    mistakes: Mapping[str, Any] | None = None,
    where: str = "",
    show_values: bool = True,
) -> None:
    """Check values against the expected ones within a relative tolerance.

    Parameters
    ----------
    func_name, var : str
        The graded function and the value's name.
    value : array_like or scalar
        What the student's function computed (its shape was checked before).
    expected : array_like or scalar
        The correct values.
    rtol, atol : float
        Tolerances as in ``np.allclose``; the specification asks ``rtol=1e-6`` for exact
        computations and looser where training is involved.
    mistakes : mapping of str to array_like, optional
        Known mistakes and the values each would produce, for example
        ``{"missing 1/m": expected * m}``. A value matching one is named in the message.
    where : str, optional
        Where the inputs come from, for example ``"on a random 7x23 input"``.
    show_values : bool, optional
        Whether the message may show the expected values (never for hidden checks).
    """
    if is_close(value, expected, rtol=rtol, atol=atol):
        return
    suffix = f" {where}" if where else ""
    err = max_relative_error(value, expected, atol=atol)
    message = f"{func_name}: `{var}` has wrong values{suffix}, max relative error {err:.2g}."
    if show_values:
        message += f"\n  expected: {_format(expected, 12)}\n  got:      {_format(value, 12)}"
    # Every known mistake that gives these values is named: naming one of two would be a
    # guess, and possibly the wrong one.
    matching = [
        mistake
        for mistake, wrong in (mistakes or {}).items()
        if is_close(value, wrong, rtol=max(rtol, 1e-6), atol=atol)
    ]
    if matching:
        message += f"\n  This is what {' or '.join(matching)} gives."
    raise CheckFailure(message)


def expect_binary(func_name: str, var: str, value: np.ndarray) -> None:
    """Check that every entry of ``value`` is the number 0 or 1 (predictions, labels).

    Booleans are refused: the notebooks ask for numbers (``(A > 0.5).astype(float)``).

    Parameters
    ----------
    func_name, var : str
        The graded function and the array's name.
    value : ndarray
        The array to check; its shape was checked before.
    """
    if np.asarray(value).dtype == bool:
        # The notebooks ask for numbers: booleans print as True/False, and arithmetic such as
        # np.mean(Y_prediction == Y) * 100 reads differently on them.
        raise CheckFailure(
            f"{func_name}: `{var}` should hold the numbers 0 and 1, got booleans (True/False). "
            f"A comparison such as A > 0.5 gives booleans: .astype(float) turns them into 0.0 "
            f"and 1.0."
        )
    values = np.unique(np.asarray(value))
    if not np.all(np.isin(values, (0, 1))):
        shown = values[:6].tolist()
        raise CheckFailure(
            f"{func_name}: `{var}` should hold only 0 and 1, got values such as {shown}. "
            f"Threshold the probabilities: 1 where A > 0.5, else 0."
        )


def all_passed(func_name: str) -> None:
    """Tell the student that every visible check of ``func_name`` passed.

    Parameters
    ----------
    func_name : str
        The graded function.
    """
    print(
        f"All visible checks of {func_name} passed. "
        f"Hidden checks on new inputs run when your notebook is graded."
    )


# --------------------------------------------------------------------------------------------
# Added for 04_deep_network: exact structure, finiteness, random initialisation
# --------------------------------------------------------------------------------------------
def expect_equal(
    func_name: str,
    var: str,
    value: Any,
    expected: Any,
    *,
    mistakes: Mapping[str, Any] | None = None,
    where: str = "",
    show_values: bool = True,
) -> None:
    """Check a discrete value exactly: a shape tuple, an int, a string, a nested structure.

    Parameters
    ----------
    func_name, var : str
        The graded function and the value's name.
    value : Any
        What the student's function computed.
    expected : Any
        The correct value; tuples, lists, dicts and arrays are compared entry by entry, and a
        tuple is not equal to a list.
    mistakes : mapping of str to Any, optional
        Known mistakes and the value each would produce; a value equal to one is named.
    where : str, optional
        Where the inputs come from, for messages.
    show_values : bool, optional
        Whether the message may show the expected value (never for hidden checks).
    """

    def same_kind(a: Any, b: Any) -> bool:
        if isinstance(a, tuple | list) or isinstance(b, tuple | list):
            return type(a) is type(b) and len(a) == len(b) and all(map(same_kind, a, b))
        return _same(a, b)

    if same_kind(value, expected):
        return
    suffix = f" {where}" if where else ""
    message = f"{func_name}: `{var}` is wrong{suffix}."
    if show_values:
        message += f"\n  expected: {expected!r}\n  got:      {value!r}"
    else:
        message += f" Got {describe(value)}."
    for mistake, wrong in (mistakes or {}).items():
        if same_kind(value, wrong):
            message += f"\n  This is what {mistake} gives."
            break
    raise CheckFailure(message)


def expect_finite(func_name: str, var: str, value: Any, *, hint: str = "", where: str = "") -> None:
    """Check that every entry of ``value`` is a finite number (no NaN, no inf).

    Parameters
    ----------
    func_name, var : str
        The graded function and the value's name.
    value : array_like or scalar
        The value to check.
    hint : str, optional
        The likely cause, for example ``"log(0) when AL is exactly 0 or 1"``.
    where : str, optional
        Where the inputs come from, for messages.
    """
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(np.asarray(value, dtype=float))
    if np.all(finite):
        return
    suffix = f" {where}" if where else ""
    kinds = []
    array = np.asarray(value, dtype=float)
    if np.any(np.isnan(array)):
        kinds.append("NaN")
    if np.any(np.isinf(array)):
        kinds.append("inf")
    message = f"{func_name}: `{var}` contains {' and '.join(kinds)}{suffix}."
    if hint:
        message += f" This usually comes from {hint}."
    raise CheckFailure(message)


def expect_std(
    func_name: str,
    var: str,
    values: np.ndarray,
    expected_std: float,
    *,
    rtol: float | None = None,
    mistakes: Mapping[str, float] | None = None,
    where: str = "",
    show_values: bool = True,
) -> None:
    """Check the spread of random draws: the standard deviation of all entries of ``values``.

    Meant for random initialisation, where the drawn numbers depend on the order of random
    calls but their statistics do not.

    Parameters
    ----------
    func_name, var : str
        The graded function and the array's name.
    values : ndarray
        The random draws (for example a weight matrix); its shape was checked before.
    expected_std : float
        The standard deviation the draws should have.
    rtol : float, optional
        Accepted relative difference; by default five standard errors of a sample standard
        deviation, ``5 / sqrt(2 N)`` for ``N`` entries, but at least 5 %.
    mistakes : mapping of str to float, optional
        Known mistakes and the standard deviation each would give.
    where : str, optional
        Where the inputs come from, for messages.
    show_values : bool, optional
        Whether the message may show the measured and expected values.
    """
    values = np.asarray(values, dtype=float)
    if rtol is None:
        rtol = max(0.05, 5.0 / np.sqrt(2.0 * max(values.size, 1)))
    got = float(np.std(values))
    if np.isfinite(got) and abs(got - expected_std) <= rtol * abs(expected_std):
        return
    suffix = f" {where}" if where else ""
    message = f"{func_name}: the entries of `{var}` have the wrong spread{suffix}"
    if show_values:
        message += f": standard deviation {got:.4g}, expected about {expected_std:.4g}."
    else:
        message += "."
    if got == 0:
        message += " They are all equal (zero initialisation?): draw them at random."
    for mistake, wrong in (mistakes or {}).items():
        if abs(got - wrong) <= rtol * abs(wrong):
            message += f"\n  This is what {mistake} gives."
            break
    raise CheckFailure(message)


def expect_distinct_rows(func_name: str, var: str, W: np.ndarray, *, where: str = "") -> None:
    """Check that no two rows of a weight matrix are equal (symmetry is broken).

    Two units whose incoming weights are equal compute the same activation and receive the same
    gradient, so they stay identical for ever; random initialisation exists to prevent that.

    Parameters
    ----------
    func_name, var : str
        The graded function and the matrix's name.
    W : ndarray of shape (n[l], n[l-1])
        The weights of one layer; its shape was checked before.
    where : str, optional
        Where the inputs come from, for messages.
    """
    W = np.asarray(W)
    if W.ndim != 2 or W.shape[0] < 2:
        return
    _, first, counts = np.unique(W, axis=0, return_index=True, return_counts=True)
    if np.all(counts == 1):
        return
    row = int(first[np.argmax(counts > 1)])
    suffix = f" {where}" if where else ""
    raise CheckFailure(
        f"{func_name}: rows of `{var}` are identical (row {row} appears "
        f"{int(counts.max())} times){suffix}. Units with equal weights compute the same thing "
        f"and get the same gradient for ever: draw every weight at random to break the symmetry."
    )


# --------------------------------------------------------------------------------------------
# Added for 02_logistic_regression: lists of recorded values, shapes of known mistakes
# --------------------------------------------------------------------------------------------
def expect_length(
    func_name: str,
    var: str,
    value: Any,
    length: int,
    *,
    hint: str = "",
    where: str = "",
) -> None:
    """Check that a list, a tuple or a rank-1 array has ``length`` entries.

    Meant for values recorded during training, such as the costs every 100 iterations.

    Parameters
    ----------
    func_name, var : str
        The graded function and the sequence's name.
    value : Any
        The value to check.
    length : int
        The number of entries it should have.
    hint : str, optional
        What decides the length, for the message; for example
        ``"the cost is recorded at iterations 0, 100, 200, ..."``.
    where : str, optional
        Where the inputs come from, for messages.
    """
    suffix = f" {where}" if where else ""
    if isinstance(value, np.ndarray) and value.ndim == 1:
        got = value.shape[0]
    elif isinstance(value, list | tuple):
        got = len(value)
    else:
        raise CheckFailure(
            f"{func_name}: `{var}` should be a list of {length} numbers{suffix}, "
            f"got {describe(value)}."
        )
    if got != length:
        entries = "entry" if length == 1 else "entries"
        message = f"{func_name}: `{var}` should have {length} {entries}{suffix}, got {got}."
        if hint:
            message += f" {hint[0].upper()}{hint[1:]}."
        raise CheckFailure(message)


def expect_shape_with_mistakes(
    func_name: str,
    var: str,
    value: Any,
    shape: tuple[int, ...],
    *,
    mistakes: Mapping[str, tuple[int, ...]],
    rank1_hint: str = "",
) -> None:
    """:func:`expect_shape`, naming a known mistake when the wrong shape is the one it gives.

    Parameters
    ----------
    func_name, var : str
        The graded function and the array's name.
    value : Any
        The value to check.
    shape : tuple of int
        The expected shape.
    mistakes : mapping of str to tuple of int
        Known mistakes and the shape each would produce, for example
        ``{"`*` where the matrix product X @ dZ.T was meant": (n_x, m)}``. A mistake whose
        shape equals ``shape`` can never be named here (its values are judged later).
    rank1_hint : str, optional
        Passed on to :func:`expect_shape`.
    """
    shape = tuple(int(s) for s in shape)
    if isinstance(value, np.ndarray) and value.shape != shape:
        for mistake, wrong in mistakes.items():
            if value.shape == tuple(int(s) for s in wrong):
                raise CheckFailure(
                    f"{func_name}: `{var}` should have shape {shape}, got {value.shape}. "
                    f"This is the shape that {mistake} gives."
                )
    expect_shape(func_name, var, value, shape, rank1_hint=rank1_hint)


# --------------------------------------------------------------------------------------------
# Added for 05_deep_network_application: training runs, judged without the initial draws
# --------------------------------------------------------------------------------------------
def expect_decrease(
    func_name: str,
    var: str,
    values: Any,
    *,
    hint: str = "",
    where: str = "",
) -> None:
    """Check that the last of a sequence of recorded values is below the first.

    Meant for the costs recorded during training: whatever the random initial parameters,
    gradient descent with a small enough learning rate lowers the cost.

    Parameters
    ----------
    func_name, var : str
        The graded function and the sequence's name.
    values : list, tuple or rank-1 array of real scalars
        The recorded values, first to last; their length and finiteness were checked before.
    hint : str, optional
        The likely cause when the value did not go down, for example
        ``"the updated parameters are not used in the next iteration"``.
    where : str, optional
        Where the inputs come from, for messages.
    """
    values = [float(np.asarray(v)) for v in values]
    if len(values) < 2 or values[-1] < values[0]:
        return
    suffix = f" {where}" if where else ""
    change = "stayed the same" if values[-1] == values[0] else "went up"
    message = (
        f"{func_name}: `{var}` should go down during training{suffix}, but it {change}: "
        f"first {values[0]:.6g}, last {values[-1]:.6g}."
    )
    if hint:
        message += f" Check whether {hint}."
    raise CheckFailure(message)


def expect_at_least(
    func_name: str,
    var: str,
    value: Any,
    minimum: float,
    *,
    hint: str = "",
    where: str = "",
) -> None:
    """Check that a score (an accuracy, for example) reaches a threshold.

    The threshold is not a reference value: it is set well below what a correct
    implementation reaches, so the message may show it.

    Parameters
    ----------
    func_name, var : str
        The graded function and the score's name.
    value : real scalar
        The score the student's result achieved.
    minimum : float
        The lowest accepted score.
    hint : str, optional
        Likely causes of a low score, for the message.
    where : str, optional
        Where the inputs come from, for messages.
    """
    got = float(np.asarray(value))
    if np.isfinite(got) and got >= minimum:
        return
    suffix = f" {where}" if where else ""
    message = f"{func_name}: `{var}` is {got:.4g}{suffix}; it should be at least {minimum:.4g}."
    if hint:
        message += f" {hint[0].upper()}{hint[1:]}."
    raise CheckFailure(message)


#: How a message names a function that does not take its random numbers from ``rng``.
GLOBAL_RANDOM = "draws from np.random / reseeds it: draw from rng"


def expect_own_rng(run: Call, *, where: str = "") -> None:
    """Check that a function given an ``rng`` left NumPy's global random state alone.

    ``np.random.seed(2)`` inside the function gives the same numbers whatever ``rng`` is, and
    ``np.random.randn`` changes the global state; both show as a change of that state during
    the call (recorded by :func:`call`).

    Parameters
    ----------
    run : Call
        The result of :func:`call`.
    where : str, optional
        Where the inputs come from, for messages.
    """
    if not run.global_random:
        return
    suffix = f" {where}" if where else ""
    raise CheckFailure(
        f"{run.func_name} {GLOBAL_RANDOM}{suffix}. It changed NumPy's global random state "
        f"(np.random.seed, np.random.randn, ...): take every random number from the `rng` "
        f"argument (rng.standard_normal(...)), here and in the functions it calls, and leave "
        f"np.random alone."
    )


def expect_seed_matters(
    func_name: str,
    var: str,
    first: Any,
    other: Any,
    *,
    where: str = "",
) -> None:
    """Check that generators of two different seeds gave different random draws.

    A function that ignores ``rng`` (a fixed ``np.random.seed`` or ``default_rng(1)`` inside)
    returns the same numbers whatever generator it is given.

    Parameters
    ----------
    func_name, var : str
        The graded function and the value's name.
    first, other : array_like
        The value returned for a generator of one seed and for one of another seed.
    where : str, optional
        Where the inputs come from, for messages.
    """
    if not is_close(first, other, rtol=1e-12, atol=0.0):
        return
    suffix = f" {where}" if where else ""
    raise CheckFailure(
        f"{func_name}: generators of two different seeds gave the same `{var}`{suffix}, so "
        f"the numbers do not come from `rng`: the function {GLOBAL_RANDOM} (the `rng` "
        f"argument, passed on as `rng=rng`), never a fixed np.random.seed(...) or "
        f"default_rng(seed) inside."
    )


def expect_reproducible(
    func_name: str,
    var: str,
    first: Any,
    second: Any,
    *,
    where: str = "",
) -> None:
    """Check that two calls given generators of the same seed returned the same value.

    A function with an ``rng`` argument must draw every random number from it, so that the
    same seed gives the same result; checks rely on that to compare a function with itself,
    never with the order of the reference's random calls.

    Parameters
    ----------
    func_name, var : str
        The graded function and the value's name.
    first, second : array_like or scalar
        The value returned by the first and by the second call (same shape, checked before).
    where : str, optional
        Where the inputs come from, for messages.
    """
    if is_close(first, second, rtol=1e-12, atol=0.0):
        return
    suffix = f" {where}" if where else ""
    raise CheckFailure(
        f"{func_name}: two calls with `rng` generators of the same seed returned different "
        f"`{var}`{suffix}. Draw every random number from the `rng` argument (pass it on to "
        f"the initialisation function as `rng=rng`), never from np.random.* or a new "
        f"default_rng(), so that the same seed gives the same result."
    )
