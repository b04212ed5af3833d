"""The real-Pebble transfer rows' verdict, fed made-up samples (no server, no clock).

Both clients stream at the server's pace, so the verdict must call two equally fast sides
"met" whichever is ahead by a little, and "NOT met" when ours is slower pair after pair or
grows its memory past the limit.
"""

from __future__ import annotations

import sys

from tests.benchmarks._load import load

realpebble = load('_realpebble')
report = sys.modules['_report']


def _cells(ops39: list[float], ours: list[float], mem: float = 0.5) -> tuple[object, object]:
    a = report.Cell(samples=ops39, extra={'mem': [0.1]})
    b = report.Cell(samples=ours, extra={'mem': [mem], 'mem_big': [mem]})
    return a, b


def test_slower_in_most_pairs_is_not_met() -> None:
    ops39 = [0.080 + 0.001 * i for i in range(15)]
    ours = [t * 1.04 for t in ops39]  # 4% slower, but in every pair
    assert realpebble.transfer_verdict(*_cells(ops39, ours)) == 'NOT met'


def test_equal_speeds_with_noise_are_met_either_way() -> None:
    ops39 = [0.080, 0.095, 0.071, 0.102, 0.088, 0.079, 0.091, 0.084, 0.099, 0.076, 0.083,
             0.090, 0.087, 0.081, 0.094]  # fmt: skip
    # Slower in 9 of 15 pairs and by the median: what equal speeds give often.
    ours = [t * (1.03 if i < 9 else 0.97) for i, t in enumerate(ops39)]
    assert realpebble.transfer_verdict(*_cells(ops39, ours)) == 'met'
    assert realpebble.transfer_verdict(*_cells(ours, ops39)) == 'met'


def test_faster_but_growing_memory_is_not_met() -> None:
    ops39 = [0.100] * 15
    ours = [0.050] * 15
    assert realpebble.transfer_verdict(*_cells(ops39, ours, mem=20.0)) == 'NOT met'
    assert realpebble.transfer_verdict(*_cells(ops39, ours, mem=2.0)) == 'met'


def test_sign_test_threshold_for_fifteen_pairs() -> None:
    # P(at most k faster of 15 | equal) is 0.018 for k=3 and 0.059 for k=4.
    assert realpebble._sign_test(3, 15)
    assert not realpebble._sign_test(4, 15)
