"""ruff lints the helpers, tests, tools, benchmarks and notebooks (config in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean():
    targets = [p for p in ("helpers", "tests", "tools", "benchmarks", "notebooks") if (ROOT / p).exists()]
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise", *targets],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
