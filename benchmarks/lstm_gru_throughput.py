"""Training throughput of the numpy LSTM and GRU against torch.nn.LSTM and torch.nn.GRU,
the companion of ``srn_throughput.py`` (same task, sizes and thread policy).

Tiny Shakespeare characters (one-hot input, 65 symbols), hidden size 128, a batch of 32
sequences of 64 characters, state carried from batch to batch. One training step =
forward pass + BPTT + a steepest-descent update. Timed in one run, the four
implementations taking turns (``srn_throughput.interleaved_rates``):

* ``numpy_lstm``, ``numpy_gru``: ``helpers.numpy_nets.lstm`` and ``helpers.numpy_nets.gru``, float32;
* ``torch_lstm``, ``torch_gru``: ``helpers.torch_nets.twins.TorchRecurrentNet`` (``nn.LSTM`` /
  ``nn.GRU`` + ``nn.Linear``), float32, on the CPU.

Prints the four rates and, as its last lines, ``ratio_numpy_lstm_over_torch`` and
``ratio_numpy_gru_over_torch``. Run: ``python benchmarks/lstm_gru_throughput.py``.
Threads: torch 2, numpy's BLAS 1 (see ``srn_throughput.py``).
"""

import argparse

import numpy as np
import torch
from flags import positive_int  # noqa: E402
from srn_throughput import BATCH, HIDDEN, LR, SEQ_LEN, batches, interleaved_rates  # also sets threads

from helpers import data
from helpers.data.text import Vocabulary, contiguous_streams, tokenize_chars
from helpers.numpy_nets import gru, lstm, optim
from helpers.torch_nets.twins import TorchRecurrentNet


def numpy_stepper(module, vocab_size: int):
    params = module.init_params(vocab_size, HIDDEN, vocab_size, np.random.default_rng(0), dtype=np.float32)
    state = {"s": None}

    def step(x, y):
        _, grads, state["s"] = module.loss_and_gradients(params, x, y, state["s"])
        optim.sgd_step(params, grads, LR)

    return step


def torch_stepper(kind: str, vocab_size: int):
    torch.manual_seed(0)
    model = TorchRecurrentNet(kind, n_inputs=vocab_size, n_hidden=HIDDEN, n_outputs=vocab_size)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    zeros = torch.zeros(BATCH, HIDDEN)
    state = {"s": (zeros, zeros.clone()) if kind == "lstm" else zeros}

    def step(x, y):
        logits, _, last = model(torch.from_numpy(x), state["s"])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocab_size),
                                                 torch.from_numpy(y).reshape(-1), reduction="sum")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        state["s"] = tuple(s.detach() for s in last) if kind == "lstm" else last.detach()

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=positive_int, default=5, help="timed steps per round")
    parser.add_argument("--rounds", type=positive_int, default=5, help="interleaved rounds")
    args = parser.parse_args()
    torch.set_num_threads(2)
    chars = tokenize_chars(data.load_text("tinyshakespeare"))
    vocab = Vocabulary(sorted(set(chars)))
    inputs, targets = contiguous_streams(vocab.encode(chars), BATCH)
    k = len(vocab)
    print(f"vocabulary {k}, hidden {HIDDEN}, batch {BATCH}, sequence {SEQ_LEN}")
    runners = {
        "numpy_lstm": (numpy_stepper(lstm, k), batches(inputs, targets), args.steps, 2),
        "torch_lstm": (torch_stepper("lstm", k), batches(inputs, targets), args.steps, 2),
        "numpy_gru": (numpy_stepper(gru, k), batches(inputs, targets), args.steps, 2),
        "torch_gru": (torch_stepper("gru", k), batches(inputs, targets), args.steps, 2),
    }
    rates = interleaved_rates(runners, args.rounds)
    print(f"median of {args.rounds} interleaved rounds")
    for name, rate in rates.items():
        print(f"{name}_chars_per_s: {rate:.0f}")
    print(f"ratio_numpy_lstm_over_torch: {rates['numpy_lstm'] / rates['torch_lstm']:.2f}")
    print(f"ratio_numpy_gru_over_torch: {rates['numpy_gru'] / rates['torch_gru']:.2f}")


if __name__ == "__main__":
    main()
