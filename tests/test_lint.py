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


def test_ruff_reads_every_python_file_it_is_given():
    """An exclusion pattern must not hide a package (``data`` once matched ``helpers/data``)."""
    targets = ["helpers", "tests", "tools", "benchmarks"]
    shown = subprocess.run([sys.executable, "-m", "ruff", "check", "--show-files", *targets], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout
    read = {Path(line.strip()).resolve() for line in shown.splitlines() if line.strip().endswith(".py")}
    wanted = {path.resolve() for target in targets for path in (ROOT / target).rglob("*.py")
              if "__pycache__" not in path.parts}
    assert not wanted - read, f"ruff skips {sorted(str(p.relative_to(ROOT)) for p in wanted - read)}"
