"""Seeds for runs that were not given one.

Every run records the seed it used, so a run started without a seed can be repeated
exactly; this is where such a seed comes from. (Experiments derive their runs' seeds from
the experiment's root seed instead: :mod:`sim.experiment.seeds`.)
"""

from __future__ import annotations

import numpy as np


def fresh_seed() -> int:
    """A new seed from the operating system's entropy, a non-negative int below 2**63."""
    return int(np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0] >> 1)
