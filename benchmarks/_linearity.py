"""The scaling rows' linearity check (issue 19), apart from any timing so that it can be tested.

A scaling row measures one operation over N things and over 10N things; the operation is
linear when the quantity at 10N is at most 11x the quantity at N (``LIMIT``). The quantity
is a median of many samples of CPU time. For a whole hook process it is what the N things
add to the same hook with none: the median at N (or 10N) minus the median at 0. A fixed
cost per operation only lowers the multiple (below 10), so in-process rows keep theirs; a
hook's start-up cost is several times what the N things add, so the dispatch rows subtract
it, or a quadratic cost would hide behind it.

Nothing here looks at a clock: ``tests/benchmarks`` feeds it made-up samples (a linear
cost, a linear cost with a fixed part, a quadratic cost) and checks the verdicts.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Sequence

LIMIT = 11.0
"""Linear: the quantity at 10N is at most this multiple of the quantity at N."""


@dataclasses.dataclass(frozen=True)
class Growth:
    """The quantity at N and at 10N, and what their multiple says."""

    small: float
    big: float

    @property
    def ratio(self) -> float:
        """The quantity at 10N over the quantity at N."""
        return self.big / self.small

    @property
    def linear(self) -> bool:
        """Whether the quantity at 10N is at most ``LIMIT`` times the quantity at N."""
        return self.ratio <= LIMIT


def growth(small: Sequence[float], big: Sequence[float], base: Sequence[float] = ()) -> Growth:
    """The growth from N to 10N, from samples at N and at 10N (and at 0 for a hook process).

    Args:
        small: samples at N.
        big: samples at 10N.
        base: samples of the same operation with none of the things; when given, each size's
            quantity is its median minus this median (what the N things add).

    Raises:
        ValueError: no samples, or the things add nothing measurable at N (the multiple
            would say nothing).
    """
    if not small or not big:
        raise ValueError('no samples at N or at 10N')
    zero = statistics.median(base) if base else 0.0
    at_n = statistics.median(small) - zero
    at_10n = statistics.median(big) - zero
    if at_n <= 0:
        raise ValueError('the N things add nothing measurable to the operation')
    return Growth(at_n, max(at_10n, 0.0))


def dispatch_order(rep: int) -> tuple[str, ...]:
    """The sizes one repetition of a real-dispatch row samples, in order.

    The hook with none (``base``) and with N (``small``) are each taken three times per
    repetition and the hook with 10N (``big``) once: the cheap sizes' medians then come
    from three times as many samples, which is what the difference ``t(N) - t(0)`` (small
    beside the hook's own noise) needs, for a third more time per repetition. Every size is
    taken in every repetition, so a change in the machine's load falls on all three; the
    order reverses from one repetition to the next.
    """
    order = ('base', 'small', 'base', 'big', 'small', 'base', 'small')
    return order if rep % 2 == 0 else order[::-1]


__all__ = ['LIMIT', 'Growth', 'dispatch_order', 'growth']
