"""The charm's modules live in src/ (charmcraft's layout): let the tests import them."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'src'))
