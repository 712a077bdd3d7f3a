"""Unit tests of each weekly mechanism on hand-built inputs."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sim.model import processes as pr
from sim.model.population import ColleagueNetwork, allocate

W, L, A, X, G = pr.WAITING, pr.LIVE, pr.ADOPTED, pr.WORKAROUND, pr.LEFT


def test_productive_hours_follow_brooks_overhead():
    assert pr.productive_hours(0, 40, 0.01) == 0
    assert pr.productive_hours(1, 40, 0.01) == 40
    assert pr.productive_hours(11, 40, 0.01) == pytest.approx(440 / 1.1)
    # adding people adds less and less
    gains = np.diff([pr.productive_hours(n, 40, 0.01) for n in (10, 20, 40, 80)])
    assert np.all(np.diff(gains / np.array([10, 20, 40])) < 0)


def test_feedback_is_zero_without_responsiveness_and_saturates():
    assert pr.feedback_strength(0.9, 0.0, 0.1) == 0
    assert pr.feedback_strength(0.0, 1.0, 0.1) == 0
    assert pr.feedback_strength(0.1, 1.0, 0.1) == pytest.approx(1 - np.exp(-1))
    assert pr.feedback_strength(0.6, 0.5, 0.1) == pytest.approx(0.5 * (1 - np.exp(-6)))


def test_approach_closes_share_of_gap_and_clips_rate():
    assert pr.approach(0.5, 0.9, 0.25) == pytest.approx(0.6)
    assert pr.approach(0.5, 0.9, 3.0) == pytest.approx(0.9)
    assert pr.approach(0.5, 0.9, -1.0) == 0.5
    assert pr.approach(0.95, 0.9, 0.5) == 0.95  # never pulled down to the ceiling


def test_fix_defects_carries_progress_and_stops_at_zero():
    fixed, progress, used = pr.fix_defects(10, 0.0, 30.0, 1.0, 12.0)
    assert (fixed, progress, used) == (2, pytest.approx(0.5), 30.0)
    fixed, progress, used = pr.fix_defects(1, 0.5, 30.0, 1.0, 12.0)
    assert (fixed, progress, used) == (1, 0.0, pytest.approx(6.0))
    assert pr.fix_defects(0, 0.3, 30.0, 1.0, 12.0) == (0, 0.0, 0.0)
    # low knowledge makes fixing slower (floored at 0.1)
    assert pr.fix_defects(100, 0.0, 120.0, 0.0, 12.0)[0] == 1


def test_share_training_proportional_when_short():
    need = np.array([10.0, 30.0, 0.0])
    assert_allclose(pr.share_training(need, 100.0), need)
    assert_allclose(pr.share_training(need, 20.0), [5.0, 15.0, 0.0])


def test_train_proficiency_halves_gap_per_half_hours():
    prof = np.array([0.0, 0.5])
    assert_allclose(pr.train_proficiency(prof, np.array([10.0, 20.0]), 1.0, 10.0), [0.5, 0.875])
    assert_allclose(pr.train_proficiency(prof, np.array([10.0, 10.0]), 0.0, 10.0), prof)


def test_time_loss_components_and_clip():
    kwargs = dict(
        fit=1.0,
        usability=1.0,
        open_defects=0,
        defect_loss=0.05,
        misfit_loss=0.3,
        learning_loss=0.4,
        usability_loss=0.1,
    )
    assert_allclose(pr.time_loss(np.array([1.0]), **kwargs), [0.0])
    assert_allclose(pr.time_loss(np.array([0.5]), **kwargs), [0.2])
    assert_allclose(pr.time_loss(np.array([1.0]), **{**kwargs, "open_defects": 200}), [0.1])
    assert_allclose(
        pr.time_loss(np.array([1.0]), **{**kwargs, "fit": 0.5, "usability": 0.5}), [0.2]
    )
    assert_allclose(pr.time_loss(np.array([0.0]), **{**kwargs, "open_defects": 5000}), [1.0])


def test_desk_week_queue():
    # under capacity: everything served, only the within-week queueing wait
    backlog, served, wait = pr.desk_week(0, 50, 100, service_hours=0.25, open_hours=40)
    assert (backlog, served) == (0, 50)
    assert wait == pytest.approx(pr.queue_wait(0.5, 100 * 0.25 / 40, 0.25)) and wait > 0
    # over capacity: the rest is carried over and waits backlog / capacity weeks (+ queueing)
    backlog, served, wait = pr.desk_week(100, 200, 100, service_hours=0.25, open_hours=40)
    assert (backlog, served) == (200, 100)
    assert wait == pytest.approx(2.0 * 40 + pr.queue_wait(3.0, 100 * 0.25 / 40, 0.25))
    # no capacity: tickets wait for ever
    assert pr.desk_week(5, 0, 0, 0.25, 40) == (5, 0, np.inf)
    assert pr.desk_week(0, 0, 0, 0.25, 40) == (0, 0, 0.0)


def test_frustration_rises_fast_and_decays_slowly():
    f = np.array([0.2, 0.8])
    new = pr.update_frustration(f, np.array([0.6, 0.0]), rise=0.5, decay=0.1)
    assert_allclose(new, [0.4, 0.72])


def test_contagion_pulls_towards_voiced_colleagues():
    # a path 0 - 1 - 2; user 1 is frustrated, user 2 silent
    adj = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float)
    import scipy.sparse as sp

    net = ColleagueNetwork(sp.csr_array(adj), 3)
    f = np.array([0.0, 1.0, 0.0])
    voice = np.array([1.0, 1.0, 0.0])
    new = pr.contagion(f, net.neighbour_mean(voice * f), net.neighbour_mean(voice), 0.5)
    # user 0 hears user 1 fully; user 1 hears user 0 (calm) at half weight; user 2 hears 1
    assert_allclose(new, [0.5, 1.0 + 0.5 * (0.0 - 0.5 * 1.0), 0.5])


def test_complete_network_is_mean_field():
    net = ColleagueNetwork(None, 4)
    assert_allclose(net.neighbour_mean(np.array([1.0, 0.0, 0.0, 1.0])), [0.5] * 4)
    assert net.complete


def test_acceptance_monotone_in_each_driver():
    base = dict(
        usefulness=0.5,
        ease=np.array([0.5]),
        social=np.array([0.5]),
        social_weight=np.array([1.0]),
        frustration=np.array([0.2]),
        intercept=-1.0,
        w_usefulness=3.0,
        w_ease=1.5,
        w_frustration=3.0,
    )
    a0 = pr.acceptance(**base)[0]
    assert pr.acceptance(**{**base, "usefulness": 0.9})[0] > a0
    assert pr.acceptance(**{**base, "ease": np.array([0.9])})[0] > a0
    assert pr.acceptance(**{**base, "social": np.array([0.9])})[0] > a0
    assert pr.acceptance(**{**base, "frustration": np.array([0.9])})[0] < a0
    assert (
        pr.acceptance(**{**base, "social_weight": np.array([0.0]), "social": np.array([0.9])})[0]
        < pr.acceptance(**{**base, "social": np.array([0.9])})[0]
    )


def test_adoption_hazard_is_discrete_bass():
    assert pr.adoption_hazard(1.0, 0.03, 0.4, 0.25) == pytest.approx(1 - np.exp(-0.13))
    assert pr.adoption_hazard(0.0, 0.03, 0.4, 0.25) == 0


def test_transition_competing_hazards():
    state = np.array([L, L, L, A, A, X, X, W, G])
    draw = np.array([0.05, 0.3, 0.9, 0.05, 0.9, 0.1, 0.9, 0.0, 0.0])
    one = np.ones(9)
    new = pr.transition(
        state, draw, adopt=0.5 * one, avoid=0.1 * one, give_up=0.1 * one, come_back=0.2 * one
    )
    # live: 0.05 < 0.1 -> workaround; 0.3 < 0.1 + 0.9*0.5 -> adopted; 0.9 stays live
    assert new.tolist() == [X, A, L, X, A, L, X, W, G]


def test_allocate_largest_remainder():
    assert allocate(10, np.array([0.33, 0.33, 0.34])).tolist() == [3, 3, 4]
    assert allocate(7, np.array([0.5, 0.5])).sum() == 7


def test_detection_probability_goel_okumoto():
    assert pr.detection_probability(0.0) == 0
    assert pr.detection_probability(np.log(2)) == pytest.approx(0.5)


def test_learning_by_doing_depends_on_hours_of_use():
    prof = np.array([0.5, 0.5, 0.5])
    retention = pr.practice_retention(np.array([0.0, 10.0, 20.0]), 0.2)
    assert_allclose(retention, [1.0, 0.8, 0.64])
    assert_allclose(pr.learn_by_doing(prof, retention), [0.5, 0.6, 1 - 0.5 * 0.8**2])
