"""One seed per run, derived from the experiment's root seed and the run's identity.

A run's seed depends only on ``(root, point, replicate)``, never on the number of workers,
the engine, the order in which runs finish or whether the sweep was interrupted and
resumed. ``numpy.random.SeedSequence`` with a ``spawn_key`` gives statistically independent
streams for different keys (O'Neill 2015; NumPy's "Parallel random number generation").
"""

from __future__ import annotations

import numpy as np


def run_seed(root: int, point: int, replicate: int) -> int:
    """The seed of replicate ``replicate`` of condition ``point`` (a non-negative int < 2**63)."""
    ss = np.random.SeedSequence(root, spawn_key=(point, replicate))
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> 1)
