"""Loaded only for the benchmarks' module-count probe run (never for a timed run).

At interpreter exit it writes the names of every imported module to $BENCH_MODULES_OUT. The
snapshot is taken before this module imports anything of its own, so the count is the hook's.
"""

import atexit
import os
import sys


def _dump() -> None:
    names = sorted(sys.modules)
    path = os.environ.get('BENCH_MODULES_OUT')
    if path:
        with open(path, 'w', encoding='utf-8') as f:
            f.write('\n'.join(names))


atexit.register(_dump)
