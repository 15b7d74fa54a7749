"""Exercise feedback: checks that tell a learner what is wrong and how to look for it.

Each check raises ``AssertionError`` (so nbgrader counts the test as failed) with a
message that names the expected and the actual shape, dtype or value, plus an
optional hint. On success nothing is printed; call ``passed`` to say so.

``check_own_work`` is the one guard every notebook uses to refuse an exercise answer
that calls the course's helpers (or another forbidden library) instead of doing the work.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import textwrap
import types

import numpy as np

from helpers.validation import format_shape, shape_matches


def _with_hint(message: str, hint: str | None) -> str:
    return message if not hint else f"{message}\nHint: {hint}"


def _as_array(actual, name: str, hint: str | None) -> np.ndarray:
    if actual is None:
        raise AssertionError(_with_hint(
            f"{name} is None: did the function forget to `return` its result?", hint))
    try:
        arr = np.asarray(actual)
    except Exception as exc:  # ragged lists and the like
        raise AssertionError(_with_hint(f"{name} is not array-like: {exc}", hint)) from exc
    if arr.dtype == object:
        raise AssertionError(_with_hint(
            f"{name} should be numeric but holds {type(actual).__name__} of mixed objects", hint))
    return arr


def check_shape(actual, expected_shape, name: str = "your answer", hint: str | None = None) -> None:
    """Assert that ``actual`` has ``expected_shape`` (a tuple; ``None`` means any size)."""
    arr = _as_array(actual, name, hint)
    expected_shape = tuple(expected_shape)
    if not shape_matches(arr.shape, expected_shape):
        raise AssertionError(_with_hint(
            f"{name} has shape {format_shape(arr.shape)}, expected {format_shape(expected_shape)}",
            hint))


def check_dtype(actual, kind: str = "float", name: str = "your answer", hint: str | None = None) -> None:
    """Assert that ``actual`` holds numbers of ``kind``: ``"float"``, ``"int"`` or ``"bool"``."""
    kinds = {"float": np.floating, "int": np.integer, "bool": np.bool_}
    if kind not in kinds:
        raise ValueError(f"kind must be one of {sorted(kinds)}, got {kind!r}")
    arr = _as_array(actual, name, hint)
    if not np.issubdtype(arr.dtype, kinds[kind]):
        raise AssertionError(_with_hint(f"{name} has dtype {arr.dtype}, expected a {kind} dtype", hint))


def check_close(actual, expected, name: str = "your answer", rtol: float = 1e-6,
                atol: float = 1e-8, hint: str | None = None) -> None:
    """Assert that ``actual`` equals ``expected`` within ``atol + rtol * |expected|``,
    entry by entry. The shapes must match exactly (no broadcasting); on a mismatch
    the message gives the worst entry, its index and both values."""
    expected = np.asarray(expected, dtype=float)
    arr = _as_array(actual, name, hint)
    check_shape(arr, expected.shape, name, hint)
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise AssertionError(_with_hint(f"{name} has dtype {arr.dtype}, expected numbers", hint))
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise AssertionError(_with_hint(
            f"{name} holds complex numbers (dtype {arr.dtype}), expected real ones", hint))
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise AssertionError(_with_hint(
            f"{name} contains NaN or inf ({int(np.sum(~np.isfinite(arr)))} entries)", hint))
    err = np.abs(arr - expected)
    tol = atol + rtol * np.abs(expected)
    if np.all(err <= tol):
        return
    worst = np.unravel_index(np.argmax(err - tol), err.shape) if err.ndim else ()
    where = f" at index {tuple(int(i) for i in worst)}" if err.ndim else ""
    raise AssertionError(_with_hint(
        f"{name} differs from the expected value{where}: got {arr[worst]:.6g}, "
        f"expected {expected[worst]:.6g} ({int(np.sum(err > tol))} of {err.size} entries off; "
        f"largest difference {err.max():.3g})", hint))


def passed(message: str = "All visible tests passed.") -> None:
    """Print a one-line success message for the learner."""
    print(f"\u2714 {message}")


def _origin(obj) -> str:
    """The module an object comes from: a module's own name, else its ``__module__``
    (for an instance, its class's), else its type's module."""
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    module = getattr(obj, "__module__", None)
    return module if isinstance(module, str) else type(obj).__module__


def _is_from(origin: str, modules: tuple[str, ...]) -> bool:
    return any(origin == m or origin.startswith(m + ".") for m in modules)


def _answer_source(func) -> tuple[dict[str, ast.AST], dict[str, str]]:
    """``(definitions, imports)`` of ``func``'s source: its ``def`` statements by name, and
    the modules its top-level imports bind (``{'act': 'helpers.numpy_nets.activations'}``). Under the
    grader the source is the whole answer cell (``__graded_source__``), else ``func``'s
    own (``inspect.getsource``)."""
    source = getattr(func, "__graded_source__", None)
    if source is None:
        try:
            source = textwrap.dedent(inspect.getsource(func))
        except (OSError, TypeError):
            raise AssertionError(f"the source of {func.__name__} cannot be read: define it with `def` in a "
                                 "notebook cell") from None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        try:   # a lambda in the middle of a longer statement
            tree = ast.parse(f"(\n{source.strip().rstrip(',')}\n)")
        except SyntaxError as error:
            raise AssertionError(f"the source of {func.__name__} does not parse: {error}") from None
    found = {node.name: node for node in tree.body
             if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    if func.__name__ == "<lambda>":
        found["<lambda>"] = next(node for node in ast.walk(tree) if isinstance(node, ast.Lambda))
    imports = {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and _dotted(node.value)):   # `sm = act.softmax`: a reference under another name
            imports[node.targets[0].id] = f"= {_dotted(node.value)}"
        elif isinstance(node, ast.Import):
            imports.update({(a.asname or a.name).split(".")[0]: a.asname and a.name or a.name.split(".")[0]
                            for a in node.names})
        elif isinstance(node, ast.ImportFrom):
            imports.update({a.asname or a.name: f"{node.module or ''}.{a.name}" for a in node.names})
    return found, imports


def _local_names(node: ast.AST) -> set[str]:
    """Names bound inside a function (arguments, assignments, loops, inner defs, imports)."""
    found = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.arg):
            found.add(inner.arg)
        elif isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store | ast.Del):
            found.add(inner.id)
        elif isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and inner is not node:
            found.add(inner.name)
        elif isinstance(inner, ast.alias):
            found.add((inner.asname or inner.name).split(".")[0])
    return found


def _dotted(node: ast.AST) -> str | None:
    """``'srn.forward'`` for the expression ``srn.forward``; ``None`` unless it is a name
    followed by attributes."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id, *reversed(parts)]) if isinstance(node, ast.Name) else None


def _references(node: ast.AST):
    """The dotted global names a function reads (``'srn.forward'``, ``'np'``) and
    ``'import m'`` for every module it imports, in its body and everything nested in it."""
    local = _local_names(node)
    for inner in ast.walk(node):
        if isinstance(inner, ast.Import):
            yield from (f"import {alias.name}" for alias in inner.names)
        elif isinstance(inner, ast.ImportFrom):
            yield f"import {inner.module or ''}"
        elif isinstance(inner, ast.Attribute | ast.Name) and isinstance(inner.ctx, ast.Load):
            dotted = _dotted(inner)
            if dotted and dotted.split(".")[0] not in local:
                yield dotted


def _resolve(dotted: str, namespace: dict):
    """The objects along ``dotted`` (``'srn.forward'`` -> ``[srn, srn.forward]``) as far as
    they exist in ``namespace`` or the builtins."""
    root, *attributes = dotted.split(".")
    if root in namespace:
        obj = namespace[root]
    elif hasattr(builtins, root):
        obj = getattr(builtins, root)
    else:
        return []
    found = [obj]
    for attribute in attributes:
        try:
            obj = getattr(obj, attribute)
        except Exception:  # a missing attribute fails when the answer runs, not here
            break
        found.append(obj)
    return found


def check_own_work(func, forbidden: tuple[str, ...] = ("helpers",), name: str | None = None) -> None:
    """Fail (``AssertionError``) when the answer ``func`` uses code it was meant to write.

    Reads ``func``'s source (its syntax tree, so every Python version gives the same
    answer): every global name and attribute chain it reads, in its body, inner functions,
    lambdas and comprehensions, is looked up in its globals; if one is a module, function,
    class or object from a package in ``forbidden`` (by default the course's ``helpers``,
    e.g. ``softmax`` imported from ``helpers.numpy_nets.activations`` or ``srn.forward``), or it
    imports such a package, the message names it. Functions of the learner's own that
    ``func`` calls are checked in the same way. Local names never count: an answer may
    define and call its own ``softmax``.
    """
    if isinstance(forbidden, str) or not all(isinstance(m, str) for m in forbidden):
        raise TypeError(f"forbidden must be a tuple of module names, got {forbidden!r}")
    label = name or getattr(func, "__name__", "your answer")
    if not isinstance(func, types.FunctionType):
        raise AssertionError(f"{label} should be a function defined with `def`, got "
                             f"{type(func).__name__}")
    forbidden = tuple(forbidden)
    if _is_from(_origin(func), forbidden):
        raise AssertionError(f"{label} is {_origin(func)}.{func.__qualname__} itself: "
                             "define your own function and write it with numpy")
    namespace = getattr(func, "__graded_namespace__", None) or func.__globals__
    definitions, imports = _answer_source(func)
    if func.__name__ not in definitions:
        raise AssertionError(f"{label} is not defined with `def {func.__name__}(...)` in your answer")
    todo, seen = [(func.__name__, definitions)], set()
    while todo:
        current, own = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for dotted in _references(own[current]):
            if dotted.startswith("import "):
                module = dotted[len("import "):]
                if _is_from(module, forbidden):
                    raise AssertionError(f"{label} imports {module}: write it yourself with numpy")
                continue
            for _ in range(10):   # `b = a`, `a = act.softmax`: follow the names assigned at the top
                root, _, rest = dotted.partition(".")
                if not imports.get(root, "").startswith("= "):
                    break
                dotted = imports[root][2:] + (f".{rest}" if rest else "")
            root = dotted.split(".")[0]
            if root in own and root not in seen:
                todo.append((root, own))
                continue
            if root in imports and _is_from(imports[root].split(" ")[-1] + dotted[len(root):], forbidden):
                raise AssertionError(f"{label} uses `{dotted}`, which comes from {imports[root]}: write it "
                                     "yourself with numpy")
            for obj in _resolve(dotted, namespace):
                if _is_from(_origin(obj), forbidden):
                    via = "" if current == func.__name__ else f" (through {current})"
                    raise AssertionError(
                        f"{label} uses `{dotted}`{via}, which comes from {_origin(obj)}: "
                        "write it yourself with numpy; the exercise is to build it, not to "
                        "call the course's (or a library's) version")
                if (isinstance(obj, types.FunctionType) and obj.__module__ == func.__module__
                        and obj.__name__ not in seen):
                    todo.append((obj.__name__, _answer_source(obj)[0]))
