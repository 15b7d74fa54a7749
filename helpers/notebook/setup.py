"""One call that every notebook makes first: seeds, deterministic torch, a fixed
thread count and the course's plotting style, so that a re-run prints the same
numbers (which is what nbval compares in CI)."""

from __future__ import annotations

import os
import platform
import random

import matplotlib
import numpy as np
import torch

from helpers.notebook.plotting import use_course_style
from helpers.validation import require_int_in, require_positive_int

DEFAULT_SEED = 0
DEFAULT_THREADS = 2
THREADS_ENV = "RNN_COURSE_THREADS"   # overrides the default, e.g. for a grader running kernels side by side


def setup_notebook(seed: int = DEFAULT_SEED, threads: int | None = None) -> np.random.Generator:
    """Seed ``random``, numpy and torch, make torch deterministic, fix its thread count
    and apply the course plot style. Prints nothing.

    ``seed``: a non-negative integer. ``threads``: torch intra-op threads (>= 1); the
    same count gives bit-identical torch results on the same CPU type. ``None`` (the
    default) means the environment variable ``RNN_COURSE_THREADS`` if set, else 2.
    Returns a ``numpy.random.Generator`` seeded with ``seed``, for code that prefers
    an explicit generator to the global one.
    """
    require_int_in(seed, "seed", 0)
    if threads is None:
        threads = int(os.environ.get(THREADS_ENV, DEFAULT_THREADS))
    threads = require_positive_int(threads, "threads")
    random.seed(seed)
    np.random.seed(seed)
    # cuBLAS needs this workspace setting for deterministic results on a GPU (read when CUDA
    # starts; harmless on a CPU)
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)
    use_course_style()
    return np.random.default_rng(seed)


def torch_device():
    """The ``torch.device`` to train on: ``cuda`` when a GPU is visible, else ``cpu``.

    Set the environment variable ``RNN_COURSE_DEVICE=cpu`` to force the CPU, or ``cuda``
    to insist on the GPU (an error when there is none).
    """
    wanted = os.environ.get("RNN_COURSE_DEVICE", "").strip().lower()
    if wanted and wanted not in ("cpu", "cuda"):
        raise ValueError(f"RNN_COURSE_DEVICE must be 'cpu' or 'cuda', got {wanted!r}")
    if wanted == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("RNN_COURSE_DEVICE=cuda, but PyTorch sees no GPU (torch.cuda.is_available() is "
                           "False): unset it to train on the CPU, or install a CUDA build of torch")
    if wanted == "cpu" or not torch.cuda.is_available():
        return torch.device("cpu")
    return torch.device("cuda")


def environment_report() -> dict[str, str]:
    """Versions and hardware as a dict of short strings (Python, numpy, torch,
    matplotlib, CPU count, torch threads, GPU name or 'none')."""
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "matplotlib": matplotlib.__version__,
        "cpu cores": str(os.cpu_count()),
        "torch": torch.__version__,
        "torch threads": str(torch.get_num_threads()),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none",
    }
