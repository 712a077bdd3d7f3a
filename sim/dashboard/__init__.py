"""The classroom dashboard: two conditions of a rollout, watched side by side in a browser.

``sim dashboard [SCENARIO]`` serves a local web app built on Mesa's own visualisation
(SolaraViz, on Solara). The package is split so that only the page imports Solara:

- :mod:`sim.dashboard.controls`: the controls, each mapped to a scenario key, with start
  values from the scenario file and ranges from the schema;
- :mod:`sim.dashboard.classroom`: the Mesa model the page runs, two :class:`RolloutModel`
  conditions with the same seed, and the board's decisions as a log;
- :mod:`sim.dashboard.charts`, :mod:`sim.dashboard.unitmap`, :mod:`sim.dashboard.words`:
  what the page shows (chart options, unit tiles, the week in plain words), as plain
  data, testable without a browser;
- :mod:`sim.dashboard.app`: the Solara page (needs the ``dashboard`` extra);
- :mod:`sim.dashboard.server`: serving the page on 127.0.0.1.

The dashboard's defaults (host, port, starting scenario) are in :mod:`sim.defaults`.
"""
