"""docs/build_api.py documents every public module, names and all (the HTML is built in CI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.load import load_file

REPO = Path(__file__).resolve().parents[2]

pytest.importorskip('pdoc')


builder = load_file('build_api', REPO / 'docs' / 'build_api.py')


def test_every_module_of_ops_39s_api_gets_a_page():
    reference = json.loads((REPO / 'tests' / 'data' / 'ops-3.9.0.json').read_text())
    assert set(reference) <= set(builder.MODULES)


def test_a_view_is_named_as_charms_import_it_and_holds_the_public_names():
    view = builder.view('ops.pebble')
    assert view.__name__ == 'ops.pebble'
    import ops_pebble

    assert view.Layer is ops_pebble.Layer
    assert 'Layer' in view.__all__ and not any(n.startswith('_') for n in view.__all__)


def test_variables_keep_the_docstrings_written_where_they_are_assigned():
    view = builder.view('ops.testing')
    assert view.__ops_variable_docstrings__['CharmType'].startswith('The type of the charm')
