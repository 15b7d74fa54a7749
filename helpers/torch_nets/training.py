"""One training loop for every torch model of the course (``fit``): Adam, global-norm
clipping and a cosine schedule over a budget of steps, epochs, items or seconds, a
``tqdm.auto`` bar, evaluations spread over the budget or every so many seconds or items,
callbacks, keeping the weights of the best evaluation, and stopping early when the
evaluations stop improving. The models say only how an epoch is cut into batches
and what one batch costs."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from helpers.numpy_nets.optim import cosine_factor
from helpers.validation import require_callable, require_int_in, require_positive_float, require_positive_int

REFRESH_SECONDS = 0.5  # progress-bar updates: each is a message from the kernel to the browser
SCHEDULES = ("cosine", "constant")
KEEP_BEST = {"min": lambda new, old: new < old, "max": lambda new, old: new > old}


@dataclass
class TrainResult:
    """What ``fit`` measured: ``history`` rows ``(seconds, items, train_loss, val)`` at each
    evaluation (training seconds so far, items read, the mean training loss since the row
    before, the evaluation's value or ``nan``); ``best``, the row whose weights were kept
    (``None``: the last weights); the training ``seconds`` (evaluations and callbacks not
    counted), ``items`` read (characters, sequences or windows), ``steps`` and ``epochs`` begun;
    ``stopped_early``: whether ``patience`` ran out before the budget; ``eval_seconds``, the
    time the evaluations took."""

    history: list[tuple[float, int, float, float]] = field(default_factory=list)
    seconds: float = 0.0
    items: int = 0
    steps: int = 0
    epochs: int = 0
    best: int | None = None
    stopped_early: bool = False
    eval_seconds: float = 0.0
    items_per_second = property(lambda self: self.items / self.seconds if self.seconds else 0.0)
    train_loss = property(lambda self: [row[2] for row in self.history], doc="The training-loss column.")
    val = property(lambda self: [row[3] for row in self.history], doc="The evaluation column.")


@dataclass
class Budget:
    """When training stops: after ``steps``, ``epochs`` (of ``steps_per_epoch`` steps),
    ``items`` or ``seconds``, whichever comes first (``None``: no limit of that kind)."""

    steps: int | None = None
    epochs: int | None = None
    items: int | None = None
    seconds: float | None = None
    steps_per_epoch: int = 1

    def __post_init__(self):
        if all(limit is None for limit in (self.steps, self.epochs, self.items, self.seconds)):
            raise ValueError("give a budget: a number of steps, epochs, items (characters, sequences, "
                             "windows) or seconds, or several")
        for name in ("steps", "epochs", "items", "seconds", "steps_per_epoch"):
            check = require_positive_float if name == "seconds" else require_positive_int
            argument = name if name == "steps_per_epoch" else f"max_{name}"   # as fit's callers name it
            if getattr(self, name) is not None:
                setattr(self, name, check(getattr(self, name), argument))

    def done(self, result: TrainResult, seconds: float) -> float:
        """The fraction of the budget spent, ``>= 1`` when training must stop."""
        spent = {"steps": result.steps, "items": result.items, "seconds": seconds,
                 "epochs": result.steps / self.steps_per_epoch}
        return max(spent[name] / limit for name, limit in vars(self).items()
                   if name != "steps_per_epoch" and limit is not None)


def shuffled_batches(n_items: int, batch_size: int) -> Callable[[np.random.Generator], Iterable[np.ndarray]]:
    """An ``epoch_batches`` for ``fit``: each epoch, the indices ``0 .. n_items - 1`` in a new
    order drawn from the epoch's ``rng``, cut into index arrays of ``batch_size`` (the last
    may be shorter)."""
    n_items = require_positive_int(n_items, "n_items")
    batch_size = require_positive_int(batch_size, "batch_size")

    def epoch_batches(rng: np.random.Generator) -> Iterable[np.ndarray]:
        order = rng.permutation(n_items)
        return (order[start:start + batch_size] for start in range(0, n_items, batch_size))
    return epoch_batches


def _schedule(count: int | None, seconds: float | None, items: int | None = None) -> tuple | None:
    """An event schedule for ``_due``: ``count`` events spread over the budget, or one every
    ``seconds`` training seconds, or one every ``items`` items (``None``: no events)."""
    for kind, value in (("count", count), ("seconds", seconds), ("items", items)):
        if value is not None:
            return kind, value
    return None


def _due(schedule: tuple | None, done: int, fraction: float, seconds: float, items: int) -> bool:
    """Whether the ``done + 1``-th event of ``schedule`` (see ``_schedule``) is due."""
    if schedule is None:
        return False
    kind, value = schedule
    if kind == "count":
        return done < value and fraction >= (done + 1) / value
    return (seconds if kind == "seconds" else items) >= (done + 1) * value


def _check_options(lr, max_norm, schedule, keep_best, patience, evaluate, functions, counts,
                   every_values) -> None:
    require_positive_float(lr, "lr")
    if max_norm is not None:
        require_positive_float(max_norm, "max_norm")
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
    if keep_best is not None and (keep_best not in KEEP_BEST or evaluate is None):
        raise ValueError(f"keep_best must be 'min' or 'max' (and needs evaluate) or None, got {keep_best!r}")
    if patience is not None and keep_best is None:
        raise ValueError("patience needs keep_best: it counts evaluations since the best one")
    given = [name for name in ("evaluations", "eval_every", "eval_every_items")
             if {**counts, **every_values}[name] is not None]
    if patience is not None and not given:
        raise ValueError("patience counts evaluations during training: give an evaluation schedule too "
                         "(a number of evaluations, or one every so many seconds or items)")
    if len(given) > 1:
        raise ValueError(f"give only one of evaluations, eval_every and eval_every_items, "
                         f"not {' and '.join(given)}")
    if counts["callbacks"] is not None and every_values["callback_every"] is not None:
        raise ValueError("give callbacks or callback_every, not both")
    for checks, named in ((require_callable, functions), (require_positive_int, counts),
                          (require_positive_float, every_values)):
        for name, value in named.items():
            if value is not None:
                checks(value, name)


class _Run:
    """The state of one ``fit``: the result so far, the training clock (wall time less the
    time spent evaluating and in callbacks), the bar and the best weights."""

    def __init__(self, model, budget, evaluate, keep_best, patience, progress):
        self.model, self.budget, self.evaluate, self.keep_best = model, budget, evaluate, keep_best
        self.patience = patience
        self.result, self.start, self.paused_for = TrainResult(), time.perf_counter(), 0.0
        self.loss_sum = self.loss_items = self.last_refresh = 0.0
        self.best_state = None
        self.bar = tqdm(total=100, unit="%", disable=not progress, leave=False,
                        bar_format="{l_bar}{bar}| {postfix}")

    def seconds(self) -> float:
        return time.perf_counter() - self.start - self.paused_for

    def paused(self, action: Callable):
        before = time.perf_counter()
        value = action()
        self.paused_for += time.perf_counter() - before
        return value

    def fraction(self) -> float:
        return self.budget.done(self.result, self.seconds())

    def record(self) -> None:
        """A history row; the weights kept when its evaluation is the best so far."""
        train_loss = self.loss_sum / self.loss_items if self.loss_items else float("nan")
        self.loss_sum = self.loss_items = 0.0
        before = time.perf_counter()
        val = float(self.paused(lambda: self.evaluate(self.model))) if self.evaluate else float("nan")
        self.result.eval_seconds += time.perf_counter() - before
        self.result.history.append((self.seconds(), self.result.items, train_loss, val))
        best = None if self.result.best is None else self.result.history[self.result.best][3]
        if self.keep_best and not np.isnan(val) and (
                best is None or np.isnan(best) or KEEP_BEST[self.keep_best](val, best)):
            self.result.best = len(self.result.history) - 1
            self.best_state = copy.deepcopy(self.model.state_dict())
        if self.patience is not None and self.result.best is not None and (
                len(self.result.history) - 1 - self.result.best >= self.patience):
            self.result.stopped_early = True

    def over(self) -> bool:
        """Whether training must stop: the budget is spent, or patience ran out."""
        return self.result.stopped_early or self.fraction() >= 1.0

    def count(self, loss: float, items: int) -> None:
        self.result.steps += 1
        self.result.items += items
        self.loss_sum += loss * items
        self.loss_items += items
        seconds = self.seconds()
        if seconds - self.last_refresh >= REFRESH_SECONDS:   # a few updates a second, not one per step
            self.last_refresh = seconds
            self.bar.n = min(100, int(100 * self.fraction()))
            speed = self.result.items / max(seconds, 1e-9)
            self.bar.set_postfix_str(f"loss {loss:.3f}, {speed:,.0f} items/s")

    def finish(self) -> TrainResult:
        self.bar.close()
        self.result.seconds = self.seconds()
        if not self.result.history or self.result.history[-1][1] != self.result.items:
            self.record()
        if self.best_state is not None:
            self.model.load_state_dict(self.best_state)
        return self.result


def _step(model: nn.Module, optimizer, loss_and_items: tuple, max_norm: float | None) -> tuple[float, int]:
    """One optimiser step on a batch's ``(mean loss, items)``, the gradients clipped to
    global norm ``max_norm``; returns ``(loss, items)`` as numbers."""
    loss, items = loss_and_items
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if max_norm is not None:
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item(), items


def fit(model: nn.Module, epoch_batches: Callable[[np.random.Generator], Iterable],
        batch_loss: Callable, budget: Budget, *, lr: float = 3e-3, max_norm: float | None = 1.0,
        schedule: str = "cosine", evaluate: Callable | None = None, evaluations: int | None = None,
        eval_every: float | None = None, eval_every_items: int | None = None, keep_best: str | None = None,
        patience: int | None = None, callback: Callable | None = None, callbacks: int | None = None,
        callback_every: float | None = None, seed: int = 0, progress: bool = True) -> TrainResult:
    """Train ``model`` in place until ``budget`` is spent. Each epoch reads the batches of
    ``epoch_batches(rng)``; ``batch_loss(batch)`` returns the batch's mean loss (a scalar
    tensor) and how many items it holds. Each step: Adam at ``lr`` times the ``schedule``'s
    factor ("cosine" over the budget, or "constant"), gradients clipped to global norm
    ``max_norm`` (``None``: not clipped).

    ``evaluate(model)`` (a number) runs ``evaluations`` times spread evenly over the
    budget, or every ``eval_every`` training seconds, or every ``eval_every_items`` items,
    and at the end; with ``keep_best`` ("min" or "max") the weights of the best evaluation
    are restored at the end, and with ``patience`` training stops early once that many
    evaluations in a row have not beaten the best. ``callback(model, seconds)`` runs
    ``callbacks`` times, or every ``callback_every`` seconds. Neither counts against the
    budget. ``seed`` seeds torch and the ``rng``."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(budget, Budget):
        raise TypeError(f"budget must be a helpers.torch_nets.training.Budget, got {type(budget).__name__}")
    _check_options(lr, max_norm, schedule, keep_best, patience, evaluate,
                   {"epoch_batches": epoch_batches, "batch_loss": batch_loss, "evaluate": evaluate,
                    "callback": callback},
                   {"evaluations": evaluations, "callbacks": callbacks, "eval_every_items": eval_every_items,
                    "patience": patience},
                   {"eval_every": eval_every, "callback_every": callback_every})
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False, got {type(progress).__name__}")
    torch.manual_seed(require_int_in(seed, "seed", 0))
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    run = _Run(model, budget, evaluate, keep_best, patience, progress)
    evaluating = _schedule(evaluations, eval_every, eval_every_items)
    calling = _schedule(callbacks, callback_every)
    evaluated = called = 0
    model.train()
    while not run.over():
        run.result.epochs += 1
        steps_before = run.result.steps
        for batch in epoch_batches(rng):
            if run.over():
                break
            if schedule == "cosine":
                for group in optimizer.param_groups:
                    group["lr"] = lr * cosine_factor(run.fraction(), 1.0)
            run.count(*_step(model, optimizer, batch_loss(batch), max_norm))
            fraction, seconds = run.fraction(), run.seconds()
            if _due(evaluating, evaluated, fraction, seconds, run.result.items):
                run.record()
                evaluated += 1
            if callback is not None and _due(calling, called, fraction, seconds, run.result.items):
                run.paused(lambda s=seconds: callback(model, s))
                called += 1
        if run.result.steps == steps_before and not run.over():
            raise ValueError(f"epoch_batches gave no batch in epoch {run.result.epochs}: nothing to train on")
    return run.finish()
