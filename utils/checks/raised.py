"""An exception raised by a student's function, told as a check failure.

The message names the student's own line that raised (never the checks' code), tells a stub
that is not implemented yet from a branch that is missing, and names the usual cause of a few
NumPy errors (shapes that do not broadcast, ``math.exp`` on an array...).
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable, Mapping
from typing import Any

from utils.checks.messages import CheckFailure, where_text


def _library_roots() -> tuple[str, ...]:
    """Folders whose code is not the student's: Python, installed packages, ``utils/``.

    ``utils/`` holds these checks and the visible checks that call them: a student's line is
    never there.
    """
    import sysconfig
    from pathlib import Path

    roots = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.add(str(Path(__file__).resolve().parents[1]))
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
    suffix = where_text(where)
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
