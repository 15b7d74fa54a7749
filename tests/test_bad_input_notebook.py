"""Bad input for the notebook layer (``helpers.notebook``): see tests/bad_input.py for what a row
asserts and how the table stays complete."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from bad_input import (
    IDS,
    VALID,
    K,
    M,
    Table,
    U,
    layer_tests,
    params64,
)

from helpers.notebook import exercises, feedback, plotting, setup, widgets
from helpers.numpy_nets import (
    lstm,
    srn,
)

TABLE = Table("notebook")
add, add_array_cases = TABLE.add, TABLE.add_array_cases


for label, ranking, expect, name in [
    ("None", None, TypeError, "ranking"),
    ("a string", "ab", TypeError, "ranking"),
    ("not pairs", [("a",)], ValueError, "pairs"),
    ("probability 2", [("a", 2.0)], ValueError, "probability"),
    ("probability a string", [("a", "0.5")], TypeError, "probability"),
    ("valid", [("a", 0.7), ("b", 0.3)], VALID, ""),
]:
    add("widgets.ranking_readout", label, lambda r=ranking: widgets.ranking_readout(r), expect, name)
add("widgets.label_ranker", "not callable", lambda: widgets.label_ranker(3), TypeError, "rank")
add("widgets.label_ranker", "valid", lambda: widgets.label_ranker(lambda t: [("a", 1.0)], "x"), VALID)


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
    TypeError,
    "v_range",
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

# ---------------------------------------------------------------- notebook setup
for label, kwargs, expect, names in [
    ("seed -1", {"seed": -1}, ValueError, "seed"),
    ("seed float", {"seed": 1.5}, ValueError, "seed"),
    ("seed None", {"seed": None}, TypeError, "seed"),
    ("threads 0", {"threads": 0}, ValueError, "threads"),
]:
    add("setup.setup_notebook", label, lambda kw=kwargs: setup.setup_notebook(**kw), expect, names)



for label, kwargs, expect, names in [
    ("activation relu", {"activation": "relu"}, ValueError, "activation"),
    ("n_steps 0", {"n_steps": 0}, ValueError, "n_steps"),
    ("rho NaN", {"rho": float("nan")}, ValueError, "rho"),
]:
    add("widgets.spectral_radius_explorer", label,
        lambda kw=kwargs: widgets.spectral_radius_explorer(**{"rho": 1.0, **kw}), expect, names)

# ---------------------------------------------------------------- a model answer on request
for label, args, expect, names in [
    ("exercise 0", (0, "01"), ValueError, "exercise"),
    ("exercise 99", (99, "01"), ValueError, "exercise"),
    ("exercise a string", ("2", "01"), TypeError, "exercise"),
    ("exercise 1.5", (1.5, "01"), ValueError, "exercise"),
    ("notebook an int", (1, 3), TypeError, "notebook"),
    ("notebook not a number", (1, "softmax"), ValueError, "notebook"),
    ("notebook 99", (1, "99"), ValueError, "notebook"),
    ("notebook empty", (1, ""), ValueError, "notebook"),
    ("valid", (1, "01"), VALID, ""),
]:
    for function in (exercises.solution, exercises.show_solution):
        add(f"exercises.{function.__name__}", label, lambda f=function, a=args: f(*a), expect, names)

# functions without rows here: covered by their own tests, or not a learner's to call
VOCABULARY = "tests/test_grading_repair.py and the grading tests (course cells, not a learner's input)"
COVERED_ELSEWHERE: dict[str, str] = {
    f"exercises.{name}": VOCABULARY
    for name in ("nbgrader", "is_answer", "is_test", "is_solution", "is_graded", "is_locked", "grade_id",
                 "points", "unanswered", "without_hidden_tests")
}

(test_bad_input_gets_a_clear_error, test_every_public_function_is_in_the_table,
 test_a_wrong_kind_of_value_is_a_type_error) = layer_tests(TABLE, COVERED_ELSEWHERE, __file__)
