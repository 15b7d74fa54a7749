"""Record and replay of the calls a test makes to a student's functions.

The grader runs every submission twice, in two sandboxed kernels:

- the **student's kernel** runs the student's answers; around each test cell, ``record``
  wraps the student's functions so that every call emits, as a display output of MIME type
  ``MIME``, what came back as **plain data** (numbers, strings, arrays, tuples, lists,
  dicts; never pickles or code): the result or the builtin type and message of the
  exception raised, the arguments changed in place, and the results that are (views of)
  an argument;
- the **verdict kernel** never runs a line of the student's: it runs the course's own
  notebook, and around each test cell ``replay`` puts proxies in place of the student's
  functions that hand back the recorded answers, in order. The test's checks, its expected
  values and its state are the course's; the points come from this kernel.

This module runs inside the sandbox with the standard library, numpy and (if the notebook
imported it) torch only.
"""

from __future__ import annotations

import base64
import builtins
import itertools
import json
import sys

import numpy as np
from IPython.display import display

MIME = "application/vnd.rnn-course.call+json"
MAX_ARRAY_BYTES = 64 << 20  # a larger array is not recorded (the test then fails, saying why)
MAX_DEPTH = 6  # nesting of tuples, lists and dicts recorded
MESSAGE_CHARS = 2000  # characters of an exception's message kept
_saved: dict[str, object] = {}
_active: list[str] = []  # the recorded call under way, if any


class Unrecordable(Exception):
    """A value that is not plain data."""


def _torch():
    return sys.modules.get("torch")


def _is_tensor(value) -> bool:
    torch = _torch()
    return torch is not None and isinstance(value, torch.Tensor)


def encode(value, depth: int = 0):
    """``value`` as JSON-ready plain data; ``Unrecordable`` for anything else."""
    if depth > MAX_DEPTH:
        raise Unrecordable(f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, np.generic):
        return {"scalar": encode(np.asarray(value), depth + 1)}
    if value is None or isinstance(value, bool | int | float | str):
        return value if not isinstance(value, float) else {"float": repr(value)}
    if isinstance(value, complex):
        return {"complex": [value.real, value.imag]}
    if _is_tensor(value):
        return {
            "tensor": encode(value.detach().cpu().numpy(), depth + 1),
            "requires_grad": bool(value.requires_grad),
        }
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufc" or value.dtype.hasobject:
            raise Unrecordable(f"an array of dtype {value.dtype}")
        if value.nbytes > MAX_ARRAY_BYTES:
            raise Unrecordable(
                f"an array of {value.nbytes:,} bytes (at most {MAX_ARRAY_BYTES:,} are recorded)"
            )
        raw = (
            value if value.flags.c_contiguous else value.copy(order="C")
        )  # (ascontiguousarray makes 0-d 1-d)
        return {
            "array": base64.b64encode(raw.tobytes()).decode(),
            "dtype": raw.dtype.str,
            "shape": list(raw.shape),
        }
    if isinstance(value, tuple | list):
        return {type(value).__name__: [encode(item, depth + 1) for item in value]}
    if isinstance(value, dict):
        return {"dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    raise Unrecordable(f"a {type(value).__module__}.{type(value).__qualname__}")


def decode(data):
    """The value ``encode`` described (arrays are fresh and writable)."""
    if data is None or isinstance(data, bool | int | str):
        return data
    (kind, payload), *_ = data.items()
    if kind == "float":
        return float(payload)
    if kind == "complex":
        return complex(*payload)
    if kind == "array":
        raw = base64.b64decode(payload)
        return np.frombuffer(raw, dtype=np.dtype(data["dtype"])).reshape(tuple(data["shape"])).copy()
    if kind == "scalar":
        return decode(payload)[()]
    if kind == "tensor":
        return _torch_module().from_numpy(decode(payload)).requires_grad_(data["requires_grad"])
    if kind in ("tuple", "list"):
        items = [decode(item) for item in payload]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {_hashable(decode(k)): decode(v) for k, v in payload}
    raise ValueError(f"not a recorded value: {kind!r}")


def _torch_module():
    import torch  # deferred: the kernel pays for torch only when an answer returns tensors

    return torch


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key


def describe(value, depth: int = 0) -> str:
    """A short description of an argument (kind and shape), to tell two runs apart."""
    if isinstance(value, np.ndarray) or _is_tensor(value):
        return f"array{tuple(value.shape)}"
    if isinstance(value, tuple | list) and depth < 2:
        return f"{type(value).__name__}[{', '.join(describe(v, depth + 1) for v in value)}]"
    if isinstance(value, dict) and depth < 2:
        return "dict{" + ", ".join(f"{k!r}: {describe(v, depth + 1)}" for k, v in value.items()) + "}"
    if callable(value):
        return "function"
    return type(value).__name__


def signature(args: tuple, kwargs: dict) -> str:
    """``(array(3, 2), float, scale=float)``: what a call received, to tell two runs apart."""
    return (
        "(" + ", ".join([describe(a) for a in args] + [f"{k}={describe(v)}" for k, v in kwargs.items()]) + ")"
    )


def _leaves(value, path=(), depth: int = 0):
    """``(path, array)`` for every numpy array or tensor inside tuples, lists and dicts."""
    if isinstance(value, np.ndarray) or _is_tensor(value):
        yield path, value
    elif depth < MAX_DEPTH and isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from _leaves(item, path + (index,), depth + 1)
    elif depth < MAX_DEPTH and isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str | int):
                yield from _leaves(item, path + (key,), depth + 1)


def _numpy(array) -> np.ndarray:
    return array.detach().cpu().numpy() if _is_tensor(array) else array


def _shares(a, b) -> str | None:
    """``'same'`` when ``a is b``, ``'view'`` when they share memory, else ``None``."""
    if a is b:
        return "same"
    x, y = _numpy(a), _numpy(b)
    if not np.may_share_memory(x, y):
        return None
    try:
        return "view" if np.shares_memory(x, y, max_work=100_000) else None
    except np.exceptions.TooHardError:
        return "view"


def _builtin_type(error: BaseException) -> str:
    """The nearest builtin exception class of ``error`` (a custom ``MyError(ValueError)``
    becomes ``ValueError``)."""
    for cls in type(error).__mro__:
        if getattr(builtins, cls.__name__, None) is cls:
            return cls.__name__
    return "Exception"


def _emit(entry: dict) -> None:
    display({MIME: entry}, raw=True)


def _recorder(name: str, function, test_id: str, counter):
    """``function`` wrapped to emit a record of every call a test makes (an answer calling
    another answer inside is not a call of the test's: not recorded)."""

    def recorded(*args, **kwargs):
        if _active:
            return function(*args, **kwargs)
        _active.append(name)
        try:
            return _recorded_call(args, kwargs)
        finally:
            _active.pop()

    def _recorded_call(args, kwargs):
        arguments = {"args": args, "kwargs": kwargs}
        before = [(path, np.array(_numpy(leaf), copy=True)) for path, leaf in _leaves(arguments)]
        entry = {"test": test_id, "name": name, "call": next(counter), "inputs": signature(args, kwargs)}
        try:
            result = function(*args, **kwargs)
        except Exception as error:
            entry["raised"] = {"type": _builtin_type(error), "message": str(error)[:MESSAGE_CHARS]}
            _emit(entry)
            raise
        try:
            entry["result"] = encode(result)
        except Exception as problem:  # Unrecordable, or a value numpy cannot read (a bfloat16 tensor)
            entry["unrecordable"] = (
                str(problem)
                if isinstance(problem, Unrecordable)
                else (
                    f"a {type(result).__qualname__} that could not be read "
                    f"({type(problem).__name__}: {problem})"
                )
            )
        inputs = dict(_leaves(arguments))
        entry["mutated"] = [
            [list(path), encode(np.array(_numpy(inputs[path])))]
            for path, old in before
            if _numpy(inputs[path]).shape != old.shape
            or not np.array_equal(_numpy(inputs[path]), old, equal_nan=True)
        ]
        entry["aliases"] = [
            [list(rpath), list(apath), kind]
            for rpath, r in _leaves(result)
            for apath, a in inputs.items()
            if (kind := _shares(r, a))
        ]
        _emit(entry)
        return result

    recorded.__name__ = recorded.__qualname__ = name
    recorded.__wrapped__ = function
    return recorded


def _swap(namespace: dict, replacements: dict) -> None:
    for name, value in replacements.items():
        if name in namespace:
            _saved.setdefault(name, namespace[name])
            namespace[name] = value


def record(test_id: str, namespace: dict, names: list[str]) -> None:
    """Student's kernel, before a test cell: wrap the student's functions ``names``;
    ``check_own_work`` is judged by the verdict kernel from the answer's source."""
    counter = itertools.count()
    _swap(
        namespace,
        {
            name: _recorder(name, namespace[name], test_id, counter)
            for name in names
            if callable(namespace.get(name))
        },
    )
    _swap(namespace, {"check_own_work": lambda *args, **kwargs: None})


def restore(namespace: dict) -> None:
    """After a test cell, in either kernel: put back what ``record`` or ``replay`` replaced."""
    namespace.update(_saved)
    _saved.clear()


def _at(value, path):
    for key in path:
        value = value[_hashable(key) if isinstance(value, dict) else key]
    return value


def _replaced(value, path, new):
    """``value`` with the leaf at ``path`` replaced by ``new`` (tuples rebuilt)."""
    if not path:
        return new
    key, rest = path[0], path[1:]
    if isinstance(value, tuple):
        return value[:key] + (_replaced(value[key], rest, new),) + value[key + 1 :]
    value[key] = _replaced(value[key], rest, new)
    return value


def _answer(entry: dict, arguments: dict):
    """What the recorded call gave back, with its effects replayed on ``arguments``."""
    for path, new in entry.get("mutated", []):
        target, value = _at(arguments, path), decode(new)
        if tuple(target.shape) == value.shape:
            _numpy(target)[...] = value
    if "raised" in entry:
        kind = getattr(builtins, str(entry["raised"]["type"]), None)
        if not (isinstance(kind, type) and issubclass(kind, Exception)):
            kind = Exception  # a record names a class: never anything else that is callable
        raise kind(str(entry["raised"]["message"]))
    if "unrecordable" in entry:
        raise TypeError(
            f"{entry['name']} returned {entry['unrecordable']}, which the grader cannot check: "
            "return numbers, arrays, tuples, lists or dicts"
        )
    result = decode(entry["result"])
    for rpath, apath, kind in entry.get("aliases", []):
        source = _at(arguments, apath)
        if kind == "same":
            result = _replaced(result, rpath, source)
        elif isinstance(source, np.ndarray) and source.shape == _at(result, rpath).shape:
            result = _replaced(result, rpath, source.view())
    return result


def _proxy(name: str, queue: list, outcome: str, source: str, namespace: dict):
    """A stand-in for the student's ``name`` that answers from ``queue``."""

    def replayed(*args, **kwargs):
        if not queue:
            raise AssertionError(f"{name} gave no answer for this call in your kernel ({outcome})")
        entry = queue.pop(0)
        here = signature(args, kwargs)
        if entry["name"] != name or entry["inputs"] != here:
            raise AssertionError(
                f"the test called {name}{here}, but in your kernel the call in this place was "
                f"{entry['name']}{entry['inputs']}: does your code change a variable the notebook "
                "defines, or a random state?"
            )
        return _answer(entry, {"args": list(args), "kwargs": kwargs})

    replayed.__name__ = replayed.__qualname__ = name
    replayed.__graded_source__ = source
    replayed.__graded_namespace__ = namespace
    return replayed


def replay(test_id: str, namespace: dict, names: list[str], path: str) -> None:
    """Verdict kernel, before a test cell: the student's functions ``names`` become proxies
    answering from the records in the JSON file ``path``."""
    with open(path) as handle:
        records = json.load(handle)
    queue = list(records["calls"].get(test_id, []))
    outcome = records["outcomes"].get(test_id) or "it was never called"
    sources = records["sources"]
    _swap(namespace, {name: _proxy(name, queue, outcome, sources.get(name, ""), namespace) for name in names})
