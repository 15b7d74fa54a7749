"""Training throughput of three Elman networks of one size on Tiny Shakespeare characters.

One training step = forward pass + BPTT + a steepest-descent update on a batch of 32
sequences of 64 characters (2,048 characters), hidden size 128, softmax over the 65
characters, state carried from batch to batch. Timed in one run, on 2 threads:

* ``numpy``: the course's batched numpy SRN (``helpers.numpy_nets.srn``, float32);
* ``torch``: ``torch.nn.RNN`` + ``torch.nn.Linear`` of the same size on the CPU (float32);
* ``loop``: an unbatched, one-sequence-at-a-time, one-step-at-a-time numpy loop with
  column vectors (float64), in the style of the classic minimal character RNN.

Prints, as its last lines, ``numpy_chars_per_s``, ``torch_chars_per_s``,
``loop_chars_per_s``, ``ratio_numpy_over_torch`` and ``ratio_numpy_over_loop``.
Run: ``python benchmarks/srn_throughput.py``. Threads: torch uses 2, numpy's BLAS 1 (see
below); ``OPENBLAS_NUM_THREADS=2`` gives numpy both.
"""

import os

# A 2-thread budget; numpy's BLAS gets one thread. With two, OpenBLAS's worker threads keep
# spinning after each call and take the cores from torch's next step in the interleaved
# rounds (measured: torch on 2 threads fell from about 120k to 82k chars/s while numpy gained
# little), which would flatter numpy. One BLAS thread is the conservative comparison.
for _var, _default in (("OMP_NUM_THREADS", "2"), ("MKL_NUM_THREADS", "2"),
                       ("OPENBLAS_NUM_THREADS", "1")):
    os.environ.setdefault(_var, _default)

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from flags import positive_int  # noqa: E402

from helpers import data  # noqa: E402
from helpers.data.text import Vocabulary, contiguous_streams, tokenize_chars  # noqa: E402
from helpers.numpy_nets import optim, srn  # noqa: E402
from helpers.torch_nets.twins import TorchRecurrentNet  # noqa: E402

HIDDEN, BATCH, SEQ_LEN, LR = 128, 32, 64, 1e-3


def batches(inputs, targets):
    """Endless ``(x, y)`` blocks of ``SEQ_LEN`` columns of the ``(BATCH, S)`` streams."""
    while True:
        for start in range(0, inputs.shape[1] - SEQ_LEN + 1, SEQ_LEN):
            yield inputs[:, start:start + SEQ_LEN], targets[:, start:start + SEQ_LEN]


def time_steps(step, source, n_steps: int) -> float:
    """Characters per second of ``step(x, y)`` over the next ``n_steps`` batches of ``source``."""
    start = time.perf_counter()
    for _ in range(n_steps):
        step(*next(source))
    return n_steps * BATCH * SEQ_LEN / (time.perf_counter() - start)


def interleaved_rates(runners: dict, rounds: int) -> dict[str, float]:
    """Median chars/s of each ``name -> (step, source, n_steps, threads)`` over ``rounds``
    rounds, the implementations taking turns within a round so that a busy spell on a
    shared machine hits all of them alike. One untimed warm-up step each first."""
    rates = {name: [] for name in runners}
    for step, source, _, threads in runners.values():
        torch.set_num_threads(threads)
        step(*next(source))
    for _ in range(rounds):
        for name, (step, source, n_steps, threads) in runners.items():
            torch.set_num_threads(threads)
            rates[name].append(time_steps(step, source, n_steps))
    torch.set_num_threads(2)
    return {name: float(np.median(r)) for name, r in rates.items()}


def numpy_stepper(vocab_size: int):
    params = srn.init_params(vocab_size, HIDDEN, vocab_size, np.random.default_rng(0),
                             dtype=np.float32)
    state = {"h": None}

    def step(x, y):
        _, grads, state["h"] = srn.loss_and_gradients(params, x, y, state["h"])
        optim.sgd_step(params, grads, LR)

    return step


def torch_stepper(vocab_size: int):
    torch.manual_seed(0)
    model = TorchRecurrentNet("srn", n_inputs=vocab_size, n_hidden=HIDDEN, n_outputs=vocab_size)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    state = {"h": torch.zeros(BATCH, HIDDEN)}

    def step(x, y):
        logits, hidden, _ = model(torch.from_numpy(x), state["h"])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocab_size),
                                                 torch.from_numpy(y).reshape(-1), reduction="sum")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        state["h"] = hidden[:, -1].detach()

    return step


def loop_stepper(vocab_size: int):
    """One sequence at a time, one time step at a time, column vectors, float64."""
    r = np.random.default_rng(0)
    w_in = r.normal(0, 0.01, (HIDDEN, vocab_size))
    w_rec = r.normal(0, 0.01, (HIDDEN, HIDDEN))
    w_out = r.normal(0, 0.01, (vocab_size, HIDDEN))
    b_h, b_o = np.zeros((HIDDEN, 1)), np.zeros((vocab_size, 1))
    carried = [np.zeros((HIDDEN, 1)) for _ in range(BATCH)]

    def one_sequence(xs, ys, h_start):
        hs, ps, onehots = {-1: h_start}, {}, {}
        for t, token in enumerate(xs):
            onehots[t] = np.zeros((vocab_size, 1))
            onehots[t][token] = 1.0
            hs[t] = np.tanh(w_in @ onehots[t] + w_rec @ hs[t - 1] + b_h)
            logits = w_out @ hs[t] + b_o
            e = np.exp(logits - logits.max())
            ps[t] = e / e.sum()
        d_in, d_rec, d_out = np.zeros_like(w_in), np.zeros_like(w_rec), np.zeros_like(w_out)
        d_bh, d_bo = np.zeros_like(b_h), np.zeros_like(b_o)
        dh_next = np.zeros((HIDDEN, 1))
        for t in reversed(range(len(xs))):
            dy = ps[t].copy()
            dy[ys[t]] -= 1.0
            d_out += dy @ hs[t].T
            d_bo += dy
            dh = w_out.T @ dy + dh_next
            da = (1.0 - hs[t] * hs[t]) * dh
            d_bh += da
            d_in += da @ onehots[t].T
            d_rec += da @ hs[t - 1].T
            dh_next = w_rec.T @ da
        return (d_in, d_rec, d_out, d_bh, d_bo), hs[len(xs) - 1]

    def step(x, y):
        for row in range(BATCH):
            grads, carried[row] = one_sequence(x[row], y[row], carried[row])
            for param, grad in zip((w_in, w_rec, w_out, b_h, b_o), grads, strict=True):
                param -= LR * grad

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=positive_int, default=10, help="timed steps per round (numpy, torch)")
    parser.add_argument("--loop-steps", type=positive_int, default=1, help="timed steps per round (loop)")
    parser.add_argument("--rounds", type=positive_int, default=5, help="interleaved rounds")
    args = parser.parse_args()
    torch.set_num_threads(2)
    text = data.load_text("tinyshakespeare")
    chars = tokenize_chars(text)
    vocab = Vocabulary(sorted(set(chars)))
    inputs, targets = contiguous_streams(vocab.encode(chars), BATCH)
    k = len(vocab)
    print(f"{len(chars)} characters, vocabulary {k}, hidden {HIDDEN}, batch {BATCH}, "
          f"sequence {SEQ_LEN}, numpy BLAS threads {os.environ['OPENBLAS_NUM_THREADS']}, "
          f"torch threads {torch.get_num_threads()}")
    runners = {
        "numpy": (numpy_stepper(k), batches(inputs, targets), args.steps, 2),
        "torch": (torch_stepper(k), batches(inputs, targets), args.steps, 2),
        "loop": (loop_stepper(k), batches(inputs, targets), args.loop_steps, 2),
    }
    rates = interleaved_rates(runners, args.rounds)
    rates.update(interleaved_rates(
        {"torch_1_thread": (torch_stepper(k), batches(inputs, targets), args.steps, 1)}, 3))
    numpy_rate, torch_rate, loop_rate = rates["numpy"], rates["torch"], rates["loop"]
    print(f"median of {args.rounds} interleaved rounds; for reference, torch on 1 thread: "
          f"{rates['torch_1_thread']:.0f} chars/s")
    print(f"numpy_chars_per_s: {numpy_rate:.0f}")
    print(f"torch_chars_per_s: {torch_rate:.0f}")
    print(f"loop_chars_per_s: {loop_rate:.0f}")
    print(f"ratio_numpy_over_torch: {numpy_rate / torch_rate:.2f}")
    print(f"ratio_numpy_over_loop: {numpy_rate / loop_rate:.1f}")


if __name__ == "__main__":
    main()
