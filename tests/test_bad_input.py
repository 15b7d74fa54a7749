"""Every public helper, called the way a careless learner would: each bad argument gets a
clear error (the right exception type, and a message that names the argument), or is
documented as valid and works.

The table is built per function from classes of bad input: wrong shape, dtypes (int,
bool, complex, object, float16), NaN and inf, empty, out-of-range ids, wrong or missing
dict keys, ``None``, a string where an array goes, bad hyperparameters. ``VALID`` marks a
case the helper documents as accepted (integer data is converted to float, for example).
``test_every_public_function_is_in_the_table`` keeps the table complete when a helper is
added.
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
import torch  # noqa: E402

import helpers  # noqa: E402
from helpers import data, validation
from helpers.data import batching, digits, encoding, pcfg, series, splits, text
from helpers.notebook import feedback, plotting, setup, widgets
from helpers.numpy_nets import (
    activations,
    gradcheck,
    gradient_flow,
    gru,
    lstm,
    metrics,
    mlp,
    optim,
    recurrent,
    srn,
    tasks,
)
from helpers.torch_nets import (
    char_lm,
    forecasting,
    sampling,
    sequence_classifier,
    surprisal,
)
from helpers.torch_nets import (
    twins as torch_models,
)

VALID = "valid"


@dataclass
class Case:
    function: str  # module.function, as in test_every_public_function_is_in_the_table
    label: str  # the class of bad input
    call: Callable[[], object]
    expect: object  # an exception type, or VALID
    names: str = ""  # text the message must contain (the argument's name)


CASES: list[Case] = []


def add(function, label, call, expect, names=""):
    CASES.append(Case(function, label, call, expect, names))


def array_classes(
    good: np.ndarray,
    *,
    shape_bad=None,
    empty=None,
    nonfinite=ValueError,
    int_ok=True,
    float16_ok=True,
    none=TypeError,
):
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


def add_array_cases(function, arg, good, make_call, **classes):
    for label, value, expect in array_classes(np.asarray(good), **classes):
        add(function, f"{arg}: {label}", (lambda v=value: make_call(v)), expect, arg)


# ---------------------------------------------------------------- validation
add("validation.format_shape", "not a sequence", lambda: validation.format_shape(None), TypeError, "shape")
add("validation.shape_matches", "None", lambda: validation.shape_matches(None, (1,)), TypeError, "actual")
add_array_cases(
    "validation.as_float_array",
    "x",
    np.zeros(3),
    lambda v: validation.as_float_array(v, "x", (3,)),
    shape_bad=np.zeros(4),
    empty=ValueError,
)
add(
    "validation.as_float_array",
    "x: empty allowed by default",
    lambda: validation.as_float_array([], "x"),
    VALID,
)
add_array_cases(
    "validation.as_param_array",
    "p",
    np.zeros(3),
    lambda v: validation.as_param_array(v, "p", (3,)),
    shape_bad=np.zeros(4),
    int_ok=False,
    float16_ok=False,
)
add("validation.as_param_array", "p: a list", lambda: validation.as_param_array([0.0], "p"), TypeError, "p")
for label, value, expect in [
    ("None", None, TypeError),
    ("string", "ab", TypeError),
    ("float not whole", [0.5], TypeError),
    ("bool", [True], TypeError),
    ("negative", [-1], ValueError),
    ("too large", [4], ValueError),
    ("huge float", [1e20], ValueError),
    ("NaN", [np.nan], TypeError),
    ("complex", [1j], TypeError),
    ("wrong shape", [[1]], ValueError),
    ("whole floats", [1.0, 2.0], VALID),
    ("empty", [], VALID),
]:
    add(
        "validation.as_index_array",
        f"ids: {label}",
        lambda v=value: validation.as_index_array(v, "ids", 4, (None,)),
        expect,
        "ids",
    )
add(
    "validation.check_keys",
    "not a dict",
    lambda: validation.check_keys([1], "params", ["U"]),
    TypeError,
    "params",
)
add(
    "validation.check_keys",
    "missing key",
    lambda: validation.check_keys({}, "params", ["U"]),
    ValueError,
    "params",
)
add(
    "validation.check_keys",
    "unexpected key",
    lambda: validation.check_keys({"U": 1, "X": 2}, "params", ["U"]),
    ValueError,
    "params",
)
for label, value, expect in [
    ("zero", 0, ValueError),
    ("negative", -3, ValueError),
    ("float", 2.0, ValueError),
    ("bool", True, ValueError),
    ("string", "3", ValueError),
    ("None", None, ValueError),
]:
    add(
        "validation.require_positive_int",
        label,
        lambda v=value: validation.require_positive_int(v, "n"),
        expect,
        "n",
    )
for label, value, expect in [
    ("zero", 0.0, ValueError),
    ("negative", -1.0, ValueError),
    ("NaN", float("nan"), ValueError),
    ("inf", float("inf"), ValueError),
    ("string", "0.1", TypeError),
    ("None", None, TypeError),
    ("bool", True, TypeError),
    ("complex", 1j, TypeError),
]:
    add(
        "validation.require_positive_float",
        label,
        lambda v=value: validation.require_positive_float(v, "lr"),
        expect,
        "lr",
    )
add(
    "validation.require_callable", "not callable", lambda: validation.require_callable(3, "f"), TypeError, "f"
)
add("validation.require_generator", "legacy seed", lambda: validation.require_generator(0), TypeError, "rng")
add(
    "validation.require_generator",
    "RandomState",
    lambda: validation.require_generator(np.random.RandomState(0)),
    TypeError,
    "rng",
)

for label, value, expect in [
    ("1", 1.0, ValueError),
    ("negative", -0.1, ValueError),
    ("bool", True, ValueError),
    ("string", "0.2", ValueError),
    ("None", None, ValueError),
    ("NaN", float("nan"), ValueError),
    ("0", 0, VALID),
    ("0.5", 0.5, VALID),
]:
    add("validation.require_dropout", label, lambda v=value: validation.require_dropout(v), expect, "dropout")

# ---------------------------------------------------------------- activations
for fname in ("sigmoid", "tanh", "linear"):
    f = getattr(activations, fname)
    add_array_cases(f"activations.{fname}", "v", np.zeros(3), lambda v, f=f: f(v), empty=VALID)
for fname, bad in (("sigmoid_derivative_from_output", 1.5), ("tanh_derivative_from_output", -1.5)):
    f = getattr(activations, fname)
    add_array_cases(f"activations.{fname}", "y", np.zeros(3) + 0.5, lambda v, f=f: f(v), empty=VALID)
    add(
        f"activations.{fname}",
        "y: an activity, not an output",
        lambda f=f, bad=bad: f([0.2, bad]),
        ValueError,
        "y",
    )
add_array_cases(
    "activations.linear_derivative_from_output",
    "y",
    np.zeros(3),
    activations.linear_derivative_from_output,
    empty=VALID,
)
for fname in ("softmax", "log_softmax"):
    f = getattr(activations, fname)
    add_array_cases(f"activations.{fname}", "o", np.zeros((2, 3)), lambda v, f=f: f(v), empty=VALID)
    add(f"activations.{fname}", "o: scalar", lambda f=f: f(3.0), ValueError, "o")
    add(f"activations.{fname}", "o: no values along the axis", lambda f=f: f(np.zeros(0)), ValueError, "o")
    add(
        f"activations.{fname}",
        "axis out of range",
        lambda f=f: f(np.zeros((2, 3)), axis=2),
        ValueError,
        "axis",
    )
    add(f"activations.{fname}", "axis a float", lambda f=f: f(np.zeros((2, 3)), axis=1.0), ValueError, "axis")
add_array_cases(
    "activations.softmax_backward",
    "blame",
    np.zeros((2, 3)),
    lambda v: activations.softmax_backward(np.full((2, 3), 1 / 3), v),
    shape_bad=np.zeros((2, 2)),
)
add(
    "activations.softmax_backward",
    "y: not probabilities",
    lambda: activations.softmax_backward(np.array([2.0, -1.0]), np.zeros(2)),
    ValueError,
    "y",
)
add(
    "activations.softmax_backward",
    "axis out of range",
    lambda: activations.softmax_backward(np.full(3, 1 / 3), np.zeros(3), axis=1),
    ValueError,
    "axis",
)
for fname in ("get_activation", "get_unchecked_activation"):
    f = getattr(activations, fname)
    add(f"activations.{fname}", "unknown name", lambda f=f: f("relu"), ValueError, "relu")
    add(f"activations.{fname}", "None", lambda f=f: f(None), TypeError, "activation name")

# ---------------------------------------------------------------- encoding and digits
for label, ids, expect in [
    ("float ids", [0.5], TypeError),
    ("huge float id", [1e20], ValueError),
    ("negative id", [-1], ValueError),
    ("id == size", [3], ValueError),
    ("None", None, TypeError),
    ("string", "1", TypeError),
    ("bool ids", [True], TypeError),
    ("complex", [1j], TypeError),
    ("empty", [], VALID),
    ("whole floats", [1.0], VALID),
]:
    add("encoding.one_hot", f"ids: {label}", lambda ids=ids: encoding.one_hot(ids, 3), expect, "ids")
for label, size in [("zero size", 0), ("float size", 3.0), ("None size", None)]:
    add("encoding.one_hot", label, lambda size=size: encoding.one_hot([0], size), ValueError, "size")
for label, kwargs, expect, names in [
    ("n_test 0", {"n_test": 0}, ValueError, "n_test"),
    ("n_test too big", {"n_test": 5000}, ValueError, "n_test"),
    ("n_test string", {"n_test": "5"}, ValueError, "n_test"),
    ("seed negative", {"seed": -1}, ValueError, "seed"),
    ("seed None", {"seed": None}, ValueError, "seed"),
]:
    add("digits.load_digits_split", label, lambda kw=kwargs: digits.load_digits_split(**kw), expect, names)

# ---------------------------------------------------------------- gradcheck
x64 = np.zeros(3)
add(
    "gradcheck.numeric_gradient",
    "x: float16",
    lambda: gradcheck.numeric_gradient(lambda: 0.0, x64.astype(np.float16)),
    TypeError,
    "x",
)
add(
    "gradcheck.numeric_gradient",
    "x: float32",
    lambda: gradcheck.numeric_gradient(lambda: 0.0, x64.astype(np.float32)),
    TypeError,
    "x",
)
add(
    "gradcheck.numeric_gradient",
    "x: int",
    lambda: gradcheck.numeric_gradient(lambda: 0.0, np.zeros(3, int)),
    TypeError,
    "x",
)
add(
    "gradcheck.numeric_gradient",
    "x: list",
    lambda: gradcheck.numeric_gradient(lambda: 0.0, [0.0]),
    TypeError,
    "x",
)
add(
    "gradcheck.numeric_gradient",
    "x: None",
    lambda: gradcheck.numeric_gradient(lambda: 0.0, None),
    TypeError,
    "x",
)
add(
    "gradcheck.numeric_gradient",
    "x: a transposed view",
    lambda: gradcheck.numeric_gradient(lambda: 0.0, np.zeros((2, 3)).T),
    ValueError,
    "x",
)
for label, eps, expect in [
    ("eps 0", 0.0, ValueError),
    ("eps NaN", float("nan"), ValueError),
    ("eps string", "1e-6", TypeError),
]:
    add(
        "gradcheck.numeric_gradient",
        label,
        lambda eps=eps: gradcheck.numeric_gradient(lambda: 0.0, np.zeros(2), eps=eps),
        expect,
        "eps",
    )
add(
    "gradcheck.numeric_gradient",
    "f not callable",
    lambda: gradcheck.numeric_gradient(3.0, np.zeros(2)),
    TypeError,
    "f",
)
add(
    "gradcheck.numeric_gradient",
    "f returns an array",
    lambda: gradcheck.numeric_gradient(lambda: np.ones(2), np.zeros(2)),
    TypeError,
    "f()",
)
add(
    "gradcheck.relative_error",
    "shapes differ",
    lambda: gradcheck.relative_error(np.zeros(2), np.zeros(3)),
    ValueError,
    "shapes",
)
add("gradcheck.relative_error", "None", lambda: gradcheck.relative_error(None, np.zeros(3)), TypeError, "a")
add(
    "gradcheck.relative_error", "string", lambda: gradcheck.relative_error(np.zeros(3), "abc"), TypeError, "b"
)
add(
    "gradcheck.gradient_errors",
    "missing gradient",
    lambda: gradcheck.gradient_errors(lambda: 0.0, {"w": np.zeros(2)}, {}),
    ValueError,
    "w",
)
add(
    "gradcheck.gradient_errors",
    "gradient shape",
    lambda: gradcheck.gradient_errors(lambda: 0.0, {"w": np.zeros(2)}, {"w": np.zeros(3)}),
    ValueError,
    "w",
)
add(
    "gradcheck.gradient_errors",
    "params not a dict",
    lambda: gradcheck.gradient_errors(lambda: 0.0, [np.zeros(2)], {}),
    TypeError,
    "params",
)


# ---------------------------------------------------------------- mlp
def small_net():
    return mlp.MLP((3, 4, 2), ("tanh", "linear"), np.random.default_rng(0))


X_GOOD, T_GOOD = np.zeros((5, 3)), np.zeros((5, 2))
add_array_cases(
    "mlp.MLP.forward",
    "X",
    X_GOOD,
    lambda v: small_net().forward(v),
    shape_bad=np.zeros((5, 4)),
    empty=ValueError,
)
add_array_cases(
    "mlp.MLP.predict", "X", X_GOOD, lambda v: small_net().predict(v), shape_bad=np.zeros(3), empty=ValueError
)
add_array_cases(
    "mlp.MLP.cost", "T", T_GOOD, lambda v: small_net().cost(X_GOOD, v), shape_bad=np.zeros((4, 2))
)
add_array_cases(
    "mlp.MLP.gradients",
    "X",
    X_GOOD,
    lambda v: small_net().gradients(v, T_GOOD),
    shape_bad=np.zeros((5, 2)),
    empty=ValueError,
)
add("mlp.MLP.cost", "unknown cost", lambda: small_net().cost(X_GOOD, T_GOOD, "hinge"), ValueError, "cost")
add(
    "mlp.MLP.cost",
    "cross-entropy without softmax",
    lambda: small_net().cost(X_GOOD, T_GOOD, "cross_entropy"),
    ValueError,
    "cross_entropy",
)


def diverged_net():
    net = small_net()
    net.weights[1][0, 0] = np.nan
    return net


add("mlp.MLP.forward", "NaN weights (diverged)", lambda: diverged_net().forward(X_GOOD), ValueError, "w2")
add(
    "mlp.MLP.backward", "ys not from forward", lambda: small_net().backward([X_GOOD], T_GOOD), TypeError, "ys"
)
add_array_cases(
    "mlp.MLP.backward",
    "output_blame",
    T_GOOD,
    lambda v: small_net().backward(small_net().forward(X_GOOD)[0], v),
    shape_bad=np.zeros((5, 3)),
)
add_array_cases(
    "mlp.MLP.backprop",
    "delta",
    T_GOOD,
    lambda v: small_net().backprop(small_net().forward(X_GOOD)[0], v),
    shape_bad=np.zeros((2, 5)),
)
add("mlp.MLP.backprop", "ys None", lambda: small_net().backprop(None, T_GOOD), TypeError, "ys")
add("mlp.MLP.delta", "layer out of range", lambda: small_net().delta(3, T_GOOD, T_GOOD), ValueError, "layer")
add("mlp.MLP.delta", "layer 0", lambda: small_net().delta(0, T_GOOD, T_GOOD), ValueError, "layer")
add(
    "mlp.MLP.step",
    "missing gradient",
    lambda: small_net().step({"w1": np.zeros((3, 4))}, 0.1),
    ValueError,
    "grads",
)
add("mlp.MLP.step", "grads not a dict", lambda: small_net().step([np.zeros((3, 4))], 0.1), TypeError, "grads")
add(
    "mlp.MLP.step",
    "gradient of the wrong shape",
    lambda: small_net().step(
        {**{k: np.zeros_like(v) for k, v in small_net().parameters().items()}, "w1": np.zeros(4)}, 0.1
    ),
    ValueError,
    "w1",
)
for label, lr, expect in [
    ("lr 0", 0.0, ValueError),
    ("lr NaN", float("nan"), ValueError),
    ("lr string", "0.1", TypeError),
    ("lr None", None, TypeError),
]:
    add(
        "mlp.MLP.step",
        label,
        lambda lr=lr: small_net().step(small_net().gradients(X_GOOD, T_GOOD)[1], lr),
        expect,
        "learning_rate",
    )
add("mlp.MLP.parameters", "no arguments: nothing to get wrong", lambda: small_net().parameters(), VALID)
add("mlp.MLP.sizes", "no arguments: nothing to get wrong", lambda: small_net().sizes, VALID)
add("mlp.MLP.check_parameters", "NaN weights", lambda: diverged_net().check_parameters(), ValueError, "w2")
add(
    "mlp.MLP.check_input", "X wrong shape", lambda: small_net().check_input(np.zeros((2, 2))), ValueError, "X"
)
add(
    "mlp.MLP.check_target",
    "T wrong shape",
    lambda: small_net().check_target(np.zeros((2, 2)), 5),
    ValueError,
    "T",
)
for label, sizes, acts, expect, names in [
    ("sizes with 0", (3, 0, 2), ("tanh", "linear"), ValueError, "sizes[1]"),
    ("sizes float", (3, 4.0, 2), ("tanh", "linear"), ValueError, "sizes[1]"),
    ("one size", (3,), (), ValueError, "sizes"),
    ("too few activations", (3, 4, 2), ("tanh",), ValueError, "activation"),
    ("unknown activation", (3, 4, 2), ("tanh", "relu"), ValueError, "relu"),
    ("softmax in a hidden layer", (3, 4, 2), ("softmax", "linear"), ValueError, "softmax"),
]:
    add("mlp.MLP", label, lambda s=sizes, a=acts: mlp.MLP(s, a, np.random.default_rng(0)), expect, names)
add("mlp.MLP", "rng an int", lambda: mlp.MLP((3, 2), ("linear",), 0), TypeError, "rng")
add(
    "mlp.MLP.from_weights",
    "layers do not fit",
    lambda: mlp.MLP.from_weights(
        [np.zeros((3, 4)), np.zeros((5, 2))], [np.zeros(4), np.zeros(2)], ["tanh", "linear"]
    ),
    ValueError,
    "weights[1]",
)
add(
    "mlp.MLP.from_weights",
    "bias shape",
    lambda: mlp.MLP.from_weights([np.zeros((3, 4))], [np.zeros(3)], ["tanh"]),
    ValueError,
    "biases[0]",
)
add(
    "mlp.MLP.from_weights",
    "NaN weight",
    lambda: mlp.MLP.from_weights([np.full((3, 4), np.nan)], [np.zeros(4)], ["tanh"]),
    ValueError,
    "weights[0]",
)
add(
    "mlp.MLP.from_weights",
    "string weight",
    lambda: mlp.MLP.from_weights(["abc"], [np.zeros(4)], ["tanh"]),
    TypeError,
    "weights[0]",
)
for label, kwargs, expect, names in [
    ("epochs 0", {"epochs": 0}, ValueError, "epochs"),
    ("batch 2.5", {"batch_size": 2.5}, ValueError, "batch_size"),
    ("lr -1", {"learning_rate": -1.0}, ValueError, "learning_rate"),
    ("rng None", {"rng": None}, TypeError, "rng"),
    ("monitor not callable", {"monitor": 3}, TypeError, "monitor"),
    ("empty data", {"X": np.zeros((0, 3)), "T": np.zeros((0, 2))}, ValueError, "X"),
    ("targets of another length", {"T": np.zeros((4, 2))}, ValueError, "T"),
    ("net not an MLP", {"net": "net"}, TypeError, "net"),
]:
    args = {
        "net": None,
        "X": X_GOOD,
        "T": T_GOOD,
        "cost": "mse",
        "learning_rate": 0.1,
        "epochs": 1,
        "batch_size": 2,
        "rng": np.random.default_rng(0),
        **kwargs,
    }
    add("mlp.train", label, lambda a=args: mlp.train(**{**a, "net": a["net"] or small_net()}), expect, names)
add(
    "mlp.gradient_check",
    "net not an MLP",
    lambda: mlp.gradient_check("net", X_GOOD, T_GOOD),
    TypeError,
    "net",
)
add(
    "mlp.gradient_check",
    "X wrong shape",
    lambda: mlp.gradient_check(small_net(), np.zeros(3), T_GOOD),
    ValueError,
    "X",
)
add("mlp.check_cost", "cost None", lambda: mlp.check_cost(None, "linear"), ValueError, "cost")
add_array_cases(
    "mlp.error_rate",
    "outputs",
    np.zeros((4, 3)),
    lambda v: mlp.error_rate(v, [0, 1, 2, 0]),
    shape_bad=np.zeros(4),
    empty=ValueError,
)
for label, labels, expect in [
    ("label out of range", [0, 1, 2, 3], ValueError),
    ("float labels", [0.5] * 4, TypeError),
    ("wrong length", [0, 1], ValueError),
    ("None", None, TypeError),
]:
    add(
        "mlp.error_rate",
        f"labels: {label}",
        lambda lb=labels: mlp.error_rate(np.zeros((4, 3)), lb),
        expect,
        "labels",
    )
add_array_cases("mlp.rmse", "t", np.zeros(4), lambda v: mlp.rmse(np.zeros(4), v), shape_bad=np.zeros(5))
add("mlp.rmse", "y empty", lambda: mlp.rmse([], []), ValueError, "y")

# ---------------------------------------------------------------- srn
M, U, K = 5, 4, 6


def params64():
    return srn.init_params(M, U, K, np.random.default_rng(0))


IDS = np.array([[0, 1, 2], [3, 4, 0]])
TARGETS = np.array([[1, 2, 3], [4, 5, 0]])
for key in srn.PARAM_NAMES:
    good = params64()[key]
    for label, value, expect in array_classes(
        good, shape_bad=np.zeros(good.shape + (1,)), int_ok=False, float16_ok=False
    ):
        add(
            "srn.check_params",
            f"params['{key}']: {label}",
            lambda k=key, v=value: srn.check_params({**params64(), k: v}),
            expect,
            f"params['{key}']",
        )
add(
    "srn.check_params",
    "missing key",
    lambda: srn.check_params({k: v for k, v in params64().items() if k != "c"}),
    ValueError,
    "'c'",
)
add(
    "srn.check_params",
    "extra key",
    lambda: srn.check_params({**params64(), "h0": np.zeros(U)}),
    ValueError,
    "h0",
)
add(
    "srn.check_params", "not a dict", lambda: srn.check_params(list(params64().values())), TypeError, "params"
)
add(
    "srn.check_params",
    "mixed dtypes",
    lambda: srn.check_params({**params64(), "c": np.zeros(K, np.float32)}),
    TypeError,
    "dtype",
)
add("srn.check_params", "None", lambda: srn.check_params(None), TypeError, "params")
for label, args, expect, names in [
    ("n_hidden 0", (M, 0, K), ValueError, "n_hidden"),
    ("n_inputs float", (5.0, U, K), ValueError, "n_inputs"),
    ("n_outputs None", (M, U, None), ValueError, "n_outputs"),
]:
    add("srn.init_params", label, lambda a=args: srn.init_params(*a, np.random.default_rng(0)), expect, names)
add("srn.init_params", "rng an int", lambda: srn.init_params(M, U, K, 0), TypeError, "rng")
add(
    "srn.init_params",
    "dtype int",
    lambda: srn.init_params(M, U, K, np.random.default_rng(0), dtype=int),
    TypeError,
    "dtype",
)
add(
    "srn.init_params",
    "dtype float16",
    lambda: srn.init_params(M, U, K, np.random.default_rng(0), dtype=np.float16),
    TypeError,
    "dtype",
)
add_array_cases(
    "srn.srn_step",
    "x",
    np.zeros((2, M)),
    lambda v: srn.srn_step(v, np.zeros((2, U)), params64()),
    shape_bad=np.zeros((2, M + 1)),
)
add_array_cases(
    "srn.srn_step",
    "h_prev",
    np.zeros((2, U)),
    lambda v: srn.srn_step(np.zeros((2, M)), v, params64()),
    shape_bad=np.zeros((3, U)),
)
add(
    "srn.srn_step",
    "unknown activation",
    lambda: srn.srn_step(np.zeros(M), np.zeros(U), params64(), "relu"),
    ValueError,
    "relu",
)
for label, inputs, expect in [
    ("id out of range", [[0, M]], ValueError),
    ("negative id", [[-1, 0]], ValueError),
    ("float ids", [[0.5, 1.0]], TypeError),
    ("1-D", [0, 1], ValueError),
    ("no steps", np.zeros((2, 0), int), ValueError),
    ("no sequences", np.zeros((0, 3), int), ValueError),
    ("None", None, TypeError),
    ("string", "abc", TypeError),
    ("bool", [[True]], TypeError),
]:
    add("srn.forward", f"inputs: {label}", lambda v=inputs: srn.forward(params64(), v), expect, "inputs")
add_array_cases(
    "srn.forward",
    "h0",
    np.zeros((2, U)),
    lambda v: srn.forward(params64(), IDS, v),
    shape_bad=np.zeros((3, U)),
    none=VALID,
)
add(
    "srn.forward",
    "params with NaN (diverged)",
    lambda: srn.forward({**params64(), "W": np.full((U, U), np.nan)}, IDS),
    ValueError,
    "params['W']",
)
add(
    "srn.forward",
    "params with int weights",
    lambda: srn.forward({**params64(), "U": np.ones((U, M), int)}, IDS),
    TypeError,
    "params['U']",
)
add(
    "srn.cross_entropy",
    "cache not from forward",
    lambda: srn.cross_entropy((1, 2), TARGETS),
    TypeError,
    "cache",
)
for label, targets, expect in [
    ("target out of range", [[0, 1, K]] * 2, ValueError),
    ("wrong shape", [[0, 1]], ValueError),
    ("None", None, TypeError),
]:
    add(
        "srn.cross_entropy",
        f"targets: {label}",
        lambda t=targets: srn.cross_entropy(srn.forward(params64(), IDS), t),
        expect,
        "targets",
    )
    add(
        "srn.backward",
        f"targets: {label}",
        lambda t=targets: srn.backward(params64(), srn.forward(params64(), IDS), t),
        expect,
        "targets",
    )
    add(
        "srn.loss_and_gradients",
        f"targets: {label}",
        lambda t=targets: srn.loss_and_gradients(params64(), IDS, t),
        expect,
        "targets",
    )
for label, truncate, expect in [
    ("truncate 0", 0, ValueError),
    ("truncate -2", -2, ValueError),
    ("truncate 2.5", 2.5, ValueError),
    ("truncate string", "3", ValueError),
]:
    add(
        "srn.backward",
        label,
        lambda k=truncate: srn.backward(params64(), srn.forward(params64(), IDS), TARGETS, k),
        expect,
        "truncate",
    )
    add(
        "srn.loss_and_gradients",
        label,
        lambda k=truncate: srn.loss_and_gradients(params64(), IDS, TARGETS, None, k),
        expect,
        "truncate",
    )
add(
    "srn.backward",
    "cache not from forward",
    lambda: srn.backward(params64(), None, TARGETS),
    TypeError,
    "cache",
)


def grads64():
    return srn.loss_and_gradients(params64(), IDS, TARGETS)[1]


for fname, call in [
    ("optim.sgd_step", lambda g: optim.sgd_step(params64(), g, 0.1)),
    ("optim.clip_gradients", lambda g: optim.clip_gradients(g, 1.0)),
    ("optim.check_grads", lambda g: optim.check_grads(g, params64())),
    ("optim.Adam.step", lambda g: optim.Adam(params64()).step(params64(), g)),
]:
    add(
        fname,
        "grads: missing key",
        lambda c=call: c({k: v for k, v in grads64().items() if k != "W"}),
        VALID if fname == "optim.clip_gradients" else ValueError,  # clipping measures what it is given
        "grads",
    )
    add(fname, "grads: not a dict", lambda c=call: c(None), TypeError, "grads")
    add(
        fname,
        "grads: NaN entry",
        lambda c=call: c({**grads64(), "b": np.full(U, np.nan)}),
        ValueError,
        "grads['b']",
    )
    if fname != "optim.clip_gradients":
        add(
            fname,
            "grads: (4,) for a (4, 4) weight",
            lambda c=call: c({**grads64(), "W": np.zeros(U)}),
            ValueError,
            "grads['W']",
        )
for label, lr, expect in [
    ("lr 0", 0.0, ValueError),
    ("lr NaN", float("nan"), ValueError),
    ("lr string", "0.1", TypeError),
]:
    add("optim.sgd_step", label, lambda lr=lr: optim.sgd_step(params64(), grads64(), lr), expect, "lr")
    add("optim.Adam", label, lambda lr=lr: optim.Adam(params64(), lr=lr), expect, "lr")
    add(
        "optim.cosine_learning_rate", label, lambda lr=lr: optim.cosine_learning_rate(lr, 1, 10), expect, "lr"
    )
add("optim.Adam", "betas out of range", lambda: optim.Adam(params64(), betas=(0.9, 1.0)), ValueError, "betas")
add("optim.Adam", "eps 0", lambda: optim.Adam(params64(), eps=0.0), ValueError, "eps")
add("optim.Adam", "params a list", lambda: optim.Adam([np.zeros((U, M))]), TypeError, "params")
add("optim.Adam", "params empty", lambda: optim.Adam({}), ValueError, "params")
add(
    "optim.Adam",
    "params with int weights",
    lambda: optim.Adam({"U": np.zeros((U, M), int)}),
    TypeError,
    "params['U']",
)
add(
    "optim.Adam.step",
    "params of another shape",
    lambda: optim.Adam(params64()).step(
        srn.init_params(M, U + 1, K, np.random.default_rng(0)),
        srn.loss_and_gradients(srn.init_params(M, U + 1, K, np.random.default_rng(0)), IDS, TARGETS)[1],
    ),
    ValueError,
    "params",
)
for label, max_norm, expect in [
    ("max_norm 0", 0.0, ValueError),
    ("max_norm NaN", float("nan"), ValueError),
    ("max_norm string", "5", TypeError),
    ("max_norm inf", float("inf"), VALID),
]:
    add(
        "optim.clip_gradients",
        label,
        lambda m=max_norm: optim.clip_gradients(grads64(), m),
        expect,
        "max_norm",
    )
for label, args, expect, names in [
    ("epoch 0", (0.1, 0, 10), ValueError, "epoch"),
    ("epoch past the end", (0.1, 11, 10), ValueError, "epoch"),
    ("n_epochs 0", (0.1, 1, 0), ValueError, "n_epochs"),
]:
    add("optim.cosine_learning_rate", label, lambda a=args: optim.cosine_learning_rate(*a), expect, names)
for label, token, expect in [
    ("id out of range", M, ValueError),
    ("float id", 0.5, TypeError),
    ("None", None, TypeError),
    ("list", [0, 1], ValueError),
]:
    add(
        "srn.predict_step",
        f"token_id: {label}",
        lambda t=token: srn.predict_step(params64(), t),
        expect,
        "token_id",
    )
add_array_cases(
    "srn.predict_step",
    "h",
    np.zeros(U),
    lambda v: srn.predict_step(params64(), 0, v),
    shape_bad=np.zeros(U + 1),
    none=VALID,
)
add(
    "optim.train_epoch",
    "optimizer without step",
    lambda: optim.train_epoch(srn.loss_and_gradients, params64(), "adam", IDS, TARGETS, 2),
    TypeError,
    "optimizer",
)
add(
    "optim.train_epoch",
    "seq_len 0",
    lambda: optim.train_epoch(srn.loss_and_gradients, params64(), optim.Adam(params64()), IDS, TARGETS, 0),
    ValueError,
    "seq_len",
)
add(
    "optim.train_epoch",
    "targets of another shape",
    lambda: optim.train_epoch(
        srn.loss_and_gradients, params64(), optim.Adam(params64()), IDS, TARGETS[:, :2], 2
    ),
    ValueError,
    "targets",
)
add(
    "optim.train_epoch",
    "loss_and_gradients not callable",
    lambda: optim.train_epoch(None, params64(), optim.Adam(params64()), IDS, TARGETS, 2),
    TypeError,
    "loss_and_gradients",
)
add(
    "optim.train_epoch",
    "max_norm 0",
    lambda: optim.train_epoch(
        srn.loss_and_gradients, params64(), optim.Adam(params64()), IDS, TARGETS, 2, 0.0
    ),
    ValueError,
    "max_norm",
)
add_array_cases(
    "optim.next_stream_states", "state", np.zeros((3, U)), optim.next_stream_states, shape_bad=np.zeros(U)
)
add("optim.check_param_dict", "not a dict", lambda: optim.check_param_dict(None), TypeError, "params")
add(
    "optim.check_param_dict",
    "float16 array",
    lambda: optim.check_param_dict({"W": np.zeros(2, np.float16)}),
    TypeError,
    "params['W']",
)

# ---------------------------------------------------------------- lstm and gru (same standard as srn)
for kind, module in (("lstm", lstm), ("gru", gru)):

    def gated(module=module):
        return module.init_params(M, U, K, np.random.default_rng(0))

    for key in module.PARAM_NAMES:
        good = gated()[key]
        for label, value, expect in array_classes(
            good, shape_bad=np.zeros(good.shape + (1,)), int_ok=False, float16_ok=False
        ):
            add(
                f"{kind}.check_params",
                f"params['{key}']: {label}",
                lambda k=key, v=value, g=gated, m=module: m.check_params({**g(), k: v}),
                expect,
                f"params['{key}']",
            )
    add(
        f"{kind}.check_params",
        "missing key",
        lambda g=gated, m=module: m.check_params({k: v for k, v in g().items() if k != "W"}),
        ValueError,
        "'W'",
    )
    add(
        f"{kind}.check_params",
        "an SRN's params",
        lambda m=module: m.check_params(params64()),
        ValueError,
        "params",
    )
    add(
        f"{kind}.init_params",
        "n_hidden 0",
        lambda m=module: m.init_params(M, 0, K, np.random.default_rng(0)),
        ValueError,
        "n_hidden",
    )
    add(f"{kind}.init_params", "rng an int", lambda m=module: m.init_params(M, U, K, 0), TypeError, "rng")
    add(
        f"{kind}.init_params",
        "dtype int",
        lambda m=module: m.init_params(M, U, K, np.random.default_rng(0), dtype=int),
        TypeError,
        "dtype",
    )
    for label, inputs, expect in [
        ("id out of range", [[0, M]], ValueError),
        ("float ids", [[0.5, 1.0]], TypeError),
        ("vectors of the wrong width", np.zeros((2, 3, M + 1)), ValueError),
        ("no steps", np.zeros((2, 0), int), ValueError),
        ("None", None, TypeError),
        ("string", "abc", TypeError),
    ]:
        add(
            f"{kind}.forward",
            f"inputs: {label}",
            lambda v=inputs, g=gated, m=module: m.forward(g(), v),
            expect,
            "inputs",
        )
    add(
        f"{kind}.forward",
        "NaN weights (diverged)",
        lambda g=gated, m=module: m.forward({**g(), "W": np.full_like(g()["W"], np.nan)}, IDS),
        ValueError,
        "params['W']",
    )
    add(
        f"{kind}.cross_entropy",
        "cache not from forward",
        lambda m=module: m.cross_entropy((1, 2), TARGETS),
        TypeError,
        "cache",
    )
    add(
        f"{kind}.cross_entropy",
        "targets out of range",
        lambda g=gated, m=module: m.cross_entropy(m.forward(g(), IDS), TARGETS + K),
        ValueError,
        "targets",
    )
    add(
        f"{kind}.backward",
        "cache not from forward",
        lambda g=gated, m=module: m.backward(g(), None, TARGETS),
        TypeError,
        "cache",
    )
    add(
        f"{kind}.backward",
        "truncate 0",
        lambda g=gated, m=module: m.backward(g(), m.forward(g(), IDS), TARGETS, 0),
        ValueError,
        "truncate",
    )
    add(
        f"{kind}.loss_and_gradients",
        "targets of another shape",
        lambda g=gated, m=module: m.loss_and_gradients(g(), IDS, TARGETS[:, :2]),
        ValueError,
        "targets",
    )
    add(
        f"{kind}.predict_step",
        "token out of range",
        lambda g=gated, m=module: m.predict_step(g(), M),
        ValueError,
        "token_id",
    )
add(
    "lstm.forward",
    "state not a pair",
    lambda: lstm.forward(lstm.init_params(M, U, K, np.random.default_rng(0)), IDS, np.zeros((2, U))),
    TypeError,
    "state",
)
add(
    "lstm.forward",
    "c0 of the wrong shape",
    lambda: lstm.forward(
        lstm.init_params(M, U, K, np.random.default_rng(0)), IDS, (np.zeros((2, U)), np.zeros((3, U)))
    ),
    ValueError,
    "c0",
)
add(
    "srn.init_params",
    "recurrent_init unknown",
    lambda: srn.init_params(M, U, K, np.random.default_rng(0), recurrent_init="eye"),
    ValueError,
    "recurrent_init",
)
add(
    "gru.init_params",
    "update_bias NaN",
    lambda: gru.init_params(M, U, K, np.random.default_rng(0), update_bias=np.nan),
    ValueError,
    "update_bias",
)
add(
    "gru.init_params",
    "update_bias a list",
    lambda: gru.init_params(M, U, K, np.random.default_rng(0), update_bias=[1.0, 2.0]),
    ValueError,
    "update_bias",
)
add(
    "lstm.init_params",
    "input_bias a string",
    lambda: lstm.init_params(M, U, K, np.random.default_rng(0), input_bias="shut"),
    TypeError,
    "input_bias",
)
add(
    "lstm.init_params",
    "forget_bias NaN",
    lambda: lstm.init_params(M, U, K, np.random.default_rng(0), forget_bias=np.nan),
    ValueError,
    "forget_bias",
)
add(
    "lstm.lstm_step",
    "x of the wrong width",
    lambda: lstm.lstm_step(np.zeros((2, M + 1)), None, lstm.init_params(M, U, K, np.random.default_rng(0))),
    ValueError,
    "x",
)
add(
    "lstm.lstm_step",
    "h0 of the wrong shape",
    lambda: lstm.lstm_step(
        np.zeros((2, M)), (np.zeros((2, 1)), None), lstm.init_params(M, U, K, np.random.default_rng(0))
    ),
    ValueError,
    "h0",
)
add(
    "lstm.predict_step",
    "state a single array",
    lambda: lstm.predict_step(lstm.init_params(M, U, K, np.random.default_rng(0)), 0, np.zeros(U)),
    TypeError,
    "state",
)
add(
    "lstm.LSTMCache.state",
    "no arguments: nothing to get wrong",
    lambda: lstm.forward(lstm.init_params(M, U, K, np.random.default_rng(0)), IDS).state,
    VALID,
)
add(
    "gru.gru_step",
    "x None",
    lambda: gru.gru_step(None, None, gru.init_params(M, U, K, np.random.default_rng(0))),
    TypeError,
    "x",
)
add(
    "gru.gru_step",
    "h_prev of the wrong shape",
    lambda: gru.gru_step(
        np.zeros((2, M)), np.zeros((2, U + 1)), gru.init_params(M, U, K, np.random.default_rng(0))
    ),
    ValueError,
    "h_prev",
)
add(
    "gru.GRUCache.h_last",
    "no arguments: nothing to get wrong",
    lambda: gru.forward(gru.init_params(M, U, K, np.random.default_rng(0)), IDS).h_last,
    VALID,
)
add(
    "recurrent.check_inputs",
    "a 4-D float array",
    lambda: recurrent.check_inputs(np.zeros((1, 2, 3, 4)), 4),
    ValueError,
    "inputs",
)
add(
    "recurrent.initial_state",
    "wrong shape",
    lambda: recurrent.initial_state(np.zeros(3), 2, 4, np.float64, "h0"),
    ValueError,
    "h0",
)
add("recurrent.check_truncate", "truncate 0", lambda: recurrent.check_truncate(0), ValueError, "truncate")
add(
    "recurrent.check_targets",
    "targets out of range",
    lambda: recurrent.check_targets([[3]], np.zeros((1, 1, 3))),
    ValueError,
    "targets",
)

add(
    "recurrent.check_sizes",
    "n_outputs 0",
    lambda: recurrent.check_sizes(3, 4, 0, np.random.default_rng(0), float),
    ValueError,
    "n_outputs",
)
add(
    "recurrent.check_sizes",
    "dtype a string",
    lambda: recurrent.check_sizes(3, 4, 5, np.random.default_rng(0), "abc"),
    TypeError,
    "dtype",
)

# ---------------------------------------------------------------- gradient flow
add_array_cases(
    "gradient_flow.scale_spectral_radius",
    "W",
    np.eye(3),
    lambda v: gradient_flow.scale_spectral_radius(v, 1.0),
    shape_bad=np.zeros((2, 3)),
)
add(
    "gradient_flow.scale_spectral_radius",
    "rho negative",
    lambda: gradient_flow.scale_spectral_radius(np.eye(2), -1.0),
    ValueError,
    "rho",
)
add(
    "gradient_flow.scale_spectral_radius",
    "W zero",
    lambda: gradient_flow.scale_spectral_radius(np.zeros((2, 2)), 1.0),
    ValueError,
    "W",
)
add(
    "gradient_flow.state_jacobians",
    "cache not from forward",
    lambda: gradient_flow.state_jacobians(params64(), None),
    TypeError,
    "cache",
)
add(
    "gradient_flow.state_jacobians",
    "sequence out of range",
    lambda: gradient_flow.state_jacobians(params64(), srn.forward(params64(), IDS), 2),
    ValueError,
    "sequence",
)
for label, args in [("t past the end", (4, 0)), ("k > t", (1, 2)), ("t a float", (1.5, 0))]:
    add(
        "gradient_flow.jacobian_product",
        label,
        lambda a=args: gradient_flow.jacobian_product(np.zeros((3, 2, 2)), *a),
        ValueError,
        "k" if label == "k > t" else "t",
    )
add(
    "gradient_flow.jacobian_product",
    "jacobians 2-D",
    lambda: gradient_flow.jacobian_product(np.zeros((2, 2)), 1, 0),
    ValueError,
    "jacobians",
)
add(
    "gradient_flow.jacobian_bound",
    "lag -1",
    lambda: gradient_flow.jacobian_bound(np.eye(2), -1),
    ValueError,
    "lag",
)
add("gradient_flow.jacobian_bound", "W None", lambda: gradient_flow.jacobian_bound(None, 1), TypeError, "W")
for label, args, kwargs, expect, names in [
    ("w and b of different shapes", (np.zeros(3), np.zeros(2)), {}, ValueError, "w and b"),
    ("w a string", ("big", 0.0), {}, TypeError, "w"),
    ("b with NaN", (np.zeros(2), np.array([0.0, np.nan])), {}, ValueError, "b"),
    ("n_steps 0", (0.5, 0.0), {"n_steps": 0}, ValueError, "n_steps"),
    ("h0 a vector", (0.5, 0.0), {"h0": [0.1, 0.2]}, ValueError, "h0"),
    ("target None", (0.5, 0.0), {"target": None}, TypeError, "target"),
]:
    add(
        "gradient_flow.one_unit_cost",
        label,
        lambda a=args, kw=kwargs: gradient_flow.one_unit_cost(*a, **kw),
        expect,
        names,
    )
add(
    "gradient_flow.blame_by_lag",
    "params of another network",
    lambda: gradient_flow.blame_by_lag(lstm, params64(), IDS, TARGETS),
    ValueError,
    "params",
)
add(
    "gradient_flow.blame_by_lag",
    "targets of the wrong shape",
    lambda: gradient_flow.blame_by_lag(srn, params64(), IDS, TARGETS[:, :2]),
    ValueError,
    "targets",
)
add(
    "gradient_flow.blame_by_lag",
    "inputs out of range",
    lambda: gradient_flow.blame_by_lag(srn, params64(), IDS + M, TARGETS),
    ValueError,
    "inputs",
)
add(
    "gradient_flow.blame_norms",
    "target out of range",
    lambda: gradient_flow.blame_norms(params64(), [0, 1], K),
    ValueError,
    "target",
)
add(
    "gradient_flow.blame_norms",
    "2-D inputs",
    lambda: gradient_flow.blame_norms(params64(), IDS, 0),
    ValueError,
    "inputs",
)
for label, kwargs, expect, names in [
    ("activation relu", {"activation": "relu"}, ValueError, "activation"),
    ("n_steps 0", {"n_steps": 0}, ValueError, "n_steps"),
    ("seed -1", {"seed": -1}, ValueError, "seed"),
    ("rho NaN", {"rho": float("nan")}, ValueError, "rho"),
]:
    add(
        "gradient_flow.lag_curve",
        label,
        lambda kw=kwargs: gradient_flow.lag_curve(**{"rho": 1.0, **kw}),
        expect,
        names,
    )
    if "seed" not in kwargs:  # the widget has no seed
        add(
            "widgets.spectral_radius_explorer",
            label,
            lambda kw=kwargs: widgets.spectral_radius_explorer(**{"rho": 1.0, **kw}),
            expect,
            names,
        )


# ---------------------------------------------------------------- tasks
def task_srn(rng=None):
    return srn.init_params(tasks.input_size(), 4, 4, rng or np.random.default_rng(0))


for label, args, kwargs, expect, names in [
    ("n_sequences 0", (0, 3), {}, ValueError, "n_sequences"),
    ("lag -1", (4, -1), {}, ValueError, "lag"),
    ("lag 2.5", (4, 2.5), {}, ValueError, "lag"),
    ("n_symbols 0", (4, 3), {"n_symbols": 0}, ValueError, "n_symbols"),
    ("noise -1", (4, 3), {"noise": -1.0}, ValueError, "noise"),
    ("noise NaN", (4, 3), {"noise": np.nan}, ValueError, "noise"),
    ("noise a string", (4, 3), {"noise": "loud"}, TypeError, "noise"),
]:
    add(
        "tasks.first_symbol_batch",
        label,
        lambda a=args, kw=kwargs: tasks.first_symbol_batch(a[0], a[1], np.random.default_rng(0), **kw),
        expect,
        names,
    )
add("tasks.first_symbol_batch", "rng a seed", lambda: tasks.first_symbol_batch(4, 3, 0), TypeError, "rng")
add("tasks.input_size", "n_symbols 0", lambda: tasks.input_size(0), ValueError, "n_symbols")
add(
    "tasks.query_accuracy",
    "probs 2-D",
    lambda: tasks.query_accuracy(np.zeros((2, 4)), [0, 1]),
    ValueError,
    "probs",
)
add(
    "tasks.query_accuracy",
    "answer out of range",
    lambda: tasks.query_accuracy(np.zeros((2, 3, 4)), [0, 4]),
    ValueError,
    "answers",
)
for label, kwargs, expect, names in [
    ("steps 0", {"steps": 0}, ValueError, "steps"),
    ("lr 0", {"lr": 0.0}, ValueError, "lr"),
    ("batch 0", {"batch": 0}, ValueError, "batch"),
    ("max_norm -1", {"max_norm": -1.0}, ValueError, "max_norm"),
    ("lag -2", {"lag": -2}, ValueError, "lag"),
    ("truncate 0", {"truncate": 0}, ValueError, "truncate"),
]:
    add(
        "tasks.train_on_task",
        label,
        lambda kw=kwargs: tasks.train_on_task(
            srn, task_srn(), **{"lag": 2, "steps": 1, "rng": np.random.default_rng(0), **kw}
        ),
        expect,
        names,
    )
add(
    "tasks.train_on_task",
    "params of another network",
    lambda: tasks.train_on_task(lstm, task_srn(), 2, 1, np.random.default_rng(0)),
    ValueError,
    "params",
)
add(
    "tasks.train_on_task",
    "params with one-hot token inputs",
    lambda: tasks.train_on_task(srn, params64(), 2, 1, np.random.default_rng(0)),
    ValueError,
    "n_inputs",
)
add(
    "tasks.evaluate_on_task",
    "params None",
    lambda: tasks.evaluate_on_task(srn, None, 2, np.random.default_rng(0)),
    TypeError,
    "params",
)
add(
    "tasks.evaluate_on_task",
    "rng a seed",
    lambda: tasks.evaluate_on_task(srn, task_srn(), 2, 0),
    TypeError,
    "rng",
)
for label, args, kwargs, expect, names in [
    ("make_params not callable", (None, 2, 1), {}, TypeError, "make_params"),
    ("seed -1", (task_srn, 2, 1), {"seed": -1}, ValueError, "seed"),
    ("lag -1", (task_srn, -1, 1), {}, ValueError, "lag"),
    ("steps 0", (task_srn, 2, 0), {}, ValueError, "steps"),
]:
    add(
        "tasks.train_and_evaluate",
        label,
        lambda a=args, kw=kwargs: tasks.train_and_evaluate(srn, *a, **kw),
        expect,
        names,
    )
for label, lags, expect in [
    ("lags empty", [], ValueError),
    ("lags an int", 5, ValueError),
    ("lags a string", "5", ValueError),
    ("a negative lag", [2, -1], ValueError),
]:
    add(
        "tasks.accuracy_by_lag",
        label,
        lambda v=lags: tasks.accuracy_by_lag(srn, task_srn, v, 1),
        expect,
        "lag",
    )


# ---------------------------------------------------------------- char_lm and sampling
CHAR_TEXT = "abcab\n" * 20


def char_vocab():
    return char_lm.char_vocabulary(CHAR_TEXT)


def char_model(kind="gru"):
    return char_lm.CharLM(len(char_vocab()), kind, hidden=4)


def char_ids():
    return char_vocab().encode(list(CHAR_TEXT))


for label, kwargs, expect, names in [
    ("kind unknown", {"kind": "transformer"}, ValueError, "kind"),
    ("vocab_size 0", {"vocab_size": 0}, ValueError, "vocab_size"),
    ("hidden 0", {"hidden": 0}, ValueError, "hidden"),
    ("layers 1.5", {"layers": 1.5}, ValueError, "layers"),
    ("dropout 1", {"dropout": 1.0}, ValueError, "dropout"),
    ("dropout a string", {"dropout": "0.1"}, ValueError, "dropout"),
    ("embedding -1", {"embedding": -1}, ValueError, "embedding"),
]:
    add("char_lm.CharLM", label, lambda kw=kwargs: char_lm.CharLM(**{"vocab_size": 5, **kw}), expect, names)
for label, value, names in [
    ("ids a numpy array", np.zeros((2, 3), dtype=np.int64), "torch.long"),
    ("ids float", torch.zeros(2, 3), "torch.long"),
    ("ids 1-D", torch.zeros(3, dtype=torch.long), "(B, T)"),
    ("ids out of range", torch.full((1, 2), 9), "ids must lie in [0, 4)"),
]:
    add("char_lm.CharLM.forward", label, lambda v=value: char_model()(v), ValueError, names)
add("char_lm.count_parameters", "a dict", lambda: char_lm.count_parameters({}), TypeError, "model")
for label, args, expect, names in [
    ("text bytes", (b"abc",), TypeError, "text"),
    ("val_fraction 0", ("abcdef", 0), ValueError, "val_fraction"),
    ("val_fraction 1", ("abcdef", 1.0), ValueError, "val_fraction"),
    ("text too short", ("abc",), ValueError, "too short"),
]:
    add("char_lm.split_text", label, lambda a=args: char_lm.split_text(*a), expect, names)
add("char_lm.char_vocabulary", "empty text", lambda: char_lm.char_vocabulary(""), ValueError, "text")
add("char_lm.char_vocabulary", "a list", lambda: char_lm.char_vocabulary(["a"]), ValueError, "text")
for label, args, expect, names in [
    ("ids 2-D", (np.zeros((2, 3), dtype=np.int64), 2, 2), ValueError, "ids"),
    ("n_streams 0", (np.arange(50), 0, 2), ValueError, "n_streams"),
    ("seq_len 0", (np.arange(50), 2, 0), ValueError, "seq_len"),
    ("too few ids", (np.arange(3), 5, 2), ValueError, "too few"),
]:
    add(
        "char_lm.epoch_windows",
        label,
        lambda a=args: list(char_lm.epoch_windows(*a, np.random.default_rng(0))),
        expect,
        names,
    )
add(
    "char_lm.epoch_windows",
    "rng a seed",
    lambda: list(char_lm.epoch_windows(np.arange(50), 2, 2, 0)),
    TypeError,
    "rng",
)
add("char_lm.detach", "a list", lambda: char_lm.detach([torch.zeros(2)]), TypeError, "state")
add("char_lm.evaluate", "model None", lambda: char_lm.evaluate(None, char_ids()), TypeError, "model")
add(
    "char_lm.evaluate",
    "ids out of range",
    lambda: char_lm.evaluate(char_model(), [0, 1, 99]),
    ValueError,
    "ids",
)
add(
    "char_lm.evaluate",
    "n_streams 0",
    lambda: char_lm.evaluate(char_model(), char_ids(), 0),
    ValueError,
    "n_streams",
)
add("char_lm.cosine_factor", "a string", lambda: char_lm.cosine_factor("half"), TypeError, "progress")
for label, kwargs, expect, names in [
    ("no budget", {"max_seconds": None, "max_epochs": None}, ValueError, "budget"),
    ("max_seconds 0", {"max_seconds": 0}, ValueError, "max_seconds"),
    ("max_epochs 0", {"max_epochs": 0, "max_seconds": None}, ValueError, "max_epochs"),
    ("max_chars 0", {"max_chars": 0, "max_seconds": None}, ValueError, "max_chars"),
    ("max_chars nan", {"max_chars": float("nan")}, ValueError, "max_chars"),
    ("evaluations 0", {"evaluations": 0}, ValueError, "evaluations"),
    ("callbacks 1.5", {"callbacks": 1.5}, ValueError, "callbacks"),
    ("lr -1", {"lr": -1.0}, ValueError, "lr"),
    ("max_norm 0", {"max_norm": 0.0}, ValueError, "max_norm"),
    ("eval_every 0", {"eval_every": 0.0}, ValueError, "eval_every"),
    ("callback not callable", {"callback": 3}, TypeError, "callback"),
    ("seq_len too long", {"seq_len": 500}, ValueError, "too few"),
    ("val_ids out of range", {"val_ids": [0, 99]}, ValueError, "val_ids"),
]:
    add(
        "char_lm.train",
        label,
        lambda kw=kwargs: char_lm.train(
            char_model(), char_ids(), **{"n_streams": 2, "progress": False, **kw}
        ),
        expect,
        names,
    )
add("char_lm.train", "model a dict", lambda: char_lm.train({}, char_ids()), TypeError, "model")
add(
    "char_lm.train",
    "train_ids out of range",
    lambda: char_lm.train(char_model(), [0, 99]),
    ValueError,
    "train_ids",
)
add(
    "char_lm.save_checkpoint",
    "vocab of another size",
    lambda: char_lm.save_checkpoint(char_lm.CharLM(9, kind="srn", hidden=2), char_vocab(), "m.pt"),
    ValueError,
    "vocab has 4 tokens",
)
add(
    "char_lm.save_checkpoint",
    "model None",
    lambda: char_lm.save_checkpoint(None, char_vocab(), "m.pt"),
    TypeError,
    "model",
)


def existing_checkpoint():
    char_lm.save_checkpoint(char_model(), char_vocab(), "m.pt")
    return char_lm.save_checkpoint(char_model(), char_vocab(), "m.pt")


add("char_lm.save_checkpoint", "file exists", existing_checkpoint, FileExistsError, "overwrite=True")
add("char_lm.save_checkpoint", "an array in extra (load_checkpoint could not read it back)",
    lambda: char_lm.save_checkpoint(char_model(), char_vocab(), "m.pt", extra={"curve": np.zeros(2)}),
    TypeError, "extra['curve'] is a numpy.ndarray")
add("char_lm.save_checkpoint", "extra not a dict",
    lambda: char_lm.save_checkpoint(char_model(), char_vocab(), "m.pt", extra=[1.0]), TypeError,
    "extra must be a dict")
add(
    "char_lm.load_checkpoint",
    "no file",
    lambda: char_lm.load_checkpoint("none.pt"),
    FileNotFoundError,
    "no checkpoint at",
)


def damaged_checkpoint():
    with open("bad.pt", "wb") as handle:
        handle.write(b"\x00" * 10)
    return char_lm.load_checkpoint("bad.pt")


add("char_lm.load_checkpoint", "damaged file", damaged_checkpoint, ValueError, "is damaged")


def checkpoint_into_other_shape():
    char_lm.save_checkpoint(char_model(), char_vocab(), "m.pt")
    return char_lm.load_checkpoint("m.pt", char_model("lstm"))


add(
    "char_lm.load_checkpoint",
    "model of another shape",
    checkpoint_into_other_shape,
    ValueError,
    "another shape",
)


def checkpoint_into_a_dict():
    char_lm.save_checkpoint(char_model(), char_vocab(), "m.pt")
    return char_lm.load_checkpoint("m.pt", {})


add("char_lm.load_checkpoint", "model a dict", checkpoint_into_a_dict, TypeError, "model")
for label, kwargs, names in [
    ("temperature 0", {"temperature": 0}, "temperature"),
    ("temperature NaN", {"temperature": float("nan")}, "temperature"),
    ("top_k 0", {"top_k": 0}, "top_k"),
    ("top_k True", {"top_k": True}, "top_k"),
    ("top_p 0", {"top_p": 0.0}, "top_p"),
    ("top_p 1.01", {"top_p": 1.01}, "top_p"),
]:
    add(
        "sampling.next_char_probs",
        label,
        lambda kw=kwargs: sampling.next_char_probs([0.0, 1.0], **kw),
        ValueError,
        names,
    )
add_array_cases(
    "sampling.next_char_probs",
    "logits",
    np.zeros(3),
    lambda v: sampling.next_char_probs(v),
    shape_bad=np.zeros((2, 3)),
)
add(
    "sampling.next_char_probs",
    "logits empty",
    lambda: sampling.next_char_probs(np.zeros(0)),
    ValueError,
    "logits",
)
for label, args, kwargs, expect, names in [
    ("prompt empty", ("", 3), {}, ValueError, "prompt"),
    ("prompt None", (None, 3), {}, ValueError, "prompt"),
    ("prompt outside the vocabulary", ("abz", 3), {}, ValueError, "outside the vocabulary: ['z']"),
    ("n_chars 0", ("ab", 0), {}, ValueError, "n_chars"),
    ("temperature -1", ("ab", 3), {"temperature": -1.0}, ValueError, "temperature"),
    ("top_k 0", ("ab", 3), {"top_k": 0}, ValueError, "top_k"),
    ("top_p 2", ("ab", 3), {"top_p": 2.0}, ValueError, "top_p"),
    ("greedy 1", ("ab", 3), {"greedy": 1}, TypeError, "greedy"),
]:
    add(
        "sampling.sample",
        label,
        lambda a=args, kw=kwargs: sampling.sample(char_model(), char_vocab(), *a, **kw),
        expect,
        names,
    )
add("sampling.sample", "model None", lambda: sampling.sample(None, char_vocab(), "ab", 2), TypeError, "model")
add(
    "sampling.sample",
    "vocab a list",
    lambda: sampling.sample(char_model(), ["a"], "ab", 2),
    TypeError,
    "vocab",
)
add(
    "sampling.distinct_ngram_fraction",
    "text None",
    lambda: sampling.distinct_ngram_fraction(None),
    TypeError,
    "text",
)
add(
    "sampling.distinct_ngram_fraction",
    "n 0",
    lambda: sampling.distinct_ngram_fraction("abc", 0),
    ValueError,
    "n",
)
add(
    "sampling.distinct_ngram_fraction",
    "too short",
    lambda: sampling.distinct_ngram_fraction("ab", 3),
    ValueError,
    "3-grams",
)

# ---------------------------------------------------------------- sequence tasks (notebook 08)
for fn in ("accuracy", "balanced_accuracy", "macro_f1", "confusion_matrix"):
    call = getattr(metrics, fn)
    for label, args, expect, name in [
        ("lengths differ", ([0, 1], [0]), ValueError, "same length"),
        ("empty", ([], []), ValueError, "empty"),
        ("float labels", ([0.5], [0]), TypeError, "y_true"),
        ("negative label", ([0], [-1]), ValueError, "y_pred"),
        ("None", (None, [0]), TypeError, "y_true"),
        ("string", ("ab", [0]), TypeError, "y_true"),
    ]:
        add(f"metrics.{fn}", label, lambda c=call, a=args: c(*a), expect, name)
for fn in ("balanced_accuracy", "macro_f1", "confusion_matrix"):
    add(
        f"metrics.{fn}",
        "label >= n_classes",
        lambda f=fn: getattr(metrics, f)([0, 3], [0, 1], 3),
        ValueError,
        "y_true",
    )
    add(
        f"metrics.{fn}", "n_classes 0", lambda f=fn: getattr(metrics, f)([0], [0], 0), ValueError, "n_classes"
    )
for fn in ("rmse", "mae"):
    add_array_cases(
        f"metrics.{fn}",
        "y_pred",
        np.zeros(3),
        lambda v, f=fn: getattr(metrics, f)(np.zeros(3), v),
        shape_bad=np.zeros(4),
        empty=ValueError,
    )
add("batching.pad_sequences", "empty batch", lambda: batching.pad_sequences([]), ValueError, "sequences")
add(
    "batching.pad_sequences",
    "an empty sequence",
    lambda: batching.pad_sequences([[1], []]),
    ValueError,
    "sequences[1]",
)
add("batching.pad_sequences", "float ids", lambda: batching.pad_sequences([[0.5]]), TypeError, "sequences[0]")
add("batching.pad_sequences", "a string", lambda: batching.pad_sequences("abc"), TypeError, "sequences")
add(
    "batching.pad_sequences",
    "an array",
    lambda: batching.pad_sequences(np.ones((2, 2), int)),
    TypeError,
    "sequences",
)
add(
    "batching.pad_sequences",
    "pad_id -1",
    lambda: batching.pad_sequences([[1]], pad_id=-1),
    ValueError,
    "pad_id",
)
add("batching.pad_sequences", "numpy rows", lambda: batching.pad_sequences([np.array([1, 2]), [3]]), VALID)
add("batching.padding_mask", "empty", lambda: batching.padding_mask([]), ValueError, "lengths")
add("batching.padding_mask", "negative", lambda: batching.padding_mask([-1]), ValueError, "lengths")
add(
    "batching.padding_mask", "max_len too short", lambda: batching.padding_mask([3], 2), ValueError, "max_len"
)
add("batching.padding_mask", "None", lambda: batching.padding_mask(None), TypeError, "lengths")
for label, fractions, expect in [
    ("one part", [1.0], ValueError),
    ("sum 1.1", [0.5, 0.6], ValueError),
    ("negative", [1.2, -0.2], ValueError),
    ("string", "0.5", TypeError),
    ("None", None, TypeError),
    ("NaN", [np.nan, 0.5], ValueError),
]:
    add(
        "splits.stratified_split",
        f"fractions: {label}",
        lambda f=fractions: splits.stratified_split([0, 1, 1], f),
        expect,
        "fractions",
    )
    add(
        "splits.time_split",
        f"fractions: {label}",
        lambda f=fractions: splits.time_split(10, f),
        expect,
        "fractions",
    )
add(
    "splits.stratified_split",
    "labels empty",
    lambda: splits.stratified_split([], [0.5, 0.5]),
    ValueError,
    "labels",
)
add(
    "splits.stratified_split",
    "labels None",
    lambda: splits.stratified_split(None, [0.5, 0.5]),
    TypeError,
    "labels",
)
add(
    "splits.stratified_split",
    "groups too short",
    lambda: splits.stratified_split([0, 1], [0.5, 0.5], groups=[1]),
    ValueError,
    "groups",
)
add(
    "splits.stratified_split",
    "seed float",
    lambda: splits.stratified_split([0, 1], [0.5, 0.5], seed=0.5),
    TypeError,
    "seed",
)
add("splits.time_split", "n 0", lambda: splits.time_split(0, [0.5, 0.5]), ValueError, "n")
add(
    "splits.time_split", "too few steps", lambda: splits.time_split(2, [0.3, 0.3, 0.4]), ValueError, "too few"
)
add_array_cases(
    "series.sliding_windows",
    "values",
    np.arange(10.0),
    lambda v: series.sliding_windows(v, 2, [5]),
    shape_bad=np.zeros((10, 2)),
    empty=ValueError,
)
add(
    "series.sliding_windows",
    "width 0",
    lambda: series.sliding_windows(np.arange(5.0), 0, [3]),
    ValueError,
    "width",
)
add(
    "series.sliding_windows",
    "end before a full window",
    lambda: series.sliding_windows(np.arange(5.0), 3, [2]),
    ValueError,
    "width",
)
add(
    "series.sliding_windows",
    "end past the series",
    lambda: series.sliding_windows(np.arange(5.0), 3, [5]),
    ValueError,
    "ends",
)
add_array_cases(  # the int and bool cases are arrays of ones: constant, so refused by name
    "series.fit_scaler",
    "values",
    np.arange(4.0),
    lambda v: series.fit_scaler(v),
    empty=ValueError,
    int_ok=ValueError,
)
add("series.fit_scaler", "constant", lambda: series.fit_scaler([2.0, 2.0]), ValueError, "all equal")
add_array_cases("series.Scaler.transform", "x", np.zeros(3), lambda v: series.Scaler(0.0, 1.0).transform(v))
add_array_cases("series.Scaler.inverse", "z", np.zeros(3), lambda v: series.Scaler(0.0, 1.0).inverse(v))
add("series.Scaler", "valid", lambda: series.Scaler(1.0, 2.0), VALID)
add(
    "forecasting.persistence",
    "end 0",
    lambda: forecasting.persistence(np.arange(5.0), [0]),
    ValueError,
    "width",
)
add("forecasting.persistence", "values None", lambda: forecasting.persistence(None, [1]), TypeError, "values")
add(
    "forecasting.seasonal_naive",
    "period longer than the past",
    lambda: forecasting.seasonal_naive(np.arange(5.0), [3], 4),
    ValueError,
    "width",
)
add(
    "forecasting.seasonal_naive",
    "period 0",
    lambda: forecasting.seasonal_naive(np.arange(5.0), [3], 0),
    ValueError,
    "width",
)
add(
    "forecasting.fit_autoregression",
    "too few days",
    lambda: forecasting.fit_autoregression(np.arange(10.0), 3, [3, 4]),
    ValueError,
    "too few",
)
add(
    "forecasting.fit_autoregression",
    "order 0",
    lambda: forecasting.fit_autoregression(np.arange(10.0), 0, [5]),
    ValueError,
    "width",
)
add_array_cases(
    "forecasting.autoregression_predict",
    "windows",
    np.zeros((2, 3)),
    lambda v: forecasting.autoregression_predict(np.zeros(4), v),
    shape_bad=np.zeros((2, 4)),
)
add(
    "forecasting.autoregression_predict",
    "coefficients None",
    lambda: forecasting.autoregression_predict(None, np.zeros((1, 2))),
    TypeError,
    "coefficients",
)
add(
    "forecasting.forecast_ahead",
    "not callable",
    lambda: forecasting.forecast_ahead(3, np.zeros((1, 2)), 2),
    TypeError,
    "predict_next",
)
add(
    "forecasting.forecast_ahead",
    "horizon 0",
    lambda: forecasting.forecast_ahead(lambda w: w[:, -1], np.zeros((1, 2)), 0),
    ValueError,
    "horizon",
)
add(
    "forecasting.forecast_ahead",
    "windows 1-D",
    lambda: forecasting.forecast_ahead(lambda w: w[:, -1], np.zeros(3), 2),
    ValueError,
    "windows",
)
add(
    "forecasting.forecast_ahead",
    "wrong return shape",
    lambda: forecasting.forecast_ahead(lambda w: w, np.zeros((1, 2)), 2),
    ValueError,
    "predict_next",
)
add(
    "forecasting.error_by_horizon",
    "horizon past the end",
    lambda: forecasting.error_by_horizon(np.zeros((1, 3)), np.arange(5.0), [4]),
    ValueError,
    "horizon",
)
add(
    "forecasting.error_by_horizon",
    "ends count",
    lambda: forecasting.error_by_horizon(np.zeros((2, 1)), np.arange(5.0), [4]),
    ValueError,
    "ends",
)
add("forecasting.Forecaster", "hidden 0", lambda: forecasting.Forecaster(hidden=0), ValueError, "hidden")
add(
    "forecasting.Forecaster.forward",
    "3-D input",
    lambda: forecasting.Forecaster(hidden=2)(torch.zeros(1, 2, 1)),
    ValueError,
    "x",
)
add(
    "forecasting.Forecaster.forward",
    "long tensor",
    lambda: forecasting.Forecaster(hidden=2)(torch.zeros(1, 2, dtype=torch.long)),
    ValueError,
    "x",
)
add_array_cases(
    "forecasting.Forecaster.predict_next",
    "windows",
    np.zeros((2, 3)),
    lambda v: forecasting.Forecaster(hidden=2).predict_next(v),
    shape_bad=np.zeros(3),
)


def forecaster_call(**kwargs):
    args = {
        "inputs": np.zeros((4, 12)),
        "targets": np.zeros((4, 12)),
        "val_windows": np.zeros((2, 12)),
        "val_targets": np.zeros(2),
        "epochs": 1,
    }
    args.update(kwargs)
    model = args.pop("model", forecasting.Forecaster(hidden=2))
    return forecasting.train_forecaster(model, args.pop("inputs"), args.pop("targets"), **args)


for label, kwargs, expect, name in [
    ("model None", {"model": None}, TypeError, "model"),
    ("targets shape", {"targets": np.zeros((4, 3))}, ValueError, "targets"),
    ("val_targets shape", {"val_targets": np.zeros(3)}, ValueError, "val_targets"),
    ("NaN inputs", {"inputs": np.full((4, 12), np.nan)}, ValueError, "inputs"),
    ("epochs 0", {"epochs": 0}, ValueError, "epochs"),
    ("lr 0", {"lr": 0}, ValueError, "lr"),
    ("warmup too long", {"warmup": 12}, ValueError, "warmup"),
    ("to_units not callable", {"to_units": 3}, TypeError, "to_units"),
    ("valid", {}, VALID, ""),
]:
    add("forecasting.train_forecaster", label, lambda kw=kwargs: forecaster_call(**kw), expect, name)
for label, kwargs, expect, name in [
    ("kind", {"kind": "cnn"}, ValueError, "kind"),
    ("vocab_size 0", {"vocab_size": 0}, ValueError, "vocab_size"),
    ("n_classes 0", {"n_classes": 0}, ValueError, "n_classes"),
    ("hidden 0", {"hidden": 0}, ValueError, "hidden"),
    ("embedding 0", {"embedding": 0}, ValueError, "embedding"),
    ("dropout 1", {"dropout": 1.0}, ValueError, "dropout"),
]:
    add(
        "sequence_classifier.SequenceClassifier",
        label,
        lambda kw=kwargs: sequence_classifier.SequenceClassifier(**{"vocab_size": 5, "n_classes": 2, **kw}),
        expect,
        name,
    )


def tiny_classifier():
    torch.manual_seed(0)
    return sequence_classifier.SequenceClassifier(5, 2, hidden=4, embedding=3)


for label, ids, lengths, expect, name in [
    ("float ids", torch.zeros(1, 2), [2], ValueError, "ids"),
    ("1-D ids", torch.zeros(2, dtype=torch.long), [2], ValueError, "ids"),
    ("id out of range", torch.full((1, 2), 9), [2], ValueError, "ids"),
    ("length 0", torch.zeros(1, 2, dtype=torch.long), [0], ValueError, "lengths"),
    ("length > T", torch.zeros(1, 2, dtype=torch.long), [3], ValueError, "lengths"),
    ("lengths count", torch.zeros(2, 2, dtype=torch.long), [2], ValueError, "lengths"),
]:
    add(
        "sequence_classifier.SequenceClassifier.forward",
        label,
        lambda i=ids, n=lengths: tiny_classifier()(i, n),
        expect,
        name,
    )
add(
    "sequence_classifier.class_weights",
    "class missing",
    lambda: sequence_classifier.class_weights([0, 0], 2),
    ValueError,
    "classes [1]",
)
add(
    "sequence_classifier.class_weights",
    "label out of range",
    lambda: sequence_classifier.class_weights([0, 2], 2),
    ValueError,
    "labels",
)
add(
    "sequence_classifier.class_weights",
    "power 2",
    lambda: sequence_classifier.class_weights([0, 1], 2, 2.0),
    ValueError,
    "power",
)
add(
    "sequence_classifier.class_weights",
    "n_classes 0",
    lambda: sequence_classifier.class_weights([0], 0),
    ValueError,
    "n_classes",
)
add(
    "sequence_classifier.predict_proba",
    "model None",
    lambda: sequence_classifier.predict_proba(None, [[1]]),
    TypeError,
    "model",
)
add(
    "sequence_classifier.predict_proba",
    "no sequences",
    lambda: sequence_classifier.predict_proba(tiny_classifier(), []),
    ValueError,
    "sequences",
)
add(
    "sequence_classifier.predict_proba",
    "empty sequence",
    lambda: sequence_classifier.predict_proba(tiny_classifier(), [[]]),
    ValueError,
    "sequences[0]",
)
add(
    "sequence_classifier.predict_proba",
    "batch_size 0",
    lambda: sequence_classifier.predict_proba(tiny_classifier(), [[1]], batch_size=0),
    ValueError,
    "batch_size",
)


def classifier_call(**kwargs):
    args = {
        "sequences": [[1, 2], [3]],
        "labels": [0, 1],
        "val_sequences": [[1]],
        "val_labels": [0],
        "epochs": 1,
    }
    args.update(kwargs)
    model = args.pop("model", tiny_classifier())
    return sequence_classifier.train_classifier(model, args.pop("sequences"), args.pop("labels"), **args)


for label, kwargs, expect, name in [
    ("model None", {"model": None}, TypeError, "model"),
    ("labels count", {"labels": [0]}, ValueError, "training labels"),
    ("label out of range", {"labels": [0, 5]}, ValueError, "training labels"),
    ("no validation", {"val_sequences": [], "val_labels": []}, ValueError, "validation"),
    ("sequences a string", {"sequences": "ab"}, TypeError, "training sequences"),
    ("weights shape", {"weights": [1.0]}, ValueError, "weights"),
    ("weights zero", {"weights": [1.0, 0.0]}, ValueError, "weights"),
    ("epochs 0", {"epochs": 0}, ValueError, "epochs"),
    ("lr negative", {"lr": -1.0}, ValueError, "lr"),
    ("valid", {}, VALID, ""),
]:
    add("sequence_classifier.train_classifier", label, lambda kw=kwargs: classifier_call(**kw), expect, name)
for label, args, expect, name in [
    ("vocab a list", (["a"], "ab", ["x", "y"]), TypeError, "vocab"),
    ("empty text", (text.Vocabulary(list("ab")), " ", ["x", "y"]), ValueError, "text"),
    ("text None", (text.Vocabulary(list("ab")), None, ["x", "y"]), ValueError, "text"),
    ("label count", (text.Vocabulary(list("ab")), "ab", ["x"]), ValueError, "label_names"),
    ("unknown character, no unknown token", (text.Vocabulary(list("ab")), "az", ["x", "y"]), KeyError, "'z'"),
]:
    add(
        "sequence_classifier.rank_labels",
        label,
        lambda a=args: sequence_classifier.rank_labels(tiny_classifier(), *a),
        expect,
        name,
    )
add(
    "sequence_classifier.rank_labels",
    "top 0",
    lambda: sequence_classifier.rank_labels(
        tiny_classifier(), text.Vocabulary(list("ab")), "ab", ["x", "y"], top=0
    ),
    ValueError,
    "top",
)
GOOD_GRAMMAR = {"S": [(1.0, ["a", "B"])], "B": [(0.5, ["b"]), (0.5, ["c"])]}
for label, grammar, expect, name in [
    ("None", None, TypeError, "grammar"),
    ("empty", {}, TypeError, "grammar"),
    ("no start", {"T": [(1.0, ["a"])]}, ValueError, "start symbol"),
    ("probabilities do not add up", {"S": [(0.4, ["a"])]}, ValueError, "add up"),
    ("probability 0", {"S": [(0.0, ["a"]), (1.0, ["b"])]}, ValueError, "probability"),
    ("rule not a pair", {"S": [(1.0,)]}, ValueError, "each rule"),
    ("empty right side", {"S": [(1.0, [])]}, ValueError, "symbols"),
    ("a string right side", {"S": [(1.0, "ab")]}, ValueError, "symbols"),
    ("no rules", {"S": []}, ValueError, "grammar['S']"),
    ("valid", GOOD_GRAMMAR, VALID, ""),
]:
    add("pcfg.check_grammar", label, lambda g=grammar: pcfg.check_grammar(g), expect, name)
add(
    "pcfg.sentence_distribution",
    "recursive",
    lambda: pcfg.sentence_distribution({"S": [(1.0, ["a", "S"])]}),
    ValueError,
    "recursive",
)
add("pcfg.sentence_distribution", "None", lambda: pcfg.sentence_distribution(None), TypeError, "grammar")
add(
    "pcfg.sample_sentences",
    "not a distribution",
    lambda: pcfg.sample_sentences([], 2, np.random.default_rng(0)),
    TypeError,
    "distribution",
)
add(
    "pcfg.sample_sentences",
    "n 0",
    lambda: pcfg.sample_sentences({("a",): 1.0}, 0, np.random.default_rng(0)),
    ValueError,
    "n",
)
add(
    "pcfg.sample_sentences",
    "rng a seed",
    lambda: pcfg.sample_sentences({("a",): 1.0}, 2, 0),
    TypeError,
    "rng",
)
add("pcfg.exact_surprisal", "a string", lambda: pcfg.exact_surprisal({("a",): 1.0}, "a"), TypeError, "words")
add("pcfg.exact_surprisal", "empty", lambda: pcfg.exact_surprisal({("a",): 1.0}, []), TypeError, "words")
add(
    "pcfg.exact_surprisal",
    "impossible word",
    lambda: pcfg.exact_surprisal({("a",): 1.0}, ["b"]),
    ValueError,
    "never continues",
)
add(
    "pcfg.exact_surprisal",
    "not a distribution",
    lambda: pcfg.exact_surprisal(None, ["a"]),
    TypeError,
    "distribution",
)


def word_model():
    torch.manual_seed(0)
    return char_lm.CharLM(3, kind="lstm", hidden=4, embedding=2)


WORDS = text.Vocabulary([".", "a", "b"])
for fn in ("next_word_probabilities", "model_surprisal", "expected_words"):
    call = getattr(surprisal, fn)
    for label, args, expect, name in [
        ("model None", (None, WORDS, ["a"]), TypeError, "model"),
        ("vocab a list", (word_model(), [".", "a"], ["a"]), TypeError, "vocab"),
        ("words a string", (word_model(), WORDS, "a b"), TypeError, "words"),
        ("no words", (word_model(), WORDS, []), TypeError, "words"),
        ("unknown word", (word_model(), WORDS, ["a", "z"]), KeyError, "'z'"),
        ("empty context", (word_model(), WORDS, ["a"], []), TypeError, "context"),
        ("valid", (word_model(), WORDS, ["a", "b", "."]), VALID, ""),
    ]:
        add(f"surprisal.{fn}", label, lambda c=call, a=args: c(*a), expect, name)
add(
    "surprisal.expected_words",
    "top 0",
    lambda: surprisal.expected_words(word_model(), WORDS, ["a"], top=0),
    ValueError,
    "top",
)
for label, ranking, expect, name in [
    ("None", None, TypeError, "ranking"),
    ("a string", "ab", TypeError, "ranking"),
    ("not pairs", [("a",)], ValueError, "pairs"),
    ("probability 2", [("a", 2.0)], ValueError, "probability"),
    ("probability a string", [("a", "0.5")], ValueError, "probability"),
    ("valid", [("a", 0.7), ("b", 0.3)], VALID, ""),
]:
    add("widgets.ranking_readout", label, lambda r=ranking: widgets.ranking_readout(r), expect, name)
add("widgets.label_ranker", "not callable", lambda: widgets.label_ranker(3), TypeError, "rank")
add("widgets.label_ranker", "valid", lambda: widgets.label_ranker(lambda t: [("a", 1.0)], "x"), VALID)


# ---------------------------------------------------------------- torch twins
add(
    "torch_models.TorchRecurrentNet",
    "unknown kind",
    lambda: torch_models.TorchRecurrentNet("rnn", n_inputs=M, n_hidden=U, n_outputs=K),
    ValueError,
    "kind",
)
add(
    "torch_models.TorchRecurrentNet.from_numpy",
    "an SRN's params as an LSTM's",
    lambda: torch_models.TorchRecurrentNet.from_numpy("lstm", params64()),
    ValueError,
    "params",
)
add(
    "torch_models.TorchRecurrentNet.forward",
    "LSTM state not a pair",
    lambda: torch_models.TorchRecurrentNet("lstm", n_inputs=M, n_hidden=U, n_outputs=K)(
        torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, U)
    ),
    ValueError,
    "state",
)
add(
    "torch_models.TorchRecurrentNet.forward",
    "vectors of the wrong width",
    lambda: torch_models.TorchRecurrentNet("gru", n_inputs=M, n_hidden=U, n_outputs=K)(torch.zeros(2, 3, M + 1)),
    TypeError,
    "inputs",
)
for fname, state in (
    ("lstm_loss_and_gradients", (np.zeros((2, U)), np.zeros((2, U + 1)))),
    ("gru_loss_and_gradients", np.zeros((3, U))),
):
    module = lstm if fname.startswith("lstm") else gru
    add(
        f"torch_models.{fname}",
        "initial state of the wrong shape",
        lambda f=fname, st=state, m=module: getattr(torch_models, f)(
            m.init_params(M, U, K, np.random.default_rng(0)), IDS, TARGETS, st
        ),
        ValueError,
        "0",
    )
    add(
        f"torch_models.{fname}",
        "truncate 0",
        lambda f=fname, m=module: getattr(torch_models, f)(
            m.init_params(M, U, K, np.random.default_rng(0)), IDS, TARGETS, None, 0
        ),
        ValueError,
        "truncate",
    )
add("torch_models.TorchSRN", "n_hidden 0", lambda: torch_models.TorchSRN(n_inputs=M, n_hidden=0, n_outputs=K), ValueError, "n_hidden")
add(
    "torch_models.TorchSRN",
    "dtype int",
    lambda: torch_models.TorchSRN(n_inputs=M, n_hidden=U, n_outputs=K, dtype=torch.int64),
    TypeError,
    "dtype",
)
add(
    "torch_models.TorchSRN.from_numpy",
    "params missing a key",
    lambda: torch_models.TorchSRN.from_numpy({"U": np.zeros((U, M))}),
    ValueError,
    "params",
)
add(
    "torch_models.TorchSRN.from_numpy",
    "int weights",
    lambda: torch_models.TorchSRN.from_numpy({**params64(), "V": np.ones((K, U), int)}),
    TypeError,
    "params['V']",
)


def twin():
    return torch_models.TorchSRN.from_numpy(params64())


for label, inputs, expect, names in [
    ("numpy ids", IDS, TypeError, "inputs"),
    ("float tensor", torch.zeros(2, 3), TypeError, "inputs"),
    ("1-D tensor", torch.zeros(3, dtype=torch.long), TypeError, "inputs"),
    ("id out of range", torch.full((2, 3), M, dtype=torch.long), ValueError, "inputs"),
]:
    add("torch_models.TorchSRN.forward", label, lambda v=inputs: twin()(v), expect, names)
add(
    "torch_models.TorchSRN.forward",
    "h0 of the wrong shape",
    lambda: twin()(torch.from_numpy(IDS), torch.zeros(2, U + 1)),
    ValueError,
    "h0",
)
add(
    "torch_models.TorchSRN.forward",
    "h0 3-D as torch wants",
    lambda: twin()(torch.from_numpy(IDS), torch.zeros(1, 2, U)),
    ValueError,
    "h0",
)
add_array_cases(
    "torch_models.srn_loss_and_gradients",
    "h0",
    np.zeros((2, U)),
    lambda v: torch_models.srn_loss_and_gradients(params64(), IDS, TARGETS, v),
    shape_bad=np.zeros((2, 1)),
    none=VALID,
)
for label, truncate in [("truncate 0", 0), ("truncate -1", -1)]:
    add(
        "torch_models.srn_loss_and_gradients",
        label,
        lambda k=truncate: torch_models.srn_loss_and_gradients(params64(), IDS, TARGETS, truncate=k),
        ValueError,
        "truncate",
    )
add(
    "torch_models.srn_loss_and_gradients",
    "inputs out of range",
    lambda: torch_models.srn_loss_and_gradients(params64(), IDS + M, TARGETS),
    ValueError,
    "inputs",
)
add(
    "torch_models.torch_cost_and_gradients",
    "X wrong shape",
    lambda: torch_models.torch_cost_and_gradients(small_net(), np.zeros((5, 4)), T_GOOD),
    ValueError,
    "X",
)
add(
    "torch_models.torch_cost_and_gradients",
    "unknown cost",
    lambda: torch_models.torch_cost_and_gradients(small_net(), X_GOOD, T_GOOD, "l1"),
    ValueError,
    "cost",
)
add(
    "torch_models.parity_errors",
    "T NaN",
    lambda: torch_models.parity_errors(small_net(), X_GOOD, np.full((5, 2), np.nan)),
    ValueError,
    "T",
)

# ---------------------------------------------------------------- text
add("text.tokenize_words", "None", lambda: text.tokenize_words(None), TypeError, "text")
add("text.tokenize_words", "bytes", lambda: text.tokenize_words(b"It is"), TypeError, "text")
add("text.tokenize_chars", "list", lambda: text.tokenize_chars(["a"]), TypeError, "text")
add("text.join_words", "an empty token", lambda: text.join_words(["a", ""]), ValueError, "tokens")
add("text.join_words", "a number", lambda: text.join_words(["a", 3]), TypeError, "tokens")
add("text.join_words", "one string", lambda: text.join_words("It is"), TypeError, "tokens")
add("text.Vocabulary", "min_count 0", lambda: text.Vocabulary(["a"], min_count=0), ValueError, "min_count")
add("text.Vocabulary", "non-string token", lambda: text.Vocabulary(["a", 1]), TypeError, "tokens")
add("text.Vocabulary", "no tokens", lambda: text.Vocabulary([]), ValueError, "vocabulary")
add(
    "text.Vocabulary", "unknown not a string", lambda: text.Vocabulary(["a"], unknown=0), TypeError, "unknown"
)
add("text.Vocabulary.encode", "a string", lambda: text.Vocabulary(["a"]).encode("a"), TypeError, "tokenise")
add(
    "text.Vocabulary.encode", "an unseen token", lambda: text.Vocabulary(["a"]).encode(["b"]), KeyError, "'b'"
)
add(
    "text.Vocabulary.encode",
    "a list inside",
    lambda: text.Vocabulary(["a"]).encode([["a"]]),
    TypeError,
    "tokens",
)
add("text.Vocabulary.encode", "None", lambda: text.Vocabulary(["a"]).encode(None), TypeError, "encode")
for label, ids, expect in [
    ("id out of range", [2], ValueError),
    ("float id", [0.5], TypeError),
    ("None", None, TypeError),
]:
    add("text.Vocabulary.decode", label, lambda v=ids: text.Vocabulary(["a", "b"]).decode(v), expect, "ids")
for label, ids, n, expect, names in [
    ("too few tokens", [0, 1], 5, ValueError, "tokens"),
    ("n_streams 0", [0, 1, 2], 0, ValueError, "n_streams"),
    ("2-D ids", [[0, 1]], 1, ValueError, "ids"),
    ("float ids", [0.5, 1.5, 2.5], 1, TypeError, "ids"),
]:
    add("text.contiguous_streams", label, lambda v=ids, n=n: text.contiguous_streams(v, n), expect, names)
add(
    "text.bptt_chunks",
    "shapes differ",
    lambda: list(text.bptt_chunks(IDS, IDS[:, :2], 2)),
    ValueError,
    "targets",
)
add("text.bptt_chunks", "seq_len 0", lambda: list(text.bptt_chunks(IDS, IDS, 0)), ValueError, "seq_len")
add(
    "text.bptt_chunks", "float inputs", lambda: list(text.bptt_chunks(IDS + 0.5, IDS, 2)), TypeError, "inputs"
)
PROBS = np.array([0.2, 0.3, 0.5])
add_array_cases(
    "text.sample_from",
    "probs",
    PROBS,
    lambda v: text.sample_from(v),
    shape_bad=PROBS[None],
    empty=ValueError,
    int_ok=ValueError,
)  # ones: converted, then refused for not summing to 1
add("text.sample_from", "probs not summing to 1", lambda: text.sample_from([0.2, 0.2]), ValueError, "probs")
add("text.sample_from", "negative probs", lambda: text.sample_from([1.5, -0.5]), ValueError, "probs")
for label, temperature, expect in [
    ("temperature 0", 0.0, ValueError),
    ("temperature -1", -1.0, ValueError),
    ("temperature NaN", float("nan"), ValueError),
    ("temperature string", "1", TypeError),
]:
    add(
        "text.sample_from",
        label,
        lambda t=temperature: text.sample_from(PROBS, np.random.default_rng(0), t),
        expect,
        "temperature",
    )
    add(
        "text.generate",
        label,
        lambda t=temperature: text.generate(
            lambda tok, h: (PROBS, h), [0], 2, rng=np.random.default_rng(0), temperature=t
        ),
        expect,
        "temperature",
    )
add("text.sample_from", "rng an int", lambda: text.sample_from(PROBS, 0), TypeError, "rng")
add(
    "text.sample_from",
    "temperature 1e-320 (overflows)",
    lambda: text.sample_from(PROBS, np.random.default_rng(0), 1e-320),
    ValueError,
    "temperature",
)
add("text.generate", "step not callable", lambda: text.generate(None, [0], 2), TypeError, "step")
add(
    "text.generate",
    "empty prompt",
    lambda: text.generate(lambda tok, h: (PROBS, h), [], 2),
    ValueError,
    "prompt_ids",
)
add(
    "text.generate",
    "prompt of strings",
    lambda: text.generate(lambda tok, h: (PROBS, h), ["It"], 2),
    TypeError,
    "prompt_ids",
)
add(
    "text.generate",
    "n_new -1",
    lambda: text.generate(lambda tok, h: (PROBS, h), [0], -1),
    ValueError,
    "n_new",
)
add(
    "text.generate",
    "rng a seed",
    lambda: text.generate(lambda tok, h: (PROBS, h), [0], 2, rng=1),
    TypeError,
    "rng",
)
add(
    "text.word_tokens_from",
    "start not in the text",
    lambda: text.word_tokens_from("a b", "c", 1),
    ValueError,
    "start",
)
add(
    "text.word_tokens_from",
    "too few tokens",
    lambda: text.word_tokens_from("a b", "a", 5),
    ValueError,
    "n_tokens",
)
add("text.word_tokens_from", "text None", lambda: text.word_tokens_from(None, "a", 1), TypeError, "text")
add(
    "text.word_tokens_from",
    "n_tokens 0",
    lambda: text.word_tokens_from("a b", "a", 0),
    ValueError,
    "n_tokens",
)

# -------------------------------------------- feedback (learners' answers: AssertionError)
for label, answer in [
    ("None", None),
    ("a string", "0.5"),
    ("complex", np.array([1 + 1j, 2])),
    ("NaN", [np.nan, 2.0]),
    ("wrong shape", [[1.0, 2.0]]),
    ("ragged", [[1.0], [1.0, 2.0]]),
    ("objects", np.array([object(), object()])),
]:
    add(
        "feedback.check_close",
        f"answer: {label}",
        lambda a=answer: feedback.check_close(a, [1.0, 2.0], name="h"),
        AssertionError,
        "h",
    )
add(
    "feedback.check_close",
    "answer: int, right values",
    lambda: feedback.check_close(np.array([1, 2]), [1.0, 2.0]),
    VALID,
)
add(
    "feedback.check_shape",
    "answer: None",
    lambda: feedback.check_shape(None, (2,), name="h"),
    AssertionError,
    "h",
)
add(
    "feedback.check_shape",
    "answer: wrong shape",
    lambda: feedback.check_shape(np.zeros(3), (2,), name="h"),
    AssertionError,
    "h",
)
add(
    "feedback.check_dtype",
    "answer: ints for floats",
    lambda: feedback.check_dtype(np.arange(2), "float", name="h"),
    AssertionError,
    "h",
)
add(
    "feedback.check_dtype",
    "unknown kind",
    lambda: feedback.check_dtype(np.arange(2), "complex"),
    ValueError,
    "kind",
)
add(
    "feedback.check_own_work",
    "not a function",
    lambda: feedback.check_own_work(None, name="srn_step"),
    AssertionError,
    "srn_step",
)
add(
    "feedback.check_own_work",
    "forbidden a string",
    lambda: feedback.check_own_work(lambda: 0, forbidden="helpers"),
    TypeError,
    "forbidden",
)
add("feedback.passed", "a message that is not a string", lambda: feedback.passed(3), VALID)

# ---------------------------------------------------------------- widgets
for label, v, expect in [
    ("NaN", float("nan"), ValueError),
    ("string", "1", TypeError),
    ("None", None, TypeError),
    ("array", np.zeros(2), TypeError),
]:
    add("widgets.neuron_readout", label, lambda v=v: widgets.neuron_readout(v), expect, "v")
    add("widgets.neuron_explorer", label, lambda v=v: widgets.neuron_explorer(v), expect, "v")
for label, args, expect, names in [
    ("unknown name", ("relu",), ValueError, "relu"),
    ("v_min > v_max", ("tanh", 1.0, -1.0), ValueError, "v_min"),
    ("v_max inf", ("tanh", -1.0, float("inf")), ValueError, "v_max"),
    ("n 1", ("tanh", -1.0, 1.0, 1), ValueError, "n"),
    ("v_min string", ("tanh", "a", 1.0), TypeError, "v_min"),
]:
    add("widgets.activation_curve", label, lambda a=args: widgets.activation_curve(*a), expect, names)
    if len(args) < 4:
        add(
            "widgets.activation_explorer",
            label,
            lambda a=args: widgets.activation_explorer(a[0], tuple(a[1:3]) or (-5.0, 5.0)),
            expect,
            names,
        )
add(
    "widgets.activation_explorer",
    "v_range one number",
    lambda: widgets.activation_explorer("tanh", 3.0),
    ValueError,
    "v_range",
)
add_array_cases(
    "widgets.temperature_probabilities",
    "logits",
    np.zeros(3),
    lambda v: widgets.temperature_probabilities(v, 1.0),
    shape_bad=np.zeros((2, 3)),
    empty=ValueError,
)
for label, temperature, expect in [
    ("0", 0.0, ValueError),
    ("1e-320 (overflows)", 1e-320, ValueError),
    ("inf", float("inf"), ValueError),
    ("string", "1", TypeError),
]:
    add(
        "widgets.temperature_probabilities",
        f"temperature {label}",
        lambda t=temperature: widgets.temperature_probabilities([1.0, 2.0], t),
        expect,
        "temperature",
    )
add(
    "widgets.temperature_explorer",
    "labels of another length",
    lambda: widgets.temperature_explorer([1.0, 2.0], ["a"]),
    ValueError,
    "label",
)
add(
    "widgets.temperature_explorer",
    "logits NaN",
    lambda: widgets.temperature_explorer([np.nan, 1.0], ["a", "b"]),
    ValueError,
    "logits",
)
STEP_ARGS = (["dogs", "are"], np.zeros((2, 3)), np.full((2, 2), 0.5), ["x", "y"])
for label, change, expect, names in [
    ("t out of range", {"t": 2}, ValueError, "t"),
    ("t a float", {"t": 0.5}, ValueError, "t"),
    ("hidden of another length", {"hidden": np.zeros((3, 3))}, ValueError, "hidden"),
    ("probs NaN", {"probs": np.full((2, 2), np.nan)}, ValueError, "probs"),
    ("labels too few", {"labels": ["x"]}, ValueError, "probs"),
]:
    args = dict(zip(("input_tokens", "hidden", "probs", "labels"), STEP_ARGS, strict=True))
    args.update({"t": 0, **change})
    add("widgets.srn_time_step", label, lambda a=args: widgets.srn_time_step(**a), expect, names)
add(
    "widgets.srn_time_stepper",
    "hidden of another length",
    lambda: widgets.srn_time_stepper(STEP_ARGS[0], np.zeros((3, 3)), STEP_ARGS[2], STEP_ARGS[3]),
    ValueError,
    "hidden",
)


def lstm_cache():
    params = lstm.init_params(M, U, K, np.random.default_rng(0))
    return lstm.forward(params, IDS)


for label, args, expect, names in [
    ("cache of an SRN", (lambda: srn.forward(params64(), IDS), 0, 0), TypeError, "cache"),
    ("t past the end", (lstm_cache, 3, 0), ValueError, "t must be"),
    ("t negative", (lstm_cache, -1, 0), ValueError, "t must be"),
    ("t a float", (lstm_cache, 1.0, 0), ValueError, "t must be"),
    ("sequence out of range", (lstm_cache, 0, 2), ValueError, "sequence"),
]:
    add(
        "widgets.lstm_gate_step",
        label,
        lambda a=args: widgets.lstm_gate_step(a[0](), a[1], a[2]),
        expect,
        names,
    )
add(
    "widgets.lstm_gate_stepper",
    "sequence out of range",
    lambda: widgets.lstm_gate_stepper(lstm_cache(), 5),
    ValueError,
    "sequence",
)
add(
    "widgets.lstm_gate_stepper",
    "a cache dict",
    lambda: widgets.lstm_gate_stepper({"gates": 0}),
    TypeError,
    "cache",
)

# ---------------------------------------------------------------- plotting


def axes():
    return plt.subplots()[1]


for fname, call in [
    ("plotting.draw_network", lambda ax: plotting.draw_network(ax, (1, 2))),
    ("plotting.probability_bars", lambda ax: plotting.probability_bars(ax, [0.5, 0.5])),
    ("plotting.draw_unrolled", lambda ax: plotting.draw_unrolled(ax, 2, [0], [1])),
    ("plotting.draw_folded_and_unfolded", lambda ax: plotting.draw_folded_and_unfolded(ax, axes())),
    ("plotting.draw_depth", lambda ax: plotting.draw_depth(ax)),
    ("plotting.draw_gated_cell", lambda ax: plotting.draw_gated_cell(ax, "lstm")),
]:
    add(fname, "ax not an Axes", lambda c=call: c(None), TypeError, "ax")
add(
    "plotting.draw_network",
    "sizes with 0",
    lambda: plotting.draw_network(axes(), (1, 0)),
    ValueError,
    "sizes[1]",
)
add(
    "plotting.draw_network",
    "names of another length",
    lambda: plotting.draw_network(axes(), (1, 2), ["a"]),
    ValueError,
    "name",
)
add_array_cases(
    "plotting.probability_bars",
    "probabilities",
    np.full(2, 0.5),
    lambda v: plotting.probability_bars(axes(), v),
    shape_bad=np.full((2, 2), 0.5),
    empty=ValueError,
    float16_ok=True,
)
add(
    "plotting.probability_bars",
    "probabilities above 1",
    lambda: plotting.probability_bars(axes(), [3.0, 0.5]),
    ValueError,
    "probabilities",
)
add(
    "plotting.probability_bars",
    "target out of range",
    lambda: plotting.probability_bars(axes(), [0.5, 0.5], target=2),
    ValueError,
    "target",
)
add(
    "plotting.probability_bars",
    "labels of another length",
    lambda: plotting.probability_bars(axes(), [0.5, 0.5], ["a"]),
    ValueError,
    "label",
)
add(
    "plotting.draw_unrolled",
    "n_steps 0",
    lambda: plotting.draw_unrolled(axes(), 0, [], []),
    ValueError,
    "n_steps",
)
add(
    "plotting.draw_unrolled",
    "step out of range",
    lambda: plotting.draw_unrolled(axes(), 2, [2], []),
    ValueError,
    "inputs",
)
add(
    "plotting.draw_unrolled",
    "float steps",
    lambda: plotting.draw_unrolled(axes(), 2, [0.5], []),
    TypeError,
    "inputs",
)
add(
    "plotting.draw_unrolled",
    "recurrence unknown",
    lambda: plotting.draw_unrolled(axes(), 2, [0], [1], "x"),
    ValueError,
    "recurrence",
)
add(
    "plotting.draw_folded_and_unfolded",
    "n_steps 0",
    lambda: plotting.draw_folded_and_unfolded(axes(), axes(), 0),
    ValueError,
    "n_steps",
)
add(
    "plotting.draw_gated_cell",
    "kind unknown",
    lambda: plotting.draw_gated_cell(axes(), "srn"),
    ValueError,
    "kind",
)
add(
    "plotting.draw_depth",
    "layers_above -1",
    lambda: plotting.draw_depth(axes(), -1),
    ValueError,
    "layers_above",
)
add(
    "plotting.draw_depth",
    "layers_above 1.5",
    lambda: plotting.draw_depth(axes(), 1.5),
    ValueError,
    "layers_above",
)
add(
    "plotting.draw_depth",
    "layers_between_states 0",
    lambda: plotting.draw_depth(axes(), 0, 0),
    ValueError,
    "layers_between_states",
)
add("plotting.use_course_style", "no arguments: nothing to get wrong", plotting.use_course_style, VALID)

# ---------------------------------------------------------------- notebook setup
for label, kwargs, expect, names in [
    ("seed -1", {"seed": -1}, ValueError, "seed"),
    ("seed float", {"seed": 1.5}, ValueError, "seed"),
    ("seed None", {"seed": None}, ValueError, "seed"),
    ("threads 0", {"threads": 0}, ValueError, "threads"),
]:
    add("notebook.setup_notebook", label, lambda kw=kwargs: setup.setup_notebook(**kw), expect, names)
add("notebook.environment_report", "no arguments: nothing to get wrong", setup.environment_report, VALID)


# -------------------------------------------- data (names; file faults: test_data.py)
for fname in ("path", "load_text", "load_series"):
    f = getattr(data, fname)
    add(f"data.{fname}", "unknown name", lambda f=f: f("shakespeare"), ValueError, "shakespeare")
    add(f"data.{fname}", "name None", lambda f=f: f(None), TypeError, "dataset name")
add(
    "data.load_text",
    "not a text dataset",
    lambda: data.load_text("air_passengers"),
    ValueError,
    "air_passengers",
)
add("data.load_series", "not a series", lambda: data.load_series("names"), ValueError, "names")
for fname in ("registry", "dataset_names", "cache_dir", "mirror_dir"):
    add(f"data.{fname}", "no arguments: nothing to get wrong", getattr(data, fname), VALID)

# functions that only fetch, train or display, covered elsewhere by their own tests
COVERED_ELSEWHERE = {
    "char_lm.Evaluation": "a dataclass returned by evaluate",
    "char_lm.TrainResult": "a dataclass returned by train",
    "char_lm.TrainResult.chars_per_second": "a property of train's result, tests/test_char_lm.py",
    "data.check_all": "tests/test_data.py",
    "data.main": "tests/test_data.py (offline report, exit status)",
    "data.load_names": "tests/test_data.py (no arguments)",
    "notebook.torch_device": "tests/test_notebook_setup.py (RNN_COURSE_DEVICE values)",
    "optim.EpochResult": "a NamedTuple returned by train_epoch",
    "srn.SRNCache": "a NamedTuple returned by forward",
    "lstm.LSTMCache": "a NamedTuple returned by forward",
    "tasks.TaskBatch": "a NamedTuple returned by first_symbol_batch",
    "gru.GRUCache": "a NamedTuple returned by forward",
    "recurrent.backward_start": "called by every backward; its rows are the backward rows",
    "recurrent.input_projection": "internal arithmetic on arrays check_inputs/check_params already checked",
    "recurrent.input_weight_gradient": "internal arithmetic, as above",
    "recurrent.output_layer": "internal arithmetic, as above",
    "recurrent.output_gradients": "internal arithmetic, as above",
    "recurrent.cross_entropy": "internal arithmetic, as above",
    "recurrent.sum_rows_by_id": "internal arithmetic, tests/test_srn.py",
    "recurrent.softmax_rows_in_place": "internal arithmetic, tests/test_srn.py",
    "recurrent.sigmoid_in_place": "internal arithmetic on checked arrays",
    "recurrent.blame_crosses": "internal, on an int checked by check_truncate",
    "digits.DigitsSplit": "a NamedTuple returned by load_digits_split",
    "data.DataUnavailableError": "an exception class",
    "mlp.MLP.check_cost": "module-level check_cost is in the table",
    "forecasting.ForecastHistory": "a dataclass returned by train_forecaster",
    "sequence_classifier.ClassifierHistory": "a dataclass returned by train_classifier",
}


def case_id(case: Case) -> str:
    return f"{case.function} | {case.label}"


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_bad_input_gets_a_clear_error(case, tmp_path, monkeypatch):
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


def public_functions() -> set[str]:
    """``module.function`` (and ``module.Class.method``) for every public callable defined in
    a ``helpers`` module."""
    names = set()
    for info in pkgutil.iter_modules(helpers.__path__):
        module = importlib.import_module(f"helpers.{info.name}")
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isclass(obj) or inspect.isfunction(obj):
                names.add(f"{info.name}.{name}")
            if inspect.isclass(obj) and not issubclass(obj, tuple | Exception):
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and (
                        inspect.isfunction(member) or isinstance(member, property | classmethod)
                    ):
                        names.add(f"{info.name}.{name}.{attr}")
    return names


def test_every_public_function_is_in_the_table():
    tried = {case.function for case in CASES}
    missing = sorted(public_functions() - tried - set(COVERED_ELSEWHERE))
    assert not missing, f"add bad-input cases for {missing} to tests/test_bad_input.py"
