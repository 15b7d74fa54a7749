"""helpers.torch_nets.training.fit: budgets, the schedule, evaluations, callbacks and
keeping the best weights, on a model small enough to train in a moment."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from helpers.numpy_nets.optim import cosine_factor
from helpers.torch_nets.training import Budget, fit

X = torch.linspace(-1, 1, 32).reshape(-1, 1)
Y = 3 * X - 1


def line_fit(**options):
    """A straight line fitted to ``Y`` in batches of 8: ``(model, result)``."""
    torch.manual_seed(0)
    model = nn.Linear(1, 1)

    def epoch_batches(rng):
        order = torch.from_numpy(rng.permutation(len(X)))
        return (order[start:start + 8] for start in range(0, len(X), 8))

    def batch_loss(index):
        return ((model(X[index]) - Y[index]) ** 2).mean(), len(index)

    def error(model):
        with torch.no_grad():
            return float(((model(X) - Y) ** 2).mean())

    budget = options.pop("budget", Budget(epochs=30, steps_per_epoch=4))
    options = {"lr": 0.1, "evaluate": error, "progress": False, **options}
    return model, fit(model, epoch_batches, batch_loss, budget, **options)


def test_the_cosine_schedule_runs_from_one_to_zero():
    assert cosine_factor(0, 1) == 1.0 and cosine_factor(1, 1) == 0.0
    assert math.isclose(cosine_factor(0.5, 1), 0.5) and math.isclose(cosine_factor(5, 10), 0.5)
    assert cosine_factor(2, 1) == 0.0 and cosine_factor(-1, 1) == 1.0


def test_an_epoch_budget_reads_every_batch_and_evaluates_when_asked():
    model, result = line_fit(evaluations=30)
    assert (result.steps, result.epochs, result.items) == (120, 30, 960)
    assert len(result.history) == 30 and [row[1] for row in result.history] == list(range(32, 961, 32))
    assert result.val[-1] < 0.01 < result.val[0], "the line should be learned"
    assert result.train_loss[-1] < result.train_loss[0] and result.best is None


def test_step_and_item_budgets_stop_at_the_first_limit_reached():
    _, by_steps = line_fit(budget=Budget(steps=10, epochs=30, steps_per_epoch=4))
    _, by_items = line_fit(budget=Budget(items=50))
    assert by_steps.steps == 10 and by_steps.epochs == 3
    assert by_items.items == 56 and by_items.steps == 7
    assert len(by_items.history) == 1, "without evaluations asked for: one row, at the end"


def test_keep_best_restores_the_weights_of_the_best_evaluation():
    scores = iter([3.0, 1.0, 2.0, 5.0])
    kept = {}

    def score(model):
        value = next(scores)
        kept[value] = model.weight.detach().clone()
        return value

    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    result = fit(model, lambda rng: [0], lambda _: (((model(X) - Y) ** 2).mean(), len(X)), Budget(steps=4),
                 evaluate=score, evaluations=4, keep_best="min", progress=False)
    assert result.best == 1 and result.val == [3.0, 1.0, 2.0, 5.0]
    assert torch.equal(model.weight, kept[1.0])


def test_evaluations_every_so_many_items_land_on_the_first_step_past_each_multiple():
    _, result = line_fit(eval_every_items=100)
    assert [row[1] for row in result.history] == [104, 200, 304, 400, 504, 600, 704, 800, 904, 960]
    assert result.eval_seconds > 0 and len(result.val) == 10


def test_patience_stops_once_the_evaluations_stop_improving_and_keeps_the_best():
    scores = iter([3.0, 1.0, 2.0, 1.5, 0.5, 4.0])
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    result = fit(model, lambda rng: [0], lambda _: (((model(X) - Y) ** 2).mean(), len(X)), Budget(steps=6),
                 evaluate=lambda m: next(scores), evaluations=6, keep_best="min", patience=2, progress=False)
    assert result.stopped_early and result.steps == 4 and result.val == [3.0, 1.0, 2.0, 1.5]
    assert result.best == 1
    _, patient = line_fit(eval_every_items=100, keep_best="min", patience=50)
    assert not patient.stopped_early and patient.items == 960


def test_a_nan_evaluation_is_never_the_best():
    scores = iter([float("nan"), 2.0, 1.0, float("nan")])
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    result = fit(model, lambda rng: [0], lambda _: (((model(X) - Y) ** 2).mean(), len(X)), Budget(steps=4),
                 evaluate=lambda m: next(scores), evaluations=4, keep_best="min", progress=False)
    assert result.best == 2


def test_an_epoch_without_batches_is_an_error_not_an_endless_loop():
    model = nn.Linear(1, 1)
    with pytest.raises(ValueError, match="epoch_batches gave no batch in epoch 1"):
        fit(model, lambda rng: [], lambda _: None, Budget(steps=3), progress=False)


def test_callbacks_run_spread_over_the_budget_and_the_seed_decides_the_run():
    seen = []
    _, first = line_fit(callback=lambda model, seconds: seen.append(seconds), callbacks=3)
    _, again = line_fit()
    assert len(seen) == 3 and seen == sorted(seen)
    assert first.val[-1] == again.val[-1]


@pytest.mark.parametrize("options, error, message", [
    ({"budget": Budget(steps=1), "schedule": "linear"}, ValueError, "schedule must be one of"),
    ({"budget": Budget(steps=1), "keep_best": "lowest"}, ValueError, "keep_best must be"),
    ({"budget": Budget(steps=1), "lr": 0}, ValueError, "lr must be a positive"),
    ({"budget": Budget(steps=1), "evaluations": 0}, ValueError, "evaluations"),
    ({"budget": Budget(steps=1), "callback": "print"}, TypeError, "callback must be a function"),
    ({"budget": {"steps": 1}}, TypeError, "budget must be a helpers.torch_nets.training.Budget"),
    ({"budget": Budget(steps=1), "evaluations": 2, "eval_every": 1.0}, ValueError,
     "not evaluations and eval_every"),
    ({"budget": Budget(steps=1), "eval_every": 1.0, "eval_every_items": 8}, ValueError,
     "not eval_every and eval_every_items"),
    ({"budget": Budget(steps=1), "eval_every_items": 0}, ValueError, "eval_every_items must be"),
    ({"budget": Budget(steps=1), "patience": 2}, ValueError, "patience needs keep_best"),
    ({"budget": Budget(steps=1), "keep_best": "min", "patience": 0, "evaluations": 1}, ValueError,
     "patience must be"),
    ({"budget": Budget(steps=1), "keep_best": "min", "patience": 2}, ValueError, "evaluation schedule"),
])
def test_bad_options_get_clear_errors(options, error, message):
    with pytest.raises(error, match=message):
        line_fit(**options)


def test_a_budget_needs_a_limit_and_checks_each():
    with pytest.raises(ValueError, match="give a budget"):
        Budget()
    with pytest.raises(ValueError, match="max_epochs"):
        Budget(epochs=0)
    with pytest.raises(ValueError, match="steps_per_epoch must"):
        Budget(epochs=1, steps_per_epoch=0)
    with pytest.raises(ValueError, match="max_seconds"):
        Budget(seconds=float("nan"))
    assert np.isclose(Budget(seconds=2.0).done(line_fit(budget=Budget(steps=1))[1], 1.0), 0.5)


def test_shuffled_batches_cover_every_item_once_per_epoch():
    from helpers.torch_nets.training import shuffled_batches

    epoch_batches = shuffled_batches(10, 4)
    first = list(epoch_batches(np.random.default_rng(0)))
    assert [len(b) for b in first] == [4, 4, 2]
    assert sorted(np.concatenate(first).tolist()) == list(range(10))
    second = np.concatenate(list(epoch_batches(np.random.default_rng(1))))
    assert second.tolist() != np.concatenate(first).tolist()
