"""The RouteLLM metrics, checked against values worked out by hand."""

from __future__ import annotations

import random

import pytest

from bytechat_tui.routing.evaluation import evaluate_pair


def test_one_gap_found_first_gives_the_hand_computed_area() -> None:
    # Gaps 1, 0, 0, 0 with the gap ranked first: PGR over k = 0..4 is 0, 1, 1, 1, 1.
    report = evaluate_pair([0.9, 0.1, 0.2, 0.3], weak=[0, 1, 1, 1], strong=[1, 1, 1, 1], permutations=0)
    assert report.apgr == pytest.approx((0 + 1 + 1 + 1 + 1 - 0.5) / 4)
    assert report.cpt50 == pytest.approx(0.125)
    assert report.cpt80 == pytest.approx(0.2)
    assert report.oracle_apgr == pytest.approx(report.apgr)


def test_the_worst_ordering_is_below_random() -> None:
    report = evaluate_pair([0.1, 0.9, 0.8, 0.7], weak=[0, 1, 1, 1], strong=[1, 1, 1, 1], permutations=0)
    assert report.apgr == pytest.approx((0 + 0 + 0 + 0 + 1 - 0.5) / 4)
    assert report.cpt50 == pytest.approx(0.875)


def test_tied_scores_count_as_the_expectation_over_orders() -> None:
    gaps = [1, 0, 1, 0, 0, 1]
    report = evaluate_pair([0.5] * 6, weak=[0] * 6, strong=gaps, permutations=0)
    assert report.apgr == pytest.approx(0.5)


def test_a_good_router_has_a_small_p_value_and_a_random_one_does_not() -> None:
    rng = random.Random(7)
    weak = [rng.random() for _ in range(300)]
    strong = [w + rng.random() for w in weak]
    gaps = [s - w for w, s in zip(weak, strong)]
    good = evaluate_pair([g + rng.gauss(0, 0.2) for g in gaps], weak, strong, permutations=500)
    noise = evaluate_pair([rng.random() for _ in gaps], weak, strong, permutations=500)
    assert good.apgr > good.random_band[1] and good.p_value < 0.01
    assert noise.random_band[0] < noise.apgr < noise.random_band[1] and noise.p_value > 0.01
    assert good.random_band[0] < 0.5 < good.random_band[1]


def test_a_table_where_strong_is_not_better_is_refused() -> None:
    with pytest.raises(ValueError, match="not better"):
        evaluate_pair([0.1, 0.2], weak=[1, 1], strong=[0, 1])
