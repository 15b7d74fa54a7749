"""Fixtures shared by the unit tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def in_ci() -> bool:
    """True when running under CI (``CI=true``), where no test may be skipped for lack of a tool."""
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def course_mirror() -> Path:
    """The offline data mirror: ``$RNN_COURSE_DATA_MIRROR`` or ``../shared/data`` beside the repo."""
    candidates = [os.environ.get("RNN_COURSE_DATA_MIRROR", ""), REPO_ROOT.parent / "shared" / "data"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    if in_ci():
        pytest.fail("CI must provide the data mirror (RNN_COURSE_DATA_MIRROR or ../shared/data)")
    pytest.skip("no offline data mirror here (set RNN_COURSE_DATA_MIRROR)")
