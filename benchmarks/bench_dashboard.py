"""Speed of the classroom dashboard: weeks per second with the charts updating.

Three figures for the default scenario (2,000 users, both conditions), over the full run:

1. the model alone: the dashboard's :class:`Classroom` (two conditions) stepped week by
   week, nothing drawn;
2. the model with the dashboard's per-frame work on the server: the page (Mesa's SolaraViz
   and the dashboard's views) rendered in this process without a browser, and redrawn
   after every ``render_interval`` weeks as Mesa's play loop does, plus its pause of
   ``play_interval`` ms between frames; printed as a ratio to (1);
3. end to end (with ``--browser``, needs Chromium): ``sim dashboard`` served, a headless
   Chromium presses play, and the weeks per second the page shows until the end of the run.

Target: at least 10 weeks per second at 2,000 users on a 2-core machine with the charts
updating (figures 2 and 3).

Run: ``python benchmarks/bench_dashboard.py [--repeats 3] [--browser]``
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import time

from environment import needs_environment

try:
    from sim.scenario import load_scenario
except ModuleNotFoundError as missing:  # not run in the project's environment
    needs_environment(missing)

SCENARIO = "scenarios/default.toml"
TARGET = 10.0


def model_alone(base, seed: int) -> float:
    """Weeks per second of both conditions, nothing drawn."""
    from sim.dashboard.classroom import Classroom
    from sim.dashboard.controls import start_values

    model = Classroom(base, seed, **start_values(base))
    start = time.perf_counter()
    while model.running:
        model.step()
    return model.week / (time.perf_counter() - start)


def with_page(base, seed: int, render_interval: int, play_interval_ms: int) -> float:
    """Weeks per second with the page redrawn every ``render_interval`` weeks: the page is
    rendered without a browser and Mesa's Step button pressed until the run ends (each
    press is one frame of Mesa's play loop), plus the loop's pause of ``play_interval_ms``
    between frames."""
    import ipyvuetify as v
    import solara

    from sim.dashboard import app

    app.configure(base, seed)
    app.RENDER_INTERVAL = render_interval
    with contextlib.redirect_stdout(io.StringIO()):  # the app bar, shown without a browser
        _, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    step = rc.find(v.Btn, children=["Step"]).widget
    frames = 0
    start = time.perf_counter()
    try:
        while not step.disabled:
            step.click()
            frames += 1
        elapsed = time.perf_counter() - start + frames * play_interval_ms / 1000
        return base.run.steps / elapsed
    finally:
        rc.close()


def in_browser(scenario: str, seed: int) -> float:
    """Weeks per second shown by the page in headless Chromium, from play to the end."""
    import re
    import subprocess
    import tempfile
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.test_dashboard_browser import CHROMIUM, CHROMIUM_ARGS

    cmd = [sys.executable, "-m", "sim.cli", "dashboard", scenario, "--port", "0"]
    server = subprocess.Popen([*cmd, "--seed", str(seed)], stdout=subprocess.PIPE, text=True)
    try:
        url = re.search(r"http://\S+", server.stdout.readline()).group(0)
        with sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
            browser = pw.chromium.launch_persistent_context(
                profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
            page = browser.new_page()
            page.goto(url)
            week = page.locator(".sim-this-week")
            week.wait_for(timeout=60_000)
            horizon = load_scenario(scenario).run.steps
            page.get_by_role("button", name="▶").click()
            start = time.perf_counter()
            page.wait_for_selector(f'.sim-this-week[data-week="{horizon}"]', timeout=120_000)
            seconds = time.perf_counter() - start
            browser.close()
        return horizon / seconds
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    from sim.dashboard.app import PLAY_INTERVAL_MS, RENDER_INTERVAL

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--browser", action="store_true", help="also measure in Chromium")
    args = parser.parse_args()
    base = load_scenario(SCENARIO)
    print(f"{SCENARIO}: {base.population.size} users, two conditions, {base.run.steps} weeks")
    print(f"wall-clock weeks per second, median of {args.repeats}; target >= {TARGET:g}")
    alone = statistics.median(model_alone(base, s) for s in range(args.repeats))
    print(f"  {'model alone':<46} {alone:7.1f}")
    settings = [(1, 0, "every week, no pause"), (RENDER_INTERVAL, 0, "")]
    settings[1] = (RENDER_INTERVAL, 0, f"every {RENDER_INTERVAL} weeks, no pause")
    settings.append(
        (RENDER_INTERVAL, PLAY_INTERVAL_MS, f"every {RENDER_INTERVAL} weeks, {PLAY_INTERVAL_MS} ms")
    )
    for interval, pause, text in settings:
        runs = [with_page(base, s, interval, pause) for s in range(args.repeats)]
        drawn = statistics.median(runs)
        mark = "  (the page's default pace)" if pause else ""
        label = f"with the page redrawn {text}"
        print(f"  {label:<46} {drawn:7.1f}   ratio {drawn / alone:.3f}{mark}")
    if args.browser:
        seen = in_browser(SCENARIO, 0)
        print(f"  {'end to end in Chromium, default pace':<46} {seen:7.1f}")


if __name__ == "__main__":
    main()
