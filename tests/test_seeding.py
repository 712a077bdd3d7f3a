"""Seeds: derived from (root, point, replicate) only, pinned, independent of order."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.seeding import fresh_seed, run_seed


def test_run_seed_is_the_seed_sequence_of_root_and_identity():
    state = np.random.SeedSequence(7, spawn_key=(3, 1)).generate_state(1, dtype=np.uint64)
    assert run_seed(7, 3, 1) == int(state[0] >> 1)


def test_run_seed_is_pinned():
    """These numbers were recorded once; a change to the derivation (and so to every
    sweep's results) breaks this test."""
    assert run_seed(20261125, 0, 0) == 8068958190664148825
    assert run_seed(20261125, 3, 7) == 3377346691871801017
    assert run_seed(20261126, 0, 0) != 8068958190664148825
    assert run_seed(1, 0, 1) != run_seed(1, 1, 0)


@given(
    st.integers(0, 2**64),
    st.lists(
        st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=2, max_size=20, unique=True
    ),
)
def test_seed_depends_on_identity_only_not_on_order(root, keys):
    forward = {key: run_seed(root, *key) for key in keys}
    backward = {key: run_seed(root, *key) for key in reversed(keys)}
    assert forward == backward
    assert len(set(forward.values())) == len(keys)  # distinct runs, distinct seeds
    assert all(0 <= s < 2**63 for s in forward.values())


def test_fresh_seeds_are_in_range_and_differ():
    seeds = {fresh_seed() for _ in range(20)}
    assert len(seeds) == 20 and all(0 <= s < 2**63 for s in seeds)
