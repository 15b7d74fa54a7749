"""The bad-input tables' shared parts (one table per layer of helpers, in
tests/test_bad_input_<layer>.py): every public helper, called the way a careless learner
would, gets a clear error (the right exception type, and a message that names the
argument) or is documented as valid and works.

A table is built per function from classes of bad input: wrong shape, dtypes (int, bool,
complex, object, float16), NaN and inf, empty, out-of-range ids, wrong or missing dict
keys, ``None``, a string where an array goes, bad hyperparameters. ``VALID`` marks a case
the helper documents as accepted (integer data is converted to float, for example).
``Table.missing`` keeps each table complete when a helper is added; a function without
arguments has nothing to get wrong and needs no row.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from helpers.numpy_nets import mlp, srn  # noqa: E402

VALID = "valid"
# what CONVENTIONS.md promises for a wrong kind of value: a case whose label ends in one of
# these expects a TypeError (or works, where None is a documented default)
WRONG_KINDS = ("None", "string", "complex", "object", "ragged list")


@dataclass
class Case:
    function: str  # module.function (module: the last part of its name), as public_functions gives it
    label: str  # the class of bad input
    call: Callable[[], object]
    expect: object  # an exception type, or VALID
    names: str = ""  # text the message must contain (the argument's name)


def array_classes(good: np.ndarray, *, shape_bad=None, empty=None, nonfinite=ValueError, int_ok=True,
                  float16_ok=True, none=TypeError):
    """(label, value, expectation) for the classes of bad array input around ``good``.
    ``int_ok``: True (converted: VALID), False (refused: TypeError) or an exception type."""
    int_expect = VALID if int_ok is True else TypeError if int_ok is False else int_ok
    out = [
        ("None", None, none),
        ("string", "0.5", TypeError),
        ("complex", good.astype(complex) + 1j, TypeError),
        ("object", np.array([object()] * good.size, dtype=object).reshape(good.shape), TypeError),
        ("ragged list", [[1.0, 2.0], [3.0]], TypeError),
        ("int", np.ones(good.shape, dtype=int), int_expect),
        ("bool", np.ones(good.shape, dtype=bool), int_expect),
        ("float16", good.astype(np.float16), VALID if float16_ok else TypeError),
    ]
    if nonfinite is not None:
        for bad in (np.nan, np.inf):
            arr = good.astype(float).copy()
            arr.reshape(-1)[0] = bad
            out.append((f"{bad}", arr, nonfinite))
    if shape_bad is not None:
        out.append(("wrong shape", shape_bad, ValueError))
    if empty is not None:
        out.append(("empty", np.zeros((0,) + good.shape[1:]), empty))
    return out


# small problems that several layers' rows call
M, U, K = 5, 4, 6                              # the SRN's inputs, hidden units and outputs
IDS = np.array([[0, 1, 2], [3, 4, 0]])         # token ids (N, T) in [0, M)
TARGETS = np.array([[1, 2, 3], [4, 5, 0]])     # targets (N, T) in [0, K)
X_GOOD, T_GOOD = np.zeros((5, 3)), np.zeros((5, 2))   # inputs and targets of small_net


def params64():
    """A float64 SRN of sizes ``M, U, K``."""
    return srn.init_params(M, U, K, np.random.default_rng(0))


def small_net():
    """A 3-4-2 multilayer network."""
    return mlp.MLP((3, 4, 2), ("tanh", "linear"), np.random.default_rng(0))


class Table:
    """The cases of one layer (``'data'`` with ``validation``, ``'numpy_nets'``,
    ``'torch_nets'`` or ``'notebook'``)."""

    def __init__(self, layer: str):
        self.layer, self.cases = layer, []

    def add(self, function, label, call, expect, names=""):
        self.cases.append(Case(function, label, call, expect, names))

    def add_array_cases(self, function, arg, good, make_call, **classes):
        for label, value, expect in array_classes(np.asarray(good), **classes):
            self.add(function, f"{arg}: {label}", (lambda v=value: make_call(v)), expect, arg)

    def missing(self, covered_elsewhere: dict[str, str]) -> list[str]:
        """Public functions of the layer that take arguments but have no row here."""
        tried = {case.function for case in self.cases}
        return sorted(public_functions(self.layer) - tried - set(covered_elsewhere))


def _takes_arguments(obj) -> bool:
    if isinstance(obj, property):
        return False
    function = obj.__func__ if isinstance(obj, classmethod) else obj
    try:
        parameters = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return True
    return bool(parameters[1:] if parameters[:1] in (["self"], ["cls"]) else parameters)


def _layer_modules(layer: str):
    if layer == "data":
        yield importlib.import_module("helpers.validation")
    package = importlib.import_module(f"helpers.{layer}")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name != "__main__":
            yield importlib.import_module(f"helpers.{layer}.{info.name}")


def public_functions(layer: str) -> set[str]:
    """``module.function`` (and ``module.Class.method``) for every public callable that a
    module of ``layer`` defines and that takes arguments."""
    names = set()
    for module in _layer_modules(layer):
        short = module.__name__.rsplit(".", 1)[1]
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and _takes_arguments(obj):
                names.add(f"{short}.{name}")
            if inspect.isclass(obj) and not issubclass(obj, tuple | Exception):
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(
                            member, classmethod)) and _takes_arguments(member):
                        names.add(f"{short}.{name}.{attr}")
    return names


def case_id(case: Case) -> str:
    return f"{case.function} | {case.label}"


def check_case(case: Case, tmp_path, monkeypatch) -> None:
    """Run one case in an empty folder: it works (``VALID``) or raises the expected error
    with a message naming the argument."""
    monkeypatch.chdir(tmp_path)
    try:
        if case.expect is VALID:
            case.call()
            return
        with pytest.raises(case.expect) as err:
            case.call()
        message = str(err.value)
        assert case.names in message, f"the message does not name {case.names!r}: {message}"
        assert "Traceback" not in message
    finally:
        plt.close("all")


def layer_tests(table: Table, covered_elsewhere: dict[str, str], where: str):
    """The three tests every layer's table runs; assign them to module-level names there."""

    @pytest.mark.parametrize("case", table.cases, ids=case_id)
    def test_bad_input_gets_a_clear_error(case, tmp_path, monkeypatch):
        check_case(case, tmp_path, monkeypatch)

    def test_every_public_function_is_in_the_table():
        missing = table.missing(covered_elsewhere)
        assert not missing, f"add bad-input cases for {missing} to {where}"

    def test_a_wrong_kind_of_value_is_a_type_error():
        assert not wrong_kinds_not_type_errors(table)

    return (test_bad_input_gets_a_clear_error, test_every_public_function_is_in_the_table,
            test_a_wrong_kind_of_value_is_a_type_error)


def wrong_kinds_not_type_errors(table: Table) -> list[str]:
    """Cases of a wrong kind of value expecting anything but a TypeError (CONVENTIONS.md), or
    an AssertionError (an exercise check's verdict on a learner's answer)."""
    return [case_id(case) for case in table.cases if case.label.endswith(WRONG_KINDS)
            and case.expect not in (TypeError, AssertionError, VALID)]
