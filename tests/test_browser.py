"""Real-browser test: JupyterLab in headless Chromium runs ``00_start_here`` and moves its slider.

A JupyterLab server is started on 127.0.0.1 (random free port, random token) over a
temporary copy of the notebook, so the tracked file is never rewritten. Playwright drives
the system Chromium (``/usr/bin/chromium``; never a downloaded browser): it runs all
cells from the Run menu, presses an arrow key on the neuron explorer's slider and checks
the readout shows ``neuron_readout`` of the new value. A screenshot is saved to
``outputs/screenshots/`` (git-ignored).

Without Chromium or Playwright the test is skipped with the reason, except when the
environment variable ``CI`` is ``true``: there it fails, because CI installs Chromium.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from helpers.widgets import neuron_readout

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "00_start_here.ipynb"
SCREENSHOT_DIR = ROOT / "outputs" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
SERVER_START_TIMEOUT_S = 60
RUN_ALL_TIMEOUT_S = 180
UI_TIMEOUT_MS = 30_000
SLIDER_STEP = 0.25
ARROW_PRESSES = 4


def unavailable(reason: str):
    """Skip with ``reason``; fail instead on CI (``CI=true``), where the browser must exist."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser test must run in CI)", pytrace=False)
    pytest.skip(reason)


def chromium_executable() -> str:
    """Path of the system Chromium, or skip/fail when none is installed."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    unavailable("no Chromium: /usr/bin/chromium missing and no `chromium` on PATH "
                "(Debian: apt-get install -y chromium)")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_user_settings(settings_dir: Path) -> None:
    """Turn off the news/update notification that would cover the screenshot."""
    target = settings_dir / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))


def log_tail(path: Path, chars: int = 3000) -> str:
    """The end of the server log, for failure messages."""
    return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"


def wait_until_ready(url: str, process: subprocess.Popen, log: Path) -> None:
    """Poll the server's status API until it answers, the process dies, or time runs out."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"jupyter lab exited with {process.returncode}:\n{log_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"jupyter lab did not answer within {SERVER_START_TIMEOUT_S} s:\n{log_tail(log)}")


def stop_server(process: subprocess.Popen, base_url: str, token: str) -> None:
    """Stop the server by its PID and make sure none of its kernels outlive it."""
    import psutil

    try:
        kernels = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        kernels = []
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    _, alive = psutil.wait_procs(kernels, timeout=10)
    for child in alive:
        child.kill()
    psutil.wait_procs(alive, timeout=5)


@pytest.fixture(scope="module")
def playwright_api():
    """The Playwright sync API module, or skip/fail when Playwright is not installed."""
    try:
        from playwright import sync_api
    except ImportError as error:
        unavailable(f"playwright is not importable ({error}); pip install playwright")
    return sync_api


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """JupyterLab serving a temporary copy of the notebook; yields ``(base_url, token, name)``."""
    home = tmp_path_factory.mktemp("jupyterlab")
    notebooks = home / "notebooks"
    notebooks.mkdir()
    shutil.copy2(NOTEBOOK, notebooks / NOTEBOOK.name)
    write_user_settings(home / "settings")
    port, token = free_port(), secrets.token_hex(16)
    env = dict(
        os.environ,
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_CONFIG_DIR=str(home / "config"),
        MPLBACKEND="module://matplotlib_inline.backend_inline",
    )
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={notebooks}",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = home / "server.log"
    base_url = f"http://127.0.0.1:{port}"
    with open(log, "wb") as log_file:
        process = subprocess.Popen(command, cwd=notebooks, env=env, stdout=log_file,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_until_ready(f"{base_url}/api/status?token={token}", process, log)
        yield base_url, token, NOTEBOOK.name
    finally:
        stop_server(process, base_url, token)


@pytest.fixture(scope="module")
def browser_page(playwright_api, tmp_path_factory):
    """A fresh page in headless system Chromium with a throw-away profile."""
    executable = chromium_executable()
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=executable, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(UI_TIMEOUT_MS)
            yield page
        finally:
            context.close()
