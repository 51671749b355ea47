"""A safe text encoding for values that cross the grading sandbox's boundary.

Inputs of hidden checks go into the sandbox and the student's outputs come out as data, never
as pickles (unpickling runs code, so a pickle from a student's process could take over the
grader). Supported: None, bool, int, float, complex, str, list, tuple, dict, NumPy arrays and
scalars of numeric or bool dtype, and :class:`Seed` (a random generator to be made on the other
side). Anything else arrives as an :class:`Opaque` that only knows its type name.

Decoding gives back exactly what was encoded: a Python number stays a Python number of the same
type, a NumPy scalar a NumPy scalar of the same dtype, an array an array of the same dtype and
shape (0-d and empty ones included), with every bit of its data (NaN, inf and -0.0 included).
A check must give the same verdict on the student's value in their kernel and at grading.

Both sides import it as ``autograder.transfer``: it lives in the sandbox's shim, where a
student's kernel finds it, and the grader's ``autograder`` package searches the shim's after its
own folder.
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any

import numpy as np

#: NumPy dtype kinds that can cross: bool, signed and unsigned ints, floats, complex numbers.
_KINDS = "biufc"
_MAX_DEPTH = 32


class Opaque:
    """Stands for a value that cannot cross the boundary (a function, a custom object...).

    Parameters
    ----------
    type_name : str
        The type of the original value, for messages.
    """

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Opaque) and other.type_name == self.type_name

    def __hash__(self) -> int:
        return hash(self.type_name)


class TooLarge(ValueError):
    """The encoded value is larger than allowed."""


def _encode(value: Any, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        return {"__opaque__": "deeply nested value"}
    if value is None or isinstance(value, bool | str):
        return value
    # NumPy scalars first: np.float64 is a subclass of float and np.complex128 of complex, and
    # taken for Python numbers they would come back as another kind than the student returned.
    if isinstance(value, np.generic):
        if value.dtype.kind not in _KINDS:
            return {"__opaque__": type(value).__name__}
        return {"__np__": value.dtype.str, "data": base64.b64encode(value.tobytes()).decode()}
    if isinstance(value, int) and not isinstance(value, bool):
        # JSON numbers are doubles for many readers: text keeps every digit of any int.
        try:
            return {"__int__": str(int(value))}
        except ValueError:  # more digits than Python converts to text
            return {"__opaque__": "int with too many digits"}
    if isinstance(value, float):
        # repr keeps every bit of a double, and NaN and inf, which strict JSON has no words for.
        return {"__float__": _float_text(value)}
    if isinstance(value, complex):
        return {"__complex__": [_float_text(value.real), _float_text(value.imag)]}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in _KINDS:
            return {"__opaque__": f"array of dtype {value.dtype}"}
        # tobytes() copies in C order whatever the layout; never np.ascontiguousarray, which
        # turns a 0-d array (a cost from np.squeeze) into shape (1,).
        return {
            "__nd__": value.dtype.str,
            "shape": list(value.shape),
            "data": base64.b64encode(value.tobytes()).decode("ascii"),
        }
    if isinstance(value, np.random.Generator):
        return {"__generator__": True}
    if isinstance(value, Seed):
        return {"__seed__": value.value}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, depth + 1) for v in value]}
    if isinstance(value, list):
        return [_encode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {
            "__dict__": [[_encode(k, depth + 1), _encode(v, depth + 1)] for k, v in value.items()]
        }
    return {"__opaque__": type(value).__name__}


#: Largest encoding :func:`encode` makes, unless told otherwise (characters).
DEFAULT_LIMIT = 64 * 1024 * 1024


def _float_text(value: float) -> str:
    """Text that ``float()`` reads back as ``value``: repr, but a NaN keeps its sign."""
    value = float(value)
    if value != value and math.copysign(1.0, value) < 0:
        return "-nan"
    return repr(value)


def encode(value: Any, limit: int = DEFAULT_LIMIT) -> str:
    """Encode ``value`` as text.

    Parameters
    ----------
    value : Any
    limit : int
        Largest encoding in characters.

    Raises
    ------
    TooLarge
        When the encoding is longer than ``limit``.
    """
    text = json.dumps(_encode(value, 0), allow_nan=False)
    if len(text) > limit:
        raise TooLarge(f"{len(text)} characters, more than {limit}")
    return text


def _dtype(code: Any) -> np.dtype:
    dtype = np.dtype(str(code))
    if dtype.kind not in _KINDS:
        raise ValueError(f"dtype {dtype} may not cross the sandbox boundary")
    return dtype


def _decode(obj: Any, depth: int) -> Any:
    if depth > _MAX_DEPTH + 1:
        raise ValueError("value nested too deeply")
    if isinstance(obj, list):
        return [_decode(v, depth + 1) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "__nd__" in obj:
        dtype = _dtype(obj["__nd__"])
        shape = tuple(int(s) for s in obj["shape"])
        data = base64.b64decode(obj["data"])
        return np.frombuffer(data, dtype=dtype).reshape(shape).copy()
    if "__np__" in obj:
        dtype = _dtype(obj["__np__"])
        return np.frombuffer(base64.b64decode(obj["data"]), dtype=dtype)[0]
    if "__int__" in obj:
        return int(str(obj["__int__"]))
    if "__float__" in obj:
        return float(str(obj["__float__"]))
    if "__complex__" in obj:
        real, imag = obj["__complex__"]
        return complex(float(real), float(imag))
    if "__tuple__" in obj:
        return tuple(_decode(v, depth + 1) for v in obj["__tuple__"])
    if "__dict__" in obj:
        out = {}
        for pair in obj["__dict__"]:
            key, value = pair
            key = _decode(key, depth + 1)
            out[key if isinstance(key, str | int | float | bool | tuple) else repr(key)] = _decode(
                value, depth + 1
            )
        return out
    if "__generator__" in obj:
        return Opaque("Generator")
    if "__seed__" in obj:
        return Seed(int(obj["__seed__"]))
    if "__opaque__" in obj:
        return Opaque(str(obj["__opaque__"]))
    raise ValueError("unknown value in transfer")


def decode(text: str) -> Any:
    """Decode what :func:`encode` produced; refuses anything else."""
    return _decode(json.loads(text), 0)


class Seed:
    """Stands for a ``numpy.random.Generator`` argument; becomes ``default_rng(value)``."""

    def __init__(self, value: int) -> None:
        self.value = int(value)

    def __repr__(self) -> str:
        return f"Seed({self.value})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Seed) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def generator(self) -> np.random.Generator:
        return np.random.default_rng(self.value)


def materialise(value: Any) -> Any:
    """Replace every :class:`Seed` in ``value`` by a fresh generator."""
    if isinstance(value, Seed):
        return value.generator()
    if isinstance(value, tuple):
        return tuple(materialise(v) for v in value)
    if isinstance(value, list):
        return [materialise(v) for v in value]
    if isinstance(value, dict):
        return {k: materialise(v) for k, v in value.items()}
    return value
