"""The dashboard as a class uses it: `sim dashboard` served, a real Chromium pressing play.

The test starts ``sim dashboard`` on a free port as its own process, drives the system's
Chromium with Playwright (Playwright's own browser download is not needed: ``make test``
installs Debian's ``chromium``), presses play, changes a control, and checks that the
charts and the unit map move and that the server listens on 127.0.0.1 only.

Screenshots go to the folder named by ``SIM_SCREENSHOTS`` (default: the test's temporary
folder); ``make screenshots`` sets it to ``docs/images`` to refresh the documentation's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from helpers import SCENARIOS

from sim.dashboard.charts import CHARTS, ROLE_CHARTS

pytestmark = [
    pytest.mark.slow,
    # Solara checks Mesa's SolaraViz for its rules of hooks on import and warns about one
    # of Mesa's own components (the test imports the page's settings)
    pytest.mark.filterwarnings("ignore:.*found despite early return:UserWarning"),
]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 960}
WEEK = ".sim-this-week"


def _sim() -> list[str]:
    """The `sim` command of this environment (the console script, as a person runs it)."""
    script = shutil.which("sim", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "sim.cli"]


@pytest.fixture
def server(tmp_path):
    """`sim dashboard` on a free port; yields (process, address)."""
    out, err = tmp_path / "server.out", tmp_path / "server.err"
    cmd = [*_sim(), "dashboard", str(SCENARIOS / "default.toml"), "--port", "0", "--seed", "42"]
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not (found := re.search(r"http://\S+", out.read_text())):
            assert proc.poll() is None, f"sim dashboard stopped: {err.read_text()}"
            assert time.monotonic() < deadline, "sim dashboard printed no address"
            time.sleep(0.1)
        yield proc, found.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _listening(pid: int) -> set[str]:
    conns = psutil.Process(pid).net_connections(kind="inet")
    return {c.laddr.ip for c in conns if c.status == psutil.CONN_LISTEN}


def _week(page) -> int:
    return int(page.locator(WEEK).get_attribute("data-week"))


def _step_to(page, week: int) -> None:
    """Press Step until ``week`` (each press is one frame of the page's render interval)."""
    from sim.dashboard.app import RENDER_INTERVAL

    assert week % RENDER_INTERVAL == 0
    step = page.get_by_role("button", name="Step")
    for _ in range(week // RENDER_INTERVAL):
        step.click()
    page.wait_for_selector(f'{WEEK}[data-week="{week}"]', timeout=60_000)


def _play_until(page, week: int, *, pause: bool = True) -> None:
    page.get_by_role("button", name="▶").click()
    page.wait_for_function(
        f"() => Number(document.querySelector('{WEEK}').dataset.week) >= {week}",
        timeout=90_000,
    )
    if pause:
        page.get_by_role("button", name="❚❚").click()
        page.get_by_role("button", name="▶").wait_for(timeout=30_000)


def _tiles(page, condition: str = "") -> list[str]:
    units = page.locator(
        f'.sim-units[data-condition="{condition}"] .sim-unit' if condition else ".sim-unit"
    )
    return units.evaluate_all("els => els.map(e => e.dataset.state)")


def test_a_class_picks_two_conditions_presses_play_and_watches(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    proc, url = server
    assert url.startswith("http://127.0.0.1:")
    assert _listening(proc.pid) == {"127.0.0.1"}
    assert CHROMIUM.exists(), "the browser test needs Debian's chromium (make test installs it)"
    shots = Path(os.environ.get("SIM_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
        )
        try:
            page = browser.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(url)
            week = page.locator(WEEK)
            expect(week).to_have_attribute("data-week", "0", timeout=60_000)
            expect(week).to_contain_text("A: phased, low involvement")
            expect(week).to_contain_text("B: big_bang, low involvement")
            charts = page.locator(".sim-chart")
            expect(charts).to_have_count(len(CHARTS) + len(ROLE_CHARTS))
            assert set(_tiles(page)) == {"waiting"} and len(_tiles(page)) == 80
            adoption_at_start = charts.first.screenshot()

            # week by week: past the first go-live (week 52), B's big bang is all live,
            # A's phased rollout has its first wave live and its last ones waiting
            _step_to(page, 63)
            assert "waiting" not in _tiles(page, "B")
            assert {"waiting"} < set(_tiles(page, "A"))
            assert charts.first.screenshot() != adoption_at_start
            expect(page.locator(".sim-decision").first).to_contain_text("goes live")
            page.screenshot(path=shots / "dashboard.png")

            # press play, and pause
            frustration = charts.nth(1).screenshot()
            _play_until(page, 90)
            assert _week(page) >= 90
            assert charts.nth(1).screenshot() != frustration
            assert "waiting" not in _tiles(page)

            # change a control: condition A gets high involvement; reset and play to the end
            page.locator(".v-select", has_text="A · involvement").click()
            page.get_by_role("option", name="high").click()
            page.get_by_role("button", name="Reset").click()
            expect(week).to_have_attribute("data-week", "0")
            expect(week).to_contain_text("A: phased, high involvement")
            expect(week).to_contain_text("B: big_bang, low involvement")
            assert set(_tiles(page)) == {"waiting"}
            adoption_after_reset = charts.first.screenshot()
            _play_until(page, 156, pause=False)
            expect(week).to_contain_text("Week 156 of 156")
            assert charts.first.screenshot() != adoption_after_reset
            assert "waiting" not in _tiles(page)
            expect(page.locator(".v-select", has_text="A · involvement")).to_contain_text("high")
            page.screenshot(path=shots / "dashboard-end.png")
        finally:
            browser.close()
    assert not errors, errors
    assert _listening(proc.pid) == {"127.0.0.1"}
