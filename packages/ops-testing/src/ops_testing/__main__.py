"""``python -m ops_testing``: the charm simulator (``run`` one event, or a ``lifecycle``)."""

import sys

from ._cli import main

if __name__ == '__main__':
    sys.exit(main())
