"""Run functions for the sweep tests (module-level, so worker processes can import them)."""

from sim.simulation import simulate


def fail_high_involvement(scenario, seed, steps):
    """The real model, except that every high-involvement run raises a two-line error."""
    if scenario.involvement.level == "high":
        raise RuntimeError(f"injected failure for seed {seed}\nsecond line")
    return simulate(scenario, seed, steps)
