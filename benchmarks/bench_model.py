"""Speed of the rollout model against Mesa's own VirusOnNetwork example, in the same run.

Prints agent-steps per second (users x weeks / seconds) of ``RolloutModel`` on the default
scenario at N = 1,000, 5,000 and 20,000 over 156 weeks, the same figure for Mesa's
``VirusOnNetwork`` at the same N, their ratio, and the time to build a 20,000-user model.
Targets: ratio >= 10 at N = 5,000; building 20,000 users in under a second.

Run: ``python benchmarks/bench_model.py [--steps 156] [--repeats 5]``
"""

from __future__ import annotations

import argparse
import time

from environment import needs_environment

try:
    import numpy as np
    from mesa.examples.basic.virus_on_network.model import VirusOnNetwork

    from sim import RolloutModel, load_scenario
except ModuleNotFoundError as missing:  # not run in the project's environment
    needs_environment(missing)

SIZES = (1_000, 5_000, 20_000)


def rate(build, n: int, steps: int, seed: int) -> float:
    """Agent-steps per CPU second of one run (model building not timed). CPU time, not wall
    time, so that other load on a shared machine disturbs the figures less."""
    model = build(n, seed)
    start = time.process_time()
    for _ in range(steps):
        model.step()
    return n * steps / (time.process_time() - start)


def median_rates(n: int, steps: int, repeats: int) -> tuple[float, float]:
    """Median rate of each model over ``repeats`` seeds, the two models taking turns so
    that both see the same machine conditions. The median, not the best: how fast
    VirusOnNetwork runs depends on its epidemic (a virus that dies out early makes cheap
    steps), so its best run is not typical."""
    ours, theirs = [], []
    for rep in range(repeats):
        ours.append(rate(rollout, n, steps, rep))
        theirs.append(rate(virus, n, steps, rep))
    return float(np.median(ours)), float(np.median(theirs))


def rollout(n: int, seed: int) -> RolloutModel:
    return RolloutModel(load_scenario("scenarios/default.toml", {"population.size": n}), seed=seed)


def virus(n: int, seed: int) -> VirusOnNetwork:
    return VirusOnNetwork(num_nodes=n, seed=seed)


def build_time(n: int, repeats: int) -> float:
    scenario = load_scenario("scenarios/default.toml", {"population.size": n})
    times = []
    for rep in range(repeats):
        start = time.perf_counter()
        RolloutModel(scenario, seed=rep)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=156)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"agent-steps per CPU second over {args.steps} weeks (median of {args.repeats} seeds)")
    print(f"{'N':>7} {'RolloutModel':>14} {'VirusOnNetwork':>15} {'ratio':>7}")
    for n in SIZES:
        ours, theirs = median_rates(n, args.steps, args.repeats)
        flag = "  (target >= 10)" if n == 5_000 else ""
        print(f"{n:>7} {ours:>14,.0f} {theirs:>15,.0f} {ours / theirs:>7.1f}{flag}")
    built = build_time(20_000, args.repeats)
    print(f"building a 20,000-user model: {built:.3f} s (target < 1 s)")


if __name__ == "__main__":
    main()
