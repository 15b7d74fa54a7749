"""The benchmark scripts refuse a bad flag at once, naming the flag, before they load any
data: the data folder here is empty and the network unreachable, so a script that loaded
first would fail on the data instead."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("script, flag, value", [
    ("pride_prejudice_srn.py", "--max-epochs", "0"),
    ("char_lm.py", "--seconds", "0"),
    ("char_lm.py", "--dropout", "1.0"),
    ("char_lm.py", "--window", "-3"),
    ("char_lm.py", "--lr", "nan"),
    ("srn_throughput.py", "--rounds", "0"),
    ("lstm_gru_throughput.py", "--steps", "two"),
    ("grading_throughput.py", "--students", "0"),
    ("grading_resources.py", "--jobs", "0"),
])
def test_a_bad_flag_is_refused_by_name_before_any_data_is_read(tmp_path, script, flag, value):
    env = dict(os.environ, RNN_COURSE_DATA_DIR=str(tmp_path / "empty"), RNN_COURSE_DATA_MIRROR="",
               RNN_COURSE_DATA_TIMEOUT="1")
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), flag, value], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert f"error: argument {flag}: " in proc.stderr and repr(value) in proc.stderr, proc.stderr[-2000:]
