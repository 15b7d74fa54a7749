"""Calls of a student's functions: made by the verdict kernel, served by the student's kernel.

The grader runs every submission in two sandboxed kernels side by side:

- the **verdict kernel** runs the course's own notebook with the answers left unanswered:
  no line of the student's runs there. Around each test cell, ``replay`` puts stand-ins in
  place of the student's functions. A call of a stand-in sends its arguments, as **plain
  data** (numbers, strings, arrays, tuples, lists, dicts; and the test's own small functions,
  such as an activation, as code), through the grader to the student's kernel and waits for
  the answer. The test's checks, its expected values and its state are the course's; the
  points come from this kernel;
- the **student's kernel** runs the student's answers and the course's other cells, never a
  test cell. For each call, the grader has it evaluate ``serve``, which calls the student's
  function on those arguments and gives back what came of it as plain data: the result or the
  builtin type and message of the exception raised, the arguments changed in place, the
  results that are (views of) an argument, and the course modules the call entered. So
  nothing of a test but the arguments of its calls ever reaches the student's code.

``integrity`` describes the student's kernel's shell and this module, so that the grader
can tell (comparing with the description taken before any student code ran) whether they
were changed.

This module runs inside the sandbox with the standard library, numpy and (if the notebook
imported it) torch only.
"""

from __future__ import annotations

import base64
import builtins
import hashlib
import importlib
import json
import marshal
import socket
import struct
import sys
import types

import numpy as np

MAX_ARRAY_BYTES = 64 << 20  # a larger array is not sent (the test then fails, saying why)
MAX_DEPTH = 6  # nesting of tuples, lists and dicts sent
MESSAGE_CHARS = 2000  # characters of an exception's message kept
WATCHED = ("helpers", "torch")  # packages whose entry by an answer is reported to the verdict
CODE_KINDS = ("function", "module", "ufunc", "builtin")  # accepted only from the verdict kernel
_saved: dict[str, object] = {}


class Unrecordable(Exception):
    """A value that is not plain data."""


def _torch():
    return sys.modules.get("torch")


def _is_tensor(value) -> bool:
    torch = _torch()
    return torch is not None and isinstance(value, torch.Tensor)


def _code_names(code: types.CodeType) -> set[str]:
    """Global names ``code`` and the code nested in it may read."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _encode_function(value: types.FunctionType, depth: int) -> dict:
    """A test's own function (an activation passed to the answer, say) as code: its compiled
    body, and the modules and plain values it reads."""
    found = []
    for name in sorted(_code_names(value.__code__)):
        if name in value.__globals__:
            item = value.__globals__[name]
            found.append(
                [
                    name,
                    {"module": item.__name__}
                    if isinstance(item, types.ModuleType)
                    else encode(item, depth + 1, code=True),
                ]
            )
    return {
        "function": {
            "code": base64.b64encode(marshal.dumps(value.__code__)).decode(),
            "name": value.__name__,
            "globals": found,
            "defaults": encode(value.__defaults__ or (), depth + 1, code=True),
            "closure": [encode(cell.cell_contents, depth + 1, code=True) for cell in value.__closure__ or ()],
        }
    }


def encode(value, depth: int = 0, code: bool = False):
    """``value`` as JSON-ready plain data; ``Unrecordable`` for anything else. With ``code``
    (the verdict kernel's arguments only), numpy ufuncs, builtins and Python functions too."""
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
            raise Unrecordable(f"an array of {value.nbytes:,} bytes (at most {MAX_ARRAY_BYTES:,} are sent)")
        raw = (
            value if value.flags.c_contiguous else value.copy(order="C")
        )  # (ascontiguousarray makes 0-d 1-d)
        return {
            "array": base64.b64encode(raw.tobytes()).decode(),
            "dtype": raw.dtype.str,
            "shape": list(raw.shape),
        }
    if isinstance(value, tuple | list):
        return {type(value).__name__: [encode(item, depth + 1, code) for item in value]}
    if isinstance(value, dict):
        return {"dict": [[encode(k, depth + 1, code), encode(v, depth + 1, code)] for k, v in value.items()]}
    if code and isinstance(value, np.ufunc) and getattr(np, value.__name__, None) is value:
        return {"ufunc": value.__name__}
    if (
        code
        and isinstance(value, types.BuiltinFunctionType)
        and getattr(builtins, value.__name__, None) is value
    ):
        return {"builtin": value.__name__}
    if code and isinstance(value, types.FunctionType):
        return _encode_function(value, depth)
    raise Unrecordable(f"a {type(value).__module__}.{type(value).__qualname__}")


def decode(data, code: bool = False):
    """The value ``encode`` described (arrays are fresh and writable). Code (functions,
    modules) only with ``code``: the student's kernel takes it from the verdict kernel, never
    the other way round."""
    if data is None or isinstance(data, bool | int | str):
        return data
    (kind, payload), *_ = data.items()
    if kind in CODE_KINDS and not code:
        raise ValueError(f"a {kind} is never taken from the student's kernel")
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
        items = [decode(item, code) for item in payload]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {_hashable(decode(k, code)): decode(v, code) for k, v in payload}
    if kind == "module":
        return importlib.import_module(payload)
    if kind == "ufunc":
        return getattr(np, payload)
    if kind == "builtin":
        return getattr(builtins, payload)
    if kind == "function":
        namespace = {"__builtins__": builtins, **{name: decode(v, True) for name, v in payload["globals"]}}
        return types.FunctionType(
            marshal.loads(base64.b64decode(payload["code"])),
            namespace,
            payload["name"],
            decode(payload["defaults"], True) or None,
            tuple(types.CellType(decode(v, True)) for v in payload["closure"]) or None,
        )
    raise ValueError(f"not a recorded value: {kind!r}")


def _torch_module():
    import torch  # deferred: the kernel pays for torch only when an answer returns tensors

    return torch


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key


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


def _module_of(frame, event: str, arg) -> str:
    """The module a profiled call goes into (``''`` when it has none)."""
    if event == "call":
        module = frame.f_globals.get("__name__", "")
    elif event == "c_call":
        module = getattr(arg, "__module__", None) or getattr(
            getattr(arg, "__objclass__", None), "__module__", ""
        )
    else:
        return ""
    return module if isinstance(module, str) else ""


def _call_watching(function, args, kwargs, entered: set[str]):
    """``function(*args, **kwargs)``, adding to ``entered`` every module of ``WATCHED`` it
    goes into (a profile hook: the answer's own calls, not its source, decide)."""

    def profile(frame, event, arg):
        module = _module_of(frame, event, arg)
        if module.split(".")[0] in WATCHED:
            entered.add(module)

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        return function(*args, **kwargs)
    finally:
        sys.setprofile(previous)


def serve(namespace: dict, name: str, request) -> str:
    """Student's kernel: call ``namespace[name]`` on the arguments of ``request`` (a dict,
    or the path of a JSON file holding one: ``{"args": ..., "kwargs": ...}`` as ``encode``
    wrote them); return what came of it as JSON (see the module's doc)."""
    if isinstance(request, str):
        with open(request) as handle:
            request = json.load(handle)
    args, kwargs = decode(request["args"], code=True), decode(request["kwargs"], code=True)
    entry: dict = {"name": name}
    arguments = {"args": args, "kwargs": kwargs}
    before = [(path, np.array(_numpy(leaf), copy=True)) for path, leaf in _leaves(arguments)]
    entered: set[str] = set()
    try:
        function = namespace[name]
        if not callable(function):
            raise TypeError(f"{name} is a {type(function).__name__}, not a function")
        result = _call_watching(function, args, kwargs, entered)
    except BaseException as error:  # SystemExit and KeyboardInterrupt too: the test sees them raised
        entry["raised"] = {"type": _builtin_type(error), "message": str(error)[:MESSAGE_CHARS]}
        entry["entered"] = sorted(entered)
        return json.dumps(entry)
    entry["entered"] = sorted(entered)
    try:
        entry["result"] = encode(result)
    except Exception as problem:  # Unrecordable, or a value numpy cannot read (a bfloat16 tensor)
        entry["unrecordable"] = (
            str(problem)
            if isinstance(problem, Unrecordable)
            else f"a {type(result).__qualname__} that could not be read ({type(problem).__name__}: {problem})"
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
    return json.dumps(entry)


def _qualname(item) -> str:
    kind = item if isinstance(item, type | types.FunctionType | types.BuiltinFunctionType) else type(item)
    return f"{getattr(kind, '__module__', '?')}.{getattr(kind, '__qualname__', '?')}"


def integrity() -> str:
    """Student's kernel: the state a submission has no business changing, as JSON: the
    shell's input and AST transformers, the trace and profile hooks, the code of this
    module's functions, and which object each builtin name holds."""
    shell = sys.modules["IPython"].get_ipython()
    manager = shell.input_transformer_manager
    own = hashlib.sha256()
    for key, item in list(vars(sys.modules[__name__]).items()):
        code = getattr(item, "__code__", None)
        own.update(
            key.encode()
            + (
                code.co_code + repr(code.co_consts).encode()
                if code is not None
                else repr(type(item)).encode()
            )
        )
    return json.dumps(
        {
            "input transformers": [
                _qualname(t)
                for t in [
                    *manager.cleanup_transforms,
                    *manager.line_transforms,
                    *manager.token_transformers,
                    *shell.input_transformers_post,
                ]
            ],
            "AST transformers": [_qualname(t) for t in shell.ast_transformers],
            "trace or profile hook": [
                _qualname(h) for h in (sys.gettrace(), sys.getprofile()) if h is not None
            ],
            "the grader's recorder": own.hexdigest(),
            "builtins": {key: id(item) for key, item in vars(builtins).items()},
        }
    )


def _swap(namespace: dict, replacements: dict) -> None:
    for name, value in replacements.items():
        if name in namespace:
            _saved.setdefault(name, namespace[name])
            namespace[name] = value


def restore(namespace: dict) -> None:
    """Verdict kernel, after a test cell: put back what ``replay`` replaced."""
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


def _where(path: list) -> str:
    """``args[0]['W']`` for a leaf's path in ``{"args": [...], "kwargs": {...}}``."""
    head, *rest = path
    return head + "".join(f"[{key!r}]" for key in rest)


def _answer(entry: dict, arguments: dict, in_place: bool, forbidden: tuple[str, ...]):
    """What the served call gave back, with its changes to ``arguments`` replayed where the
    exercise's contract is to change them (``in_place``) and refused elsewhere."""
    name = entry.get("name", "your function")
    if "failed" in entry:
        raise AssertionError(f"{name} gave no answer for this call in your kernel ({entry['failed']})")
    used = [
        module
        for module in entry.get("entered", [])
        if any(module == f or module.startswith(f + ".") for f in forbidden)
    ]
    if used:
        raise AssertionError(
            f"{name} ran {', '.join(used)} when the test called it: the exercise is to write "
            "it yourself, not to call the course's (or a library's) version"
        )
    changed = entry.get("mutated", [])
    if changed and not in_place:
        raise AssertionError(
            f"{name} changed its argument {_where(changed[0][0])} in place: return a new "
            "value and leave the inputs as they were (copy an array before changing it)"
        )
    for path, new in changed:
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
            f"{name} returned {entry['unrecordable']}, which the grader cannot check: "
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


def _receive(connection: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = connection.recv(min(size - len(data), 1 << 20))
        if not chunk:
            raise ConnectionError("the grader closed the call channel")
        data += chunk
    return bytes(data)


def send_message(connection: socket.socket, message: dict) -> None:
    """One JSON message on a stream socket: its length (8 bytes), then the text."""
    data = json.dumps(message).encode()
    connection.sendall(struct.pack("!Q", len(data)) + data)


def receive_message(connection: socket.socket) -> dict:
    (size,) = struct.unpack("!Q", _receive(connection, 8))
    return json.loads(_receive(connection, size))


def channel(path: str):
    """A transport to the grader's unix socket at ``path``: request -> answer."""

    def call(request: dict) -> dict:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.connect(path)
            send_message(connection, request)
            return receive_message(connection)

    return call


def _proxy(name: str, test_id: str, transport, source: str, namespace: dict, in_place: bool, forbidden: dict):
    """A stand-in for the student's ``name``: sends each call's arguments to the student's
    kernel through ``transport`` and hands back what came of it."""

    def replayed(*args, **kwargs):
        try:
            request = {
                "test": test_id,
                "name": name,
                "args": encode(list(args), code=True),
                "kwargs": encode(kwargs, code=True),
            }
        except Unrecordable as problem:
            raise AssertionError(f"the grader cannot pass {problem} to {name}: tell your teacher") from None
        entry = transport(request)
        entry.setdefault("name", name)
        return _answer(entry, {"args": list(args), "kwargs": kwargs}, in_place, forbidden.get(name, ()))

    replayed.__name__ = replayed.__qualname__ = name
    replayed.__graded_source__ = source
    replayed.__graded_namespace__ = namespace
    return replayed


def replay(test_id: str, namespace: dict, names: list[str], transport, sources, in_place=()) -> None:
    """Verdict kernel, before a test cell: the student's functions ``names`` become stand-ins
    whose calls ``transport`` (a function, or the path of the grader's unix socket) serves
    from the student's kernel. ``sources``: name -> the answer cell's source (or the path of
    a JSON file of them), which ``check_own_work`` reads; ``in_place``: the functions whose
    contract is to change their arguments. ``check_own_work`` also notes which packages each
    function may not use, and a call that entered one of them fails."""
    if isinstance(transport, str):
        transport = channel(transport)
    if isinstance(sources, str):
        with open(sources) as handle:
            sources = json.load(handle)
    limits: dict[str, tuple[str, ...]] = {}
    checker = namespace.get("check_own_work")

    def check_own_work(func, forbidden=("helpers",), name=None):
        if getattr(func, "__name__", None) in names and isinstance(forbidden, tuple | list):
            limits[func.__name__] = tuple(forbidden)
        return checker(func, forbidden, name)

    _swap(
        namespace,
        {
            name: _proxy(name, test_id, transport, sources.get(name, ""), namespace, name in in_place, limits)
            for name in names
        },
    )
    if callable(checker):
        _swap(namespace, {"check_own_work": check_own_work})
