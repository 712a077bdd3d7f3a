"""One seed per run, derived from the experiment's root seed and the run's identity.

A run's seed depends only on ``(root, condition, replicate)``, where ``condition`` is the
condition's identity (an integer derived from its factor values, :attr:`Condition.key`),
never on the condition's position in the file, the number of workers, the engine, the
order in which runs finish or whether the sweep was interrupted, resumed or extended.
``numpy.random.SeedSequence`` with a ``spawn_key`` gives statistically independent streams
for different keys (O'Neill 2015; NumPy's "Parallel random number generation").
"""

from __future__ import annotations

import numpy as np


def run_seed(root: int, condition: int, replicate: int) -> int:
    """The seed of replicate ``replicate`` of ``condition`` (a non-negative int < 2**63)."""
    ss = np.random.SeedSequence(root, spawn_key=(condition, replicate))
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> 1)
