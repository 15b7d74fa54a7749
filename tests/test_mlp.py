"""helpers.numpy_nets.mlp: the lecture's network (bias subtracted), its gradients, training and bad input."""

import numpy as np
import pytest

from helpers.data.encoding import one_hot
from helpers.numpy_nets.activations import sigmoid, softmax
from helpers.numpy_nets.metrics import rmse
from helpers.numpy_nets.mlp import MLP, error_rate, gradient_check, train
from tests.mlp_problems import ARCHITECTURES, break_gradient, random_problem


def test_forward_follows_the_lecture_formula_with_subtracted_bias():
    w1, b1 = np.array([[0.5, -1.0], [2.0, 0.3]]), np.array([0.1, -0.2])
    w2, b2 = np.array([[1.5], [-0.7]]), np.array([0.4])
    net = MLP.from_weights([w1, w2], [b1, b2], ["sigmoid", "linear"])
    x = np.array([[1.0, -2.0]])
    hidden = sigmoid(x @ w1 - b1)
    np.testing.assert_allclose(net.predict(x), hidden @ w2 - b2, rtol=1e-15)
    ys, vs = net.forward(x)
    assert [y.shape for y in ys] == [(1, 2), (1, 2), (1, 1)]
    np.testing.assert_allclose(vs[0], [[0.5 - 4.0 - 0.1, -1.0 - 0.6 + 0.2]])


def test_hand_computed_single_unit():
    net = MLP.from_weights([[[2.0]]], [[1.0]], ["tanh"])
    assert net.predict([[0.5]])[0, 0] == pytest.approx(np.tanh(0.0))
    J, grads = net.gradients([[1.5]], [[0.0]])
    y = np.tanh(2.0 * 1.5 - 1.0)
    assert J == pytest.approx(0.5 * y**2)
    assert grads["w1"][0, 0] == pytest.approx(y * (1 + y) * (1 - y) * 1.5)
    assert grads["b1"][0] == pytest.approx(-y * (1 + y) * (1 - y))


@pytest.mark.parametrize("sizes, activations, cost", ARCHITECTURES)
@pytest.mark.parametrize("seed", range(5))
def test_gradients_match_centred_differences(sizes, activations, cost, seed):
    net, X, T = random_problem(sizes, activations, seed)
    errors = gradient_check(net, X, T, cost)
    assert set(errors) == set(net.parameters())
    assert max(errors.values()) <= 1e-7, errors


def test_gradient_check_catches_a_wrong_gradient():
    net, X, T = random_problem((3, 4, 2), ("tanh", "linear"), seed=0)
    break_gradient(net, "w1")
    assert gradient_check(net, X, T)["w1"] > 0.5


def test_cross_entropy_shortcut_equals_the_chain_rule_through_softmax():
    net, X, T = random_problem((4, 5, 3), ("tanh", "softmax"), seed=3)
    _, shortcut = net.gradients(X, T, "cross_entropy")
    ys, _ = net.forward(X)
    full = net.backward(ys, -T / ys[-1] / X.shape[0])
    for name in shortcut:
        np.testing.assert_allclose(shortcut[name], full[name], rtol=1e-10, atol=1e-14)


def test_cost_values():
    net, X, T = random_problem((3, 4, 2), ("tanh", "softmax"), seed=1)
    Y = net.predict(X)
    assert net.cost(X, T) == pytest.approx(0.5 * np.sum((Y - T) ** 2) / len(X))
    assert net.cost(X, T, "cross_entropy") == pytest.approx(-np.sum(T * np.log(Y)) / len(X))


def test_step_is_steepest_descent():
    net, X, T = random_problem((2, 3, 1), ("sigmoid", "linear"), seed=2)
    before = {k: v.copy() for k, v in net.parameters().items()}
    J, grads = net.gradients(X, T)
    net.step(grads, 0.1)
    for name, value in net.parameters().items():
        np.testing.assert_allclose(value, before[name] - 0.1 * grads[name])
    assert net.cost(X, T) < J


def test_training_fits_xor_with_mini_batches():
    rng = np.random.default_rng(0)
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    T = np.array([[0], [1], [1], [0]], dtype=float)
    net = MLP((2, 4, 1), ("tanh", "sigmoid"), rng)
    history = train(net, X, T, "mse", learning_rate=2.0, epochs=1500, batch_size=2, rng=rng,
                    monitor=lambda n: rmse(n.predict(X), T))
    assert len(history["cost"]) == len(history["monitor"]) == 1500
    assert history["cost"][-1] < 0.01 < history["cost"][0]
    assert np.all((net.predict(X) > 0.5) == (T > 0.5))


def test_training_is_reproducible_for_a_seed():
    def run():
        rng = np.random.default_rng(5)
        net = MLP((3, 4, 2), ("tanh", "softmax"), rng)
        X = rng.normal(size=(20, 3))
        T = one_hot(rng.integers(0, 2, 20), 2)
        return train(net, X, T, "cross_entropy", 0.5, 5, 6, rng)["cost"]
    assert run() == run()


def test_one_hot_error_rate_and_rmse():
    np.testing.assert_array_equal(one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    assert error_rate([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], [1, 1, 1]) == pytest.approx(1 / 3)
    assert rmse([1.0, 2.0], [1.0, 4.0]) == pytest.approx(np.sqrt(2))


def test_softmax_output_rows_are_distributions():
    net, X, _ = random_problem((4, 5, 6), ("sigmoid", "softmax"), seed=4)
    np.testing.assert_allclose(net.predict(X).sum(axis=1), 1.0)
    np.testing.assert_allclose(net.predict(X), softmax(net.forward(X)[1][-1]))


# --- bad input ---------------------------------------------------------------------------

def test_mismatched_layer_sizes():
    with pytest.raises(ValueError, match=r"weights\[0\] has shape \(2, 3\).*weights\[1\] has shape "
                                         r"\(4, 1\) \(expects 4 inputs\)"):
        MLP.from_weights([np.zeros((2, 3)), np.zeros((4, 1))], [np.zeros(3), np.zeros(1)],
                         ["tanh", "linear"])
    with pytest.raises(ValueError, match=r"biases\[0\] must have shape \(3,\).*got \(2,\)"):
        MLP.from_weights([np.zeros((2, 3))], [np.zeros(2)], ["tanh"])
    with pytest.raises(ValueError, match="one weight matrix, bias and activation per layer"):
        MLP((2, 3, 1), ("tanh",), np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"sizes\[1\] must be a positive integer, got 0"):
        MLP((2, 0, 1), ("tanh", "linear"), np.random.default_rng(0))
    with pytest.raises(ValueError, match="at least an input and an output"):
        MLP((2,), (), np.random.default_rng(0))


def test_bad_activations_and_costs():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="unknown activation 'relu'"):
        MLP((2, 3, 1), ("relu", "linear"), rng)
    with pytest.raises(ValueError, match="softmax is only allowed on the output layer 2"):
        MLP((2, 3, 1), ("softmax", "linear"), rng)
    net = MLP((2, 3, 2), ("tanh", "sigmoid"), rng)
    with pytest.raises(ValueError, match="cross_entropy cost needs a 'softmax' output"):
        net.cost(np.zeros((1, 2)), np.zeros((1, 2)), "cross_entropy")
    with pytest.raises(ValueError, match=r"cost must be one of \('mse', 'cross_entropy'\)"):
        net.cost(np.zeros((1, 2)), np.zeros((1, 2)), "hinge")
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        MLP((2, 3, 1), ("tanh", "linear"), rng=0)


def test_wrong_input_and_target_shapes():
    net = MLP((3, 4, 2), ("tanh", "linear"), np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"X must have shape \(\*, 3\), got shape \(5, 4\)"):
        net.predict(np.zeros((5, 4)))
    with pytest.raises(ValueError, match=r"X must have shape \(\*, 3\), got shape \(3,\)"):
        net.predict(np.zeros(3))
    with pytest.raises(ValueError, match=r"T must have shape \(5, 2\), got shape \(5, 3\)"):
        net.gradients(np.zeros((5, 3)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"T must have shape \(5, 2\), got shape \(4, 2\)"):
        train(net, np.zeros((5, 3)), np.zeros((4, 2)), "mse", 0.1, 1, 2, np.random.default_rng(0))
    ys, _ = net.forward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"output_blame must have shape \(5, 2\)"):
        net.backward(ys, np.zeros((5, 1)))
    with pytest.raises(ValueError, match=r"labels must have shape \(2,\)"):
        error_rate(np.zeros((2, 3)), [0, 1, 2])
    with pytest.raises(ValueError, match=r"ids must hold values in \[0, 3\), found 3"):
        one_hot([0, 3], 3)


def test_non_finite_values():
    net = MLP((2, 3, 1), ("tanh", "linear"), np.random.default_rng(0))
    with pytest.raises(ValueError, match="X must be finite, but 1 of its 4 entries"):
        net.predict([[1.0, np.nan], [0.0, 0.0]])
    with pytest.raises(ValueError, match="T must be finite"):
        net.cost(np.zeros((2, 2)), [[np.inf], [0.0]])
    with pytest.raises(ValueError, match="weights"):
        MLP.from_weights([[[np.nan]]], [[0.0]], ["linear"])
    with pytest.raises(TypeError, match="X must hold real numbers"):
        net.predict([["a", "b"]])


def test_bad_training_settings():
    net = MLP((2, 3, 1), ("tanh", "linear"), np.random.default_rng(0))
    X, T, rng = np.zeros((4, 2)), np.zeros((4, 1)), np.random.default_rng(0)
    with pytest.raises(ValueError, match="learning_rate must be a positive finite number"):
        train(net, X, T, "mse", -0.1, 1, 2, rng)
    with pytest.raises(ValueError, match="learning_rate must be a positive finite number, got nan"):
        train(net, X, T, "mse", float("nan"), 1, 2, rng)
    with pytest.raises(TypeError, match="learning_rate must be a positive number, got a str"):
        train(net, X, T, "mse", "0.1", 1, 2, rng)
    with pytest.raises(ValueError, match="epochs must be a positive integer, got 0"):
        train(net, X, T, "mse", 0.1, 0, 2, rng)
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 2.5"):
        train(net, X, T, "mse", 0.1, 1, 2.5, rng)
    _, grads = net.gradients(X, T)
    with pytest.raises(ValueError, match=r"grads must have the keys .*; missing \['b2'\]"):
        net.step({k: v for k, v in grads.items() if k != "b2"}, 0.1)
    with pytest.raises(ValueError, match=r"grads\['w1'\] must have shape \(2, 3\)"):
        net.step({**grads, "w1": np.zeros((3, 2))}, 0.1)


def test_check_cost_names_the_choices():
    from helpers.numpy_nets.mlp import check_cost

    check_cost("mse", "sigmoid")
    check_cost("cross_entropy", "softmax")
    with pytest.raises(ValueError, match="cost must be one of"):
        check_cost("hinge", "linear")
    with pytest.raises(ValueError, match="needs a 'softmax' output layer, got 'sigmoid'"):
        check_cost("cross_entropy", "sigmoid")


def test_backprop_is_public_and_checks_the_delta_shape():
    net = MLP((3, 4, 2), ("tanh", "linear"), np.random.default_rng(0))
    X, T = np.random.default_rng(1).normal(size=(5, 3)), np.random.default_rng(2).normal(size=(5, 2))
    ys, _ = net.forward(X)
    grads = net.backprop(ys, (ys[-1] - T) / 5)
    _, expected = net.gradients(X, T, "mse")
    for name in expected:
        np.testing.assert_allclose(grads[name], expected[name], atol=1e-14)
    with pytest.raises(ValueError, match=r"delta must have shape \(5, 2\), got shape \(5, 3\)"):
        net.backprop(ys, np.zeros((5, 3)))
