"""Real-browser test: JupyterLab in headless Chromium runs ``00_start_here`` and moves its slider.

A JupyterLab server is started on 127.0.0.1 (random free port, random token) over a
temporary copy of the notebook, so the tracked file is never rewritten. Playwright drives
the system Chromium (``/usr/bin/chromium``; never a downloaded browser): it runs all
cells from the Run menu, presses arrow keys on the neuron explorer's slider and checks
after each press that the readout shows ``neuron_readout`` of the new value. Outputs are
stripped from the copy first, so everything checked comes from this run. A screenshot goes to
``outputs/screenshots/00_start_here.png`` (git-ignored; ``*-failure.png`` when a step fails).

Without Chromium or Playwright the test is skipped with the reason, except when the
environment variable ``CI`` is ``true``: there it fails, because CI installs Chromium.
"""

from __future__ import annotations

import json
import os
import re
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
from typing import NoReturn

import nbformat
import psutil
import pytest
from conftest import in_ci

from helpers.notebook.widgets import neuron_readout

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
PROBLEM_OUTPUTS = ", ".join(
    f".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.{kind}']"
    for kind in ("stderr", "error")
)
RUN_FINISHED_JS = """problems => {
    const prompts = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')]
        .map(p => p.textContent.trim());
    if (prompts.length === 0 || prompts.includes('[*]:')) return false;
    return prompts.every(t => /^\\[\\d+\\]:$/.test(t)) || document.querySelector(problems) !== null;
}"""


def unavailable(reason: str) -> NoReturn:
    """Skip with ``reason``; fail instead on CI (``CI=true``), where the browser must exist."""
    if in_ci():
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


def copy_without_outputs(source: Path, target: Path) -> None:
    """Copy a notebook with outputs, execution counts and widget state removed, so that
    everything the browser shows afterwards comes from its own run."""
    nb = nbformat.read(source, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, target)


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


def stop_server(process: subprocess.Popen) -> None:
    """Stop the server by its PID and make sure none of its kernels outlive it."""
    try:
        kernels = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        kernels = []
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
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
    sync_api.expect.set_options(timeout=UI_TIMEOUT_MS)
    return sync_api


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """JupyterLab serving a temporary copy of the notebook; yields ``(base_url, token, name)``."""
    assert NOTEBOOK.is_file(), f"{NOTEBOOK} is missing: the browser test opens it"
    home = tmp_path_factory.mktemp("jupyterlab")
    notebooks = home / "notebooks"
    notebooks.mkdir()
    copy_without_outputs(NOTEBOOK, notebooks / NOTEBOOK.name)
    write_user_settings(home / "settings")
    port, token = free_port(), secrets.token_hex(16)
    env = dict(
        os.environ,
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_CONFIG_DIR=str(home / "config"),
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
        stop_server(process)


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


def run_all_cells(page, expect) -> None:
    """Run > Run All Cells; wait for the kernel to finish; every cell must have run, in order,
    without errors or warnings."""
    kernel_idle = page.locator(".jp-StatusBar-Widget").get_by_text(re.compile(r"\|\s*Idle\s*$"))
    expect(kernel_idle).to_be_visible()
    page.locator(".lm-MenuBar-item", has_text="Run").click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
    page.wait_for_function(RUN_FINISHED_JS, arg=PROBLEM_OUTPUTS, timeout=RUN_ALL_TIMEOUT_S * 1000)
    expect(kernel_idle).to_be_visible()
    problems = page.locator(f".jp-NotebookPanel :is({PROBLEM_OUTPUTS})")
    assert problems.count() == 0, f"errors or warnings in outputs: {problems.all_text_contents()}"
    prompts = page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt").all_text_contents()
    assert [p.strip() for p in prompts] == [f"[{i}]:" for i in range(1, len(prompts) + 1)], prompts


def settled_text(locator, quiet_s: float = 1.0) -> str:
    """The locator's text once it has stayed the same for ``quiet_s`` seconds (bounded wait)."""
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    text, since = locator.text_content(), time.monotonic()
    while time.monotonic() - since < quiet_s and time.monotonic() < deadline:
        time.sleep(0.1)
        current = locator.text_content()
        if current != text:
            text, since = current, time.monotonic()
    return text


def move_slider_and_check(explorer, expect) -> None:
    """Press arrow keys on the explorer's slider; after each press the readout must show
    ``neuron_readout`` of the slider's new value, and it must stay there."""
    readout = explorer.locator(".neuron-readout")
    slider_value = explorer.locator(".widget-readout")
    value = float(slider_value.text_content())
    start_text = neuron_readout(value)
    expect(readout).to_have_text(start_text)
    key, step = ("ArrowRight", SLIDER_STEP) if value <= 0 else ("ArrowLeft", -SLIDER_STEP)
    handle = explorer.locator(".noUi-handle")
    handle.focus()
    for _ in range(ARROW_PRESSES):
        handle.press(key)
        value += step
        expect(slider_value).to_have_text(f"{value:.2f}")
        expect(readout).to_have_text(neuron_readout(value))
    final = settled_text(readout)
    assert final == neuron_readout(value) != start_text, (final, neuron_readout(value))


def test_start_here_runs_and_slider_updates_readout(browser_page, lab_server, playwright_api):
    """Run All in JupyterLab, press arrow keys on the slider, and read the new readout."""
    expect = playwright_api.expect
    base_url, token, name = lab_server
    page = browser_page
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    screenshot = SCREENSHOT_DIR / f"{NOTEBOOK.stem}.png"
    failure_shot = SCREENSHOT_DIR / f"{NOTEBOOK.stem}-failure.png"
    screenshot.unlink(missing_ok=True)
    failure_shot.unlink(missing_ok=True)
    try:
        page.goto(f"{base_url}/lab/tree/{name}?token={token}")
        run_all_cells(page, expect)
        notebook = page.locator(".jp-NotebookPanel")
        explorer = notebook.locator(".widget-vbox", has=page.locator(".neuron-readout"))
        expect(explorer).to_have_count(1)
        explorer.scroll_into_view_if_needed()
        move_slider_and_check(explorer, expect)
    except Exception:
        page.screenshot(path=str(failure_shot))
        raise
    page.screenshot(path=str(screenshot))
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000, (screenshot, len(data))
