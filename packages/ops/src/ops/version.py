"""The version of this ``ops`` (``ops.version.version``), as ops 3.9 has it.

Charms should use ``ops.__version__``; this module exists because tools and tests read it.
"""

from __future__ import annotations

version: str = '3.9.0'
