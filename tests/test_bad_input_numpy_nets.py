"""Bad input for the numpy layer (``helpers.numpy_nets``): see tests/bad_input.py for what a row
asserts and how the table stays complete."""

from __future__ import annotations

import numpy as np
from bad_input import (
    IDS,
    T_GOOD,
    TARGETS,
    VALID,
    X_GOOD,
    K,
    M,
    Table,
    U,
    array_classes,
    layer_tests,
    params64,
    small_net,
)

from helpers.numpy_nets import (
    activations,
    attention,
    generation,
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

TABLE = Table("numpy_nets")
add, add_array_cases = TABLE.add, TABLE.add_array_cases


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
add("mlp.check_cost", "cost None", lambda: mlp.check_cost(None, "linear"), TypeError, "cost")
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

# ---------------------------------------------------------------- srn


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
    ("n_outputs None", (M, U, None), TypeError, "n_outputs"),
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
    ("truncate string", "3", TypeError),
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
    "cache of a network of another size",
    lambda: gradient_flow.state_jacobians(
        params64(), srn.forward(srn.init_params(M, U + 1, K, np.random.default_rng(0)), IDS)),
    ValueError,
    "hidden units",
)
add("srn.forward", "inputs: integer one-hot vectors",
    lambda: srn.forward(params64(), np.eye(M, dtype=int)[IDS]), VALID)
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
    ("lags an int", 5, TypeError),
    ("lags a string", "5", TypeError),
    ("a negative lag", [2, -1], ValueError),
]:
    add(
        "tasks.accuracy_by_lag",
        label,
        lambda v=lags: tasks.accuracy_by_lag(srn, task_srn, v, 1),
        expect,
        "lag",
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


# ---------------------------------------------------------------- generation and the temperature softmax
for label, temperature, expect in [
    ("0", 0.0, ValueError),
    ("1e-320 (overflows)", 1e-320, ValueError),
    ("inf", float("inf"), ValueError),
    ("string", "1", TypeError),
]:
    add(
        "activations.softmax",
        f"temperature {label}",
        lambda t=temperature: activations.softmax([1.0, 2.0], temperature=t),
        expect,
        "temperature",
    )
add("optim.cosine_factor", "done a string", lambda: optim.cosine_factor("half", 1), TypeError, "done")
add("optim.cosine_factor", "total 0", lambda: optim.cosine_factor(0.5, 0), ValueError, "total")
for label, kwargs, expect, names in [
    ("temperature 0", {"temperature": 0}, ValueError, "temperature"),
    ("temperature NaN", {"temperature": float("nan")}, ValueError, "temperature"),
    ("temperature a string", {"temperature": "1"}, TypeError, "temperature"),
    ("top_k 0", {"top_k": 0}, ValueError, "top_k"),
    ("top_k True", {"top_k": True}, ValueError, "top_k"),
    ("top_p 0", {"top_p": 0.0}, ValueError, "top_p"),
    ("top_p 1.01", {"top_p": 1.01}, ValueError, "top_p"),
]:
    add("generation.check_options", label, lambda kw=kwargs: generation.check_options(**{
        "temperature": 1.0, "top_k": None, "top_p": None, **kw}), expect, names)
    add("generation.next_token_probs", label, lambda kw=kwargs: generation.next_token_probs([0.0, 1.0], **kw),
        expect, names)
    add("generation.generate", label, lambda kw=kwargs: generation.generate(
        lambda tok, h: (PROBS, h), [0], 2, rng=np.random.default_rng(0), **kw), expect, names)
add_array_cases(
    "generation.next_token_probs",
    "logits",
    np.zeros(3),
    lambda v: generation.next_token_probs(v),
    shape_bad=np.zeros((2, 3)),
    empty=ValueError,
)
add(
    "generation.next_token_probs",
    "temperature 1e-320 (overflows)",
    lambda: generation.next_token_probs([0.0, 1.0], 1e-320),
    ValueError,
    "temperature",
)
PROBS = np.array([0.2, 0.3, 0.5])
add_array_cases(
    "generation.choose",
    "probs",
    PROBS,
    lambda v: generation.choose(v),
    shape_bad=PROBS[None],
    empty=ValueError,
    int_ok=ValueError,
)  # ones: converted, then refused for not summing to 1
add("generation.choose", "probs not summing to 1", lambda: generation.choose([0.2, 0.2]), ValueError, "probs")
add("generation.choose", "negative probs", lambda: generation.choose([1.5, -0.5]), ValueError, "probs")
add("generation.choose", "rng an int", lambda: generation.choose(PROBS, 0), TypeError, "rng")
add("generation.generate", "step not callable", lambda: generation.generate(None, [0], 2), TypeError, "step")
for label, prompt, n_new, expect, names in [
    ("empty prompt", [], 2, ValueError, "prompt_ids"),
    ("prompt of strings", ["It"], 2, TypeError, "prompt_ids"),
    ("n_new -1", [0], -1, ValueError, "n_new"),
]:
    add("generation.generate", label,
        lambda p=prompt, k=n_new: generation.generate(lambda tok, h: (PROBS, h), p, k), expect, names)
add(
    "generation.generate",
    "step returns no distribution",
    lambda: generation.generate(lambda tok, h: ([0.5, 0.6], h), [0], 2),
    ValueError,
    "probs",
)
add(
    "generation.generate",
    "rng a seed",
    lambda: generation.generate(lambda tok, h: (PROBS, h), [0], 2, rng=1),
    TypeError,
    "rng",
)


# ---------------------------------------------------------------- found by tools/bad_input_probe.py
add("recurrent.require_network", "a string", lambda: recurrent.require_network("srn"), TypeError, "module")
for label, call in [
    ("train_on_task", lambda: tasks.train_on_task("srn", task_srn(), 1, 1, np.random.default_rng(0))),
    ("evaluate_on_task", lambda: tasks.evaluate_on_task(None, task_srn(), 1, np.random.default_rng(0))),
    ("blame_by_lag", lambda: gradient_flow.blame_by_lag(srn.init_params, params64(), IDS, TARGETS)),
]:
    module = "gradient_flow" if label == "blame_by_lag" else "tasks"
    add(f"{module}.{label}", "module not a network", call, TypeError, "module")
add("gradient_flow.blame_by_lag", "targets None",
    lambda: gradient_flow.blame_by_lag(srn, params64(), IDS, None), TypeError, "targets")
add("gradient_flow.jacobian_bound", "max_slope None",
    lambda: gradient_flow.jacobian_bound(np.eye(2), 1, None), TypeError, "max_slope")
add("gradient_flow.lag_curve", "activation an array", lambda: gradient_flow.lag_curve(1.0, np.zeros(2)),
    ValueError, "activation")

# ---------------------------------------------------------------- attention (notebook 09)
def attention_problem(kind="additive"):
    """(params, query (2, Hq), keys (2, 5, 3), mask (2, 5)): additive Hq = 2, dot Hq = 3."""
    rng, n_query = np.random.default_rng(0), 3 if kind == "dot" else 2
    mask = np.arange(5)[None, :] < np.array([[5], [2]])
    return (attention.init_params(kind, n_query, 3, 4, rng), rng.normal(size=(2, n_query)),
            rng.normal(size=(2, 5, 3)), mask)


PARAMS, QUERY, KEYS, MASK = attention_problem()
for label, kwargs, expect, names in [
    ("kind unknown", {"kind": "cosine"}, ValueError, "kind"),
    ("dot with unequal widths", {"kind": "dot", "n_query": 2}, ValueError, "n_query == n_keys"),
    ("n_attention 0", {"n_attention": 0}, ValueError, "n_attention"),
    ("n_keys a string", {"n_keys": "3"}, TypeError, "n_keys"),
    ("rng a seed", {"rng": 0}, TypeError, "rng"),
]:
    add("attention.init_params", label, lambda kw=kwargs: attention.init_params(
        **{"kind": "additive", "n_query": 3, "n_keys": 3, "n_attention": 4, "rng": np.random.default_rng(0),
           **kw}), expect, names)
add_array_cases("attention.masked_softmax", "scores", np.zeros((2, 3)),
                lambda v: attention.masked_softmax(v, np.ones((2, 3), dtype=bool)), shape_bad=np.zeros(3),
                nonfinite=None)
for label, mask, names in [
    ("mask of 0s and 1s", np.ones((2, 3)), "mask"),
    ("mask of the wrong shape", np.ones((2, 4), dtype=bool), "mask"),
    ("a row with no True entry", np.array([[True, False, False], [False] * 3]), "no True entry"),
]:
    add("attention.masked_softmax", label, lambda m=mask: attention.masked_softmax(np.zeros((2, 3)), m),
        ValueError, names)
add_array_cases("attention.forward", "keys", KEYS, lambda v: attention.forward(PARAMS, QUERY, v),
                shape_bad=np.zeros((2, 5)), empty=ValueError)
add_array_cases("attention.forward", "query", QUERY, lambda v: attention.forward(PARAMS, v, KEYS),
                shape_bad=np.zeros((3, 2)))
for label, call, expect, names in [
    ("kind unknown", lambda: attention.forward({}, QUERY, KEYS, kind="cosine"), ValueError, "kind"),
    ("dot query of another width", lambda: attention.forward({}, QUERY, KEYS, kind="dot"), ValueError,
     "query"),
    ("params missing U", lambda: attention.forward({"W": PARAMS["W"], "v": PARAMS["v"]}, QUERY, KEYS),
     ValueError, "params"),
    ("params W of the wrong shape", lambda: attention.forward({**PARAMS, "W": np.zeros((4, 3))}, QUERY, KEYS),
     ValueError, "params['W']"),
    ("mask of the wrong shape", lambda: attention.forward(PARAMS, QUERY, KEYS, np.ones((2, 4), dtype=bool)),
     ValueError, "mask"),
]:
    add("attention.forward", label, call, expect, names)
CACHE = attention.forward(PARAMS, QUERY, KEYS, MASK)[1]
add_array_cases("attention.backward", "d_context", np.zeros((2, 3)),
                lambda v: attention.backward(PARAMS, CACHE, v), shape_bad=np.zeros((2, 2)))
add("attention.backward", "cache a tuple", lambda: attention.backward(PARAMS, (1, 2), np.zeros((2, 3))),
    TypeError, "cache")
add("attention.backward", "params of another network", lambda: attention.backward(
    {"W": np.zeros((4, 2))}, CACHE, np.zeros((2, 3))), ValueError, "params")

# functions without rows here: covered by their own tests, or not a learner's to call
COVERED_ELSEWHERE: dict[str, str] = {
    "optim.EpochResult": "a NamedTuple returned by train_epoch",
    "attention.AttentionCache": "a NamedTuple returned by forward",
    "srn.SRNCache": "a NamedTuple returned by forward",
    "lstm.LSTMCache": "a NamedTuple returned by forward",
    "gru.GRUCache": "a NamedTuple returned by forward",
    "tasks.TaskBatch": "a NamedTuple returned by first_symbol_batch",
    "recurrent.backward_start": "called by every backward; its rows are the backward rows",
    "recurrent.check_params": "srn/lstm/gru.check_params call it; their rows are its rows",
    "recurrent.last_state": "the caches' h_last, on a cache forward made",
    "recurrent.forward_start": "srn/gru.forward call it; their rows are its rows",
    "recurrent.input_projection": "internal arithmetic on arrays check_inputs/check_params already checked",
    "recurrent.input_weight_gradient": "internal arithmetic, as above",
    "recurrent.output_layer": "internal arithmetic, as above",
    "recurrent.output_gradients": "internal arithmetic, as above",
    "recurrent.cross_entropy": "internal arithmetic, as above",
    "recurrent.sum_rows_by_id": "internal arithmetic, tests/test_srn.py",
    "recurrent.softmax_rows_in_place": "internal arithmetic, tests/test_srn.py",
    "recurrent.sigmoid_in_place": "internal arithmetic on checked arrays",
    "recurrent.blame_crosses": "internal, on an int checked by check_truncate",
    "mlp.MLP.check_cost": "module-level check_cost is in the table",
}

(test_bad_input_gets_a_clear_error, test_every_public_function_is_in_the_table,
 test_a_wrong_kind_of_value_is_a_type_error) = layer_tests(TABLE, COVERED_ELSEWHERE, __file__)
