"""The notebooks as analysts use them: JupyterLab in a real (headless) browser.

Starts JupyterLab on a free localhost port with a random token and its own config,
runtime and settings folders, opens each notebook in Debian's Chromium through Playwright,
runs all cells from the Run menu, waits for the kernel to go idle, and checks what an
analyst would see: no error output, every saved figure rendered, and (notebooks 01 and 03)
the thread view with its irony markers highlighted. A screenshot per notebook goes to
``build/browser/``.

Skips with a one-line reason when Chromium or Playwright is missing, except under
``CI=true``, where ``.ci/run`` installs Chromium first and a skip would hide a failure.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from msdiscourse.notebook_runner import DEMO_KEY, find_notebooks
from msdiscourse.privacy import KEY_ENV
from tests.conftest import DATA_RAW, PROJECT_DIR

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
SCREENSHOTS = PROJECT_DIR / "build" / "browser"
#: notebooks that show a thread with show_thread
THREAD_VIEWS = {"01-parse-corpus", "03-sarcasm-markers"}
NOTEBOOK_TIMEOUT_S = float(os.environ.get("MSD_BROWSER_TIMEOUT", 150))


def _need(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: .ci/run installs chromium; the browser test must run)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server over copies of the notebooks; yields (url, token, folders)."""
    _need(CHROMIUM.exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        _need(False, "Playwright for Python is not installed (pip install playwright)")
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    base = tmp_path_factory.mktemp("lab")
    root, figures = base / "notebooks", base / "figures"
    root.mkdir()
    for path in find_notebooks(PROJECT_DIR / "notebooks"):
        # figures go to a scratch folder, never over the committed ones; the rest as shipped
        notebook = parameterize_notebook(
            load_notebook_node(str(path)),
            {"DATA_DIR": str(DATA_RAW), "FIGURES_DIR": str(figures / path.stem)},
            report_mode=False,
        )
        nbformat.write(notebook, root / path.name)
    settings = base / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # render every cell (Lab 4 otherwise attaches only the cells in view), and start the
    # notebook's own kernel without asking
    (settings / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none", "autoStartDefaultKernel": True}))
    labconfig = base / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    (labconfig / "page_config.json").write_text(json.dumps({"disabledExtensions": {
        "@jupyterlab/apputils-extension:announcements": True}}))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])),
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTER_DATA_DIR": str(base / "data"),
        "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "JUPYTER_PLATFORM_DIRS": "1",
        # the notebooks open on the invented demo corpus: its public key, as `make figures`
        # uses (without it, the first notebook makes a private key and says so on stderr)
        KEY_ENV: DEMO_KEY,
    }
    port, token = _free_port(), secrets.token_hex(16)
    log = open(base / "lab.log", "w", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--ServerApp.port_retries=0", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly", "--ServerApp.terminals_enabled=False",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start: {(base / 'lab.log').read_text()[-2000:]}")
            time.sleep(0.5)
        yield url, token, root, figures
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _run_all_and_wait(page, timeout_s: float) -> None:
    """Run > Run All Cells from the menu bar, then wait until every code cell has run."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count() > 0
        if prompts and idle and all(p.strip() not in ("[ ]:", "[*]:", "") for p in prompts):
            return
        time.sleep(0.5)
    raise AssertionError(f"cells still running after {timeout_s:.0f} s: {prompts}")


@pytest.mark.parametrize("path", find_notebooks(PROJECT_DIR / "notebooks"), ids=lambda p: p.name)
def test_notebook_runs_in_jupyterlab_and_shows_its_figures(lab, browser, path):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    url, token, root, figures = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    try:
        page.goto(f"{url}/lab/tree/{path.name}?token={token}&reset")
        page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60_000)
        # should Lab still ask which kernel to start, take the notebook's own (Python 3)
        dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
        try:
            dialog.wait_for(timeout=3_000)
            dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
        except PlaywrightTimeout:
            pass  # no dialog: the kernel started on its own
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
        try:
            _run_all_and_wait(page, NOTEBOOK_TIMEOUT_S)
        finally:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{path.stem}.png"))

        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        assert errors.count() == 0, f"{path.name}: error output: {errors.all_inner_texts()[:2]}"
        saved = {p.stem for p in (figures / path.stem).glob("*.png")}
        assert saved, f"{path.name} saved no figure"
        images = page.locator(".jp-OutputArea-output img")
        assert images.count() == len(saved), (
            f"{path.name}: saved {sorted(saved)}, rendered {images.count()} image(s)")
        # every image actually decoded and has a size, not a broken icon
        widths = images.evaluate_all("els => els.map(e => e.naturalWidth)")
        assert all(w > 100 for w in widths), widths
        if path.stem in THREAD_VIEWS:
            view = page.locator(".msd-thread")
            assert view.count() == 1, f"{path.name}: expected one thread view"
            marks = view.locator("mark.msd-marker")
            assert marks.count() >= 3
            assert marks.first.get_attribute("title")  # the rule, shown on hover
            assert view.locator(".msd-role").count() >= 5
            view.scroll_into_view_if_needed()
            marks.first.hover()
        elif images.count():
            images.last.scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{path.stem}.png"))
    finally:
        # shut the kernel down so notebooks do not pile up kernels on two cores
        page.close()
        request = urllib.request.Request(f"{url}/api/sessions?token={token}")
        with urllib.request.urlopen(request, timeout=10) as reply:
            sessions = json.load(reply)
        for session in sessions:
            urllib.request.urlopen(urllib.request.Request(
                f"{url}/api/sessions/{session['id']}?token={token}", method="DELETE"), timeout=20)

