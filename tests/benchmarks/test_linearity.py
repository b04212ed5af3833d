"""The scaling rows' linearity check, fed counts and made-up samples (no clock involved).

The check must say "not linear" for a quadratic operation, in both its forms (an
in-process operation with a fixed cost, and a hook whose start-up cost is subtracted),
and "linear" for a linear one even with the sampling noise a loaded machine adds.
"""

from __future__ import annotations

import gc
import random

import pytest

from tests.benchmarks._load import load

linearity = load('_linearity')
scale = load('_scale')


def _queue_with_list(n: int) -> int:
    """Queue n distinct items, looking for a duplicate by scanning: the steps taken."""
    queue: list[int] = []
    steps = 0
    for item in range(n):
        for other in queue:
            steps += 1
            if other == item:
                break
        queue.append(item)
        steps += 1
    return steps


def _queue_with_set(n: int) -> int:
    """The same with a set: one step per item."""
    queue: set[int] = set()
    steps = 0
    for item in range(n):
        steps += 1
        queue.add(item)
    return steps


@pytest.mark.parametrize('fixed', [0, 50, 500])
def test_a_quadratic_operation_is_not_linear(fixed: int) -> None:
    g = linearity.growth([fixed + _queue_with_list(100)], [fixed + _queue_with_list(1000)])
    assert g.ratio > 11
    assert not g.linear


def test_a_quadratic_hook_is_not_linear_once_its_start_up_is_subtracted() -> None:
    start_up = 10 * _queue_with_list(100)  # a hook's start-up dwarfs what N things add
    base = [start_up] * 3
    small = [start_up + _queue_with_list(100)] * 3
    big = [start_up + _queue_with_list(1000)]
    assert linearity.growth(small, big).linear  # the whole hook hides the growth...
    assert not linearity.growth(small, big, base).linear  # ...its increment does not


def test_a_linear_operation_is_linear_with_or_without_a_fixed_cost() -> None:
    for fixed in (0, 50, 5000):
        g = linearity.growth([fixed + _queue_with_set(100)], [fixed + _queue_with_set(1000)])
        assert g.linear
    g = linearity.growth([7 + 100], [7 + 1000], [7])
    assert g.ratio == pytest.approx(10.0)
    assert g.linear


def test_a_slightly_superlinear_cost_is_not_linear() -> None:
    # n log n from 100 to 1,000 grows the cost per thing by half: 15x, caught.
    g = linearity.growth([100 * 2.0], [1000 * 3.0])
    assert g.ratio == pytest.approx(15.0)
    assert not g.linear


def test_noise_around_a_linear_increment_stays_inside_the_limit() -> None:
    # A hook of 60 units with +-3 units of noise (5%), 20 units added at N: the increment
    # at N is small beside the noise of one sample, but medians of the samples a row takes
    # (27 at 0 and N, 9 at 10N) keep the multiple near 10.
    rng = random.Random(19)
    for _ in range(200):
        base = [60 + rng.uniform(-3, 3) for _ in range(27)]
        small = [80 + rng.uniform(-3, 3) for _ in range(27)]
        big = [260 + rng.uniform(-3, 3) for _ in range(9)]
        assert linearity.growth(small, big, base).linear


def test_nothing_measurable_has_no_multiple() -> None:
    with pytest.raises(ValueError, match='nothing measurable'):
        linearity.growth([10.0, 10.2], [11.0], [10.5])
    with pytest.raises(ValueError, match='no samples'):
        linearity.growth([], [1.0])


def test_each_dispatch_repetition_takes_the_cheap_sizes_three_times() -> None:
    for rep in range(4):
        order = linearity.dispatch_order(rep)
        assert sorted(order) == sorted(['base'] * 3 + ['small'] * 3 + ['big'])
    assert linearity.dispatch_order(1) == linearity.dispatch_order(0)[::-1]


def test_the_timed_part_runs_with_the_collector_off_and_it_comes_back_on() -> None:
    seen: list[bool] = []
    assert gc.isenabled()
    assert scale.cpu_seconds(lambda: seen.append(gc.isenabled())) >= 0
    assert seen == [False]
    assert gc.isenabled()

    def fail() -> None:
        raise RuntimeError('boom')

    with pytest.raises(RuntimeError, match='boom'):
        scale.cpu_seconds(fail)
    assert gc.isenabled()
    gc.disable()
    try:
        scale.cpu_seconds(lambda: None)
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
