"""Notebook 07's character model at its best configuration, trained on Tiny Shakespeare
for a wall-clock budget, evaluated on the whole validation split (the last 10%) every
``--eval-every-chars`` characters of training and at the end (evaluation time is not
counted), keeping the weights of the best evaluation (and stopping early after
``--patience`` evaluations without a new best, when given).

    .venv/bin/python benchmarks/char_lm.py                 # 2 CPU threads, 300 s
    .venv/bin/python benchmarks/char_lm.py --device cuda   # on a GPU

Prints ``name: value`` lines: ``val_nats_per_char_at_60s``, ``..._at_180s`` (the first
evaluation at or after that second), ``..._at_300s`` (the last evaluation, at the end of
the budget), ``best_val_nats_per_char`` and ``best_at_s`` (the kept weights and when they
were reached), ``eval_fraction`` (evaluation time over training time), ``chars_per_s``
and ``device``. The schedule (cosine) runs over the whole ``--seconds``, so the figures
at 60 s and 180 s are points on the way, not the result of a 60 s run.
"""

from __future__ import annotations

import argparse
import os

import torch
from flags import fraction_below_one, positive_float, positive_int  # noqa: E402

from helpers import data
from helpers.torch_nets import char_lm
from helpers.torch_nets.cells import CELLS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=positive_float, default=300.0)
    parser.add_argument("--kind", default="lstm", choices=sorted(CELLS))
    parser.add_argument("--hidden", type=positive_int, default=512)
    parser.add_argument("--layers", type=positive_int, default=1)
    parser.add_argument("--dropout", type=fraction_below_one, default=0.2)
    parser.add_argument("--embedding", type=positive_int, default=64)
    parser.add_argument("--streams", type=positive_int, default=64)
    parser.add_argument("--window", type=positive_int, default=32)   # 16/32/64: 1.445/1.438/1.473 (README)
    parser.add_argument("--lr", type=positive_float, default=5e-3)
    parser.add_argument("--threads", type=positive_int, default=2)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--eval-every-chars", type=positive_int, default=500_000)
    parser.add_argument("--patience", type=positive_int, default=None, help="evaluations without a new best")
    args = parser.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda, but PyTorch sees no GPU")
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    text = data.load_text("tinyshakespeare")
    train_text, val_text = char_lm.split_text(text)
    vocab = char_lm.char_vocabulary(text)
    model = char_lm.CharLM(len(vocab), kind=args.kind, hidden=args.hidden, layers=args.layers,
                           dropout=args.dropout, embedding=args.embedding).to(args.device)
    result = char_lm.train(model, vocab.encode(list(train_text)), val_ids=vocab.encode(list(val_text)),
                           n_streams=args.streams, seq_len=args.window, lr=args.lr, max_seconds=args.seconds,
                           eval_every_chars=args.eval_every_chars, keep_best=True, patience=args.patience,
                           progress=False)
    print(f"config: {args.kind} {args.layers}x{args.hidden}, embedding {args.embedding}, "
          f"dropout {args.dropout}, {args.streams} streams x {args.window}, lr {args.lr}, "
          f"{args.threads} threads, {args.device}")
    print(f"parameters: {char_lm.count_parameters(model)}")
    for seconds, chars, train_nats, val_nats in result.history:
        print(f"at {seconds:.0f} s: {chars} chars, train {train_nats:.3f}, val {val_nats:.3f} nats/char")
    for mark in (60, 180):
        reached = [row[3] for row in result.history if row[0] >= mark - 1.0]
        value = f"{reached[0]:.4f}" if reached else "not reached"
        print(f"val_nats_per_char_at_{mark}s: {value}")
    end = result.history[-1]
    print(f"val_nats_per_char_at_{args.seconds:.0f}s: "
          f"{end[3]:.4f}{' (stopped early)' if result.stopped_early else ''}")
    best = result.history[result.best]
    print(f"best_val_nats_per_char: {best[3]:.4f}")
    print(f"best_at_s: {best[0]:.0f}")
    print(f"eval_fraction: {result.eval_seconds / result.seconds:.3f}")
    print(f"chars_per_s: {result.items_per_second:.0f}")
    where = torch.cuda.get_device_name() if args.device == "cuda" else "cpu"
    print(f"device: {where}, {args.threads} threads")


if __name__ == "__main__":
    main()
