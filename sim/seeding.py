"""Seeds: every run's seed, derived from a root seed and the run's identity, or drawn fresh.

A run in a sweep or a validation check gets ``run_seed(root, point, replicate)``: it depends
only on those three numbers, never on the number of workers, the engine, the order in which
runs finish or whether a sweep was interrupted and resumed. ``numpy.random.SeedSequence``
with a ``spawn_key`` gives statistically independent streams for different keys (O'Neill
2015; NumPy's "Parallel random number generation"). A run started without a seed gets
:func:`fresh_seed`, and records it, so it can be repeated exactly.

References
----------
O'Neill, M. E. (2015). PCG: a family of simple fast space-efficient statistically good
algorithms for random number generation. Harvey Mudd College, HMC-CS-2014-0905.
"""

from __future__ import annotations

import operator

import numpy as np

from sim.errors import InputError, shown

SEED_BOUND = 2**63
"""Seeds are whole numbers from 0 to ``SEED_BOUND - 1`` (what every result file records)."""


def check_seed(seed: object, key: str = "--seed") -> int:
    """``seed`` as an int, or :class:`InputError` naming ``key`` if it is not a whole
    number from 0 to ``2**63 - 1`` (text such as ``"42"`` is read as a number).

    >>> check_seed("42")
    42
    """
    try:
        value = int(seed.strip()) if isinstance(seed, str) else operator.index(seed)
    except (TypeError, ValueError):
        value = None
    if isinstance(seed, bool):
        value = None
    if value is None or not 0 <= value < SEED_BOUND:
        raise InputError(f"must be a non-negative integer below 2**63 (got {shown(seed)})", key=key)
    return value


def run_seed(root: int, point: int, replicate: int) -> int:
    """The seed of replicate ``replicate`` of condition ``point`` (a non-negative int < 2**63).

    >>> run_seed(20261125, 0, 0) == run_seed(20261125, 0, 0)
    True
    >>> run_seed(1, 0, 1) != run_seed(1, 1, 0)
    True
    """
    return _seed(np.random.SeedSequence(root, spawn_key=(point, replicate)))


def fresh_seed() -> int:
    """A new seed from the operating system's entropy, a non-negative int below 2**63."""
    return _seed(np.random.SeedSequence())


def _seed(sequence: np.random.SeedSequence) -> int:
    return int(sequence.generate_state(1, dtype=np.uint64)[0] >> 1)
