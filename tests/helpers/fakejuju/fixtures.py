"""The ``fake_juju`` pytest fixture.

Import it into a conftest to use it::

    from tests.helpers.fakejuju.fixtures import fake_juju  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.fakejuju import FakeJuju


@pytest.fixture
def fake_juju(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeJuju]:
    """A fresh fake Juju whose tools and JUJU_* variables are in this process's environment."""
    fj = FakeJuju(tmp_path)
    for name, value in fj.env().items():
        monkeypatch.setenv(name, value)
    try:
        yield fj
    finally:
        fj.close()
