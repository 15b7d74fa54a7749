"""`make lab`: starts as root too, and the learner's JupyterLab hides nbgrader's teacher tools."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LEARNER_CONFIG = ROOT / "tools" / "learner_lab"


def make_dry_run(*args: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    out = subprocess.run(["make", "-n", "-s", "lab", *args], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    return [line for line in out.splitlines() if "jupyter lab" in line][-1]


def test_lab_allows_root_only_when_root():
    command = make_dry_run()
    assert ("--allow-root" in command) == (os.geteuid() == 0), command


def test_lab_uses_the_learner_config_unless_teacher():
    assert f'JUPYTER_CONFIG_PATH="{LEARNER_CONFIG}"' in make_dry_run()
    assert "JUPYTER_CONFIG_PATH" not in make_dry_run("TEACHER=1")


def test_learner_config_names_plugins_that_exist():
    page = json.loads((LEARNER_CONFIG / "labconfig" / "page_config.json").read_text())
    server = json.loads((LEARNER_CONFIG / "jupyter_server_config.json").read_text())
    bundle = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader" / "static"
    source = "".join(p.read_text(errors="ignore") for p in bundle.glob("*.js"))
    assert source, f"nbgrader's JupyterLab extension is not installed under {bundle}"
    for plugin in page["disabledExtensions"]:
        if plugin.startswith("@jupyter/nbgrader:"):
            assert f'"{plugin}"' in source, f"{plugin} is not a plugin of the installed nbgrader"
    assert "@jupyter/nbgrader:validate-assignment" not in page["disabledExtensions"]
    import importlib

    for module, enabled in server["ServerApp"]["jpserver_extensions"].items():
        assert enabled is False
        importlib.import_module(module)  # a renamed extension would fail here
