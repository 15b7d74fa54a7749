"""helpers.notebook.plotting: the network diagram and the probability bar chart draw what they say."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers.notebook.plotting import draw_network, probability_bars


def test_draw_network_draws_every_unit_and_weight():
    fig, ax = plt.subplots()
    draw_network(ax, (1, 4, 4, 1), ["x", "h1", "h2", "y"])
    assert len(ax.lines) == 4 + 16 + 4
    assert sum(len(c.get_offsets()) for c in ax.collections) == 10
    assert [t.get_text() for t in ax.texts] == ["x", "h1", "h2", "y"]
    plt.close(fig)


def test_probability_bars_marks_argmax_and_target():
    fig, ax = plt.subplots()
    probability_bars(ax, [0.1, 0.7, 0.2], labels=["a", "b", "c"], target=2)
    bars = ax.patches
    assert [round(b.get_height(), 6) for b in bars] == [0.1, 0.7, 0.2]
    colours = [b.get_facecolor() for b in bars]
    assert colours[1] != colours[0] == colours[2]
    assert bars[2].get_linewidth() == 2.0 and bars[0].get_linewidth() != 2.0
    assert ax.get_ylim() == (0.0, 1.0)
    plt.close(fig)


def test_bad_input():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="one name per layer: 3 layers, 2 names"):
        draw_network(ax, (1, 2, 1), ["a", "b"])
    with pytest.raises(ValueError, match=r"sizes\[1\] must be a positive integer"):
        draw_network(ax, (1, 0, 1))
    with pytest.raises(ValueError, match="one label per probability: 3 probabilities, 2 labels"):
        probability_bars(ax, [0.2, 0.3, 0.5], labels=["a", "b"])
    with pytest.raises(ValueError, match=r"probabilities must have shape \(\*,\)"):
        probability_bars(ax, np.ones((2, 2)) / 4)
    with pytest.raises(ValueError, match="probabilities must be finite"):
        probability_bars(ax, [np.nan, 1.0])
    plt.close(fig)


def test_probability_bars_rejects_a_target_outside_the_classes():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"target \(a class index\) must be an integer in \[0, 3\), got 3"):
        probability_bars(ax, [0.2, 0.3, 0.5], target=3)
    plt.close(fig)


def test_course_style_is_applied():
    import matplotlib as mpl

    from helpers.notebook.plotting import COURSE_STYLE, use_course_style

    mpl.rcdefaults()
    use_course_style()
    assert mpl.rcParams["figure.dpi"] == COURSE_STYLE["figure.dpi"]
    assert mpl.rcParams["axes.spines.top"] is False


def _circles(ax):
    return [p for p in ax.patches if isinstance(p, plt.Circle)]


def _arrow_colours(ax):
    from matplotlib.patches import FancyArrowPatch
    return [p.get_edgecolor() for p in ax.patches if isinstance(p, FancyArrowPatch)]


def test_draw_unrolled_draws_the_shared_weights_once_per_step():
    from helpers.notebook.plotting import draw_unrolled

    fig, ax = plt.subplots()
    draw_unrolled(ax, 4, range(4), [3], "hidden", "many-to-one")
    assert len(_circles(ax)) == 4 + 4 + 1
    labels = [t.get_text() for t in ax.texts]
    assert labels.count("U") == 4 and labels.count("W") == 3 and labels.count("V") == 1
    assert ax.get_title() == "many-to-one"
    fig2, ax2 = plt.subplots()
    draw_unrolled(ax2, 4, range(4), [1], "output")  # o -> h needs an output at t-1
    assert [t.get_text() for t in ax2.texts].count("W") == 1
    with pytest.raises(ValueError, match="recurrence must be"):
        draw_unrolled(ax2, 3, [0], [0], "both")
    with pytest.raises(ValueError, match=r"outputs must be time steps in \[0, 3\)"):
        draw_unrolled(ax2, 3, [0], [3])
    plt.close("all")


def test_draw_folded_and_unfolded():
    from helpers.notebook.plotting import draw_folded_and_unfolded

    fig, (left, right) = plt.subplots(1, 2)
    draw_folded_and_unfolded(left, right, n_steps=5)
    assert len(_circles(left)) == 3 and len(_circles(right)) == 10
    assert [t.get_text() for t in right.texts].count("f") == 4
    fig, (left, right) = plt.subplots(1, 2)
    draw_folded_and_unfolded(left, right, n_steps=3, driven=False)
    assert len(_circles(right)) == 3
    with pytest.raises(ValueError, match="n_steps must be a positive integer"):
        draw_folded_and_unfolded(left, right, n_steps=0)
    plt.close("all")


def test_draw_depth_counts_the_layers_on_each_path():
    from helpers.notebook.plotting import draw_depth

    fig, ax = plt.subplots()
    draw_depth(ax, layers_above=2, layers_between_states=3)
    # 2 steps x (x, h, o, 2 layers above) + 2 layers between the states
    assert len(_circles(ax)) == 2 * 5 + 2
    assert ax.get_title() == "feed-forward depth 4, recurrent depth 3"
    assert len(_arrow_colours(ax)) == 2 * 4 + 3
    with pytest.raises(ValueError, match="layers_above must be a non-negative integer"):
        draw_depth(ax, layers_above=-1)
    with pytest.raises(ValueError, match="layers_between_states must be a positive integer"):
        draw_depth(ax, layers_between_states=0)
    plt.close("all")


@pytest.mark.parametrize(("kind", "n_nodes", "n_arrows", "gates"),
                         [("lstm", 13, 15, ["f\nσ", "i\nσ", "o\nσ"]), ("gru", 10, 12, ["r\nσ", "z\nσ"])])
def test_draw_gated_cell_draws_every_gate_and_path(kind, n_nodes, n_arrows, gates):
    from helpers.notebook.plotting import draw_gated_cell

    fig, ax = plt.subplots()
    draw_gated_cell(ax, kind)
    assert len(_circles(ax)) == n_nodes
    assert len(_arrow_colours(ax)) == n_arrows
    texts = [t.get_text() for t in ax.texts]
    assert all(gate in texts for gate in gates)
    assert kind.upper() in ax.get_title()
    with pytest.raises(ValueError, match=r"kind must be one of \['gru', 'lstm'\], got 'rnn'"):
        draw_gated_cell(ax, "rnn")
    plt.close(fig)
