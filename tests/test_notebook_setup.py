"""helpers.notebook.setup: repeatable runs, device choice, environment report."""

import matplotlib as mpl
import numpy as np
import pytest
import torch

from helpers import setup_notebook
from helpers.notebook.plotting import COURSE_STYLE
from helpers.notebook.setup import environment_report, torch_device


def test_same_seed_same_numbers():
    rng = setup_notebook(seed=3)
    first = (np.random.rand(3), torch.rand(3), rng.normal(size=3))
    rng = setup_notebook(seed=3)
    second = (np.random.rand(3), torch.rand(3), rng.normal(size=3))
    for a, b in zip(first, second, strict=True):
        assert np.array_equal(np.asarray(a), np.asarray(b))
    setup_notebook(seed=4)
    assert not np.array_equal(np.random.rand(3), first[0])


def test_torch_is_deterministic_with_fixed_threads_and_style_applied(monkeypatch):
    monkeypatch.delenv("RNN_COURSE_THREADS", raising=False)   # make test sets it for its workers
    setup_notebook(threads=1)
    assert torch.get_num_threads() == 1
    assert torch.are_deterministic_algorithms_enabled()
    assert mpl.rcParams["axes.grid"] is COURSE_STYLE["axes.grid"]
    setup_notebook()
    assert torch.get_num_threads() == 2


def test_thread_count_from_the_environment(monkeypatch):
    monkeypatch.setenv("RNN_COURSE_THREADS", "1")
    setup_notebook()
    assert torch.get_num_threads() == 1
    monkeypatch.setenv("RNN_COURSE_THREADS", "0")
    with pytest.raises(ValueError, match="threads must be a positive integer"):
        setup_notebook()
    setup_notebook(threads=2)
    assert torch.get_num_threads() == 2


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (1.5, ValueError), ("0", TypeError),
                                         (True, ValueError)])
def test_bad_seed(seed, error):
    with pytest.raises(error, match="seed must be a"):
        setup_notebook(seed=seed)


def test_bad_threads():
    with pytest.raises(ValueError, match="threads must be a positive integer"):
        setup_notebook(threads=0)


def test_device_choice(monkeypatch):
    monkeypatch.setenv("RNN_COURSE_DEVICE", "cpu")
    assert torch_device().type == "cpu"
    monkeypatch.setenv("RNN_COURSE_DEVICE", "tpu")
    with pytest.raises(ValueError, match="'cpu' or 'cuda'"):
        torch_device()
    monkeypatch.setenv("RNN_COURSE_DEVICE", "cuda")
    if torch.cuda.is_available():
        assert torch_device().type == "cuda"
    else:
        with pytest.raises(RuntimeError, match="RNN_COURSE_DEVICE=cuda, but PyTorch sees no GPU"):
            torch_device()
    monkeypatch.delenv("RNN_COURSE_DEVICE")
    assert torch_device().type == ("cuda" if torch.cuda.is_available() else "cpu")


def test_environment_report_names_the_essentials():
    report = environment_report()
    for key in ("python", "numpy", "torch", "matplotlib", "cpu cores", "gpu"):
        assert report[key], key
    assert report["torch"].startswith("2.13")
