"""Every attribute of ops 3.9's modules that a test can reach resolves here too.

``tests/data/ops39-module-attrs.json`` is ``dir()`` of each public ops 3.9 module (written by
``tools/ops39-attrs/generate.py``, which also writes the table ``ops`` resolves the missing
ones from). A test that does ``mock.patch('ops.charm.model.Model.get_secret')`` or
``mock.patch('ops.storage.sqlite3.connect')`` reaches through such attributes.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import pathlib
import sqlite3
import subprocess
import sys
import types
from typing import Any
from unittest import mock

import ops
import pytest
from ops import testing
from ops._ops39_attrs import ATTRIBUTES, UNSUPPORTED

SNAPSHOT = pathlib.Path(__file__).parents[1] / 'data' / 'ops39-module-attrs.json'
OPS39_PYTHON = pathlib.Path('/tmp/ops39/bin/python')
HAS_OPENTELEMETRY = importlib.util.find_spec('opentelemetry') is not None


def _module(name: str) -> Any:
    # ops.main is the callable; the module is sys.modules['ops.main'].
    importlib.import_module(name)
    return sys.modules[name]


def _ops39_names() -> list[tuple[str, str]]:
    snapshot = json.loads(SNAPSHOT.read_text())
    return [
        (module, name)
        for module, names in sorted(snapshot.items())
        for name in names
        if not name.startswith('__') and name not in UNSUPPORTED.get(module, ())
    ]


def _needs_opentelemetry(module: str, name: str) -> bool:
    spec = ATTRIBUTES.get(module, {}).get(name, '')
    return spec.startswith('tracer:') or spec == 'module:opentelemetry'


@pytest.mark.parametrize(('module', 'name'), _ops39_names())
def test_each_ops39_module_attribute_resolves(module: str, name: str) -> None:
    target = _module(module)
    if _needs_opentelemetry(module, name) and not HAS_OPENTELEMETRY:
        with pytest.raises(AttributeError, match=r'ops\[tracing\]'):
            getattr(target, name)
        return
    assert hasattr(target, name), f'{module}.{name} (ops 3.9 has it) does not resolve'


def test_the_unsupported_names_are_all_private() -> None:
    for module, names in UNSUPPORTED.items():
        for name in names:
            value = None if name.startswith('_') else getattr(_module(module), name, None)
            assert name.startswith('_') or value is None, f'{module}.{name}'


@pytest.mark.skipif(not OPS39_PYTHON.exists(), reason='ops 3.9 is not installed in /tmp/ops39')
def test_the_snapshot_is_ops39s_dir() -> None:
    code = (
        'import importlib, json, sys\n'
        'out = {}\n'
        'for m in sys.argv[1:]:\n'
        '    importlib.import_module(m)\n'
        '    out[m] = sorted(dir(sys.modules[m]))\n'
        'print(json.dumps(out))\n'
    )
    snapshot = json.loads(SNAPSHOT.read_text())
    done = subprocess.run(
        [str(OPS39_PYTHON), '-c', code, *snapshot],
        capture_output=True,
        text=True,
        check=True,
        cwd='/',
        timeout=120,
    )
    assert json.loads(done.stdout) == snapshot


def test_module_attributes_are_the_objects_ops39_had_there() -> None:
    import ops.charm
    import ops.framework
    import ops.model
    import ops.storage

    assert ops.charm.model is ops.model
    assert ops.framework.charm is ops.charm
    assert ops.model.pebble is ops.pebble
    assert ops.model.hookcmds is ops.hookcmds
    assert testing.model is ops.model  # type: ignore[attr-defined]
    assert testing.pebble is ops.pebble  # type: ignore[attr-defined]
    assert ops.storage.sqlite3 is sqlite3  # type: ignore[attr-defined]
    assert ops.model.logger.name == 'ops.model'  # type: ignore[attr-defined]
    assert ops.main.logger is ops.storage.logger  # type: ignore[attr-defined]
    assert ops.jujuversion.total_ordering is __import__('functools').total_ordering  # type: ignore[attr-defined]


def test_a_name_ops39_never_had_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match=r"module 'ops.model' has no attribute 'Nonesuch'"):
        ops.model.Nonesuch  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError):
        ops.model._ModelCache  # type: ignore[attr-defined]  # noqa: B018


class SecretCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.start, self._on_start)

    def _on_start(self, event: ops.StartEvent) -> None:
        secret = self.model.get_secret(label='db')
        self.unit.status = ops.ActiveStatus(secret.get_content()['password'])


def test_patching_through_ops_charm_model_patches_the_model() -> None:
    fake = mock.MagicMock()
    fake.get_content.return_value = {'password': 'from-the-patch'}
    ctx = testing.Context(SecretCharm, meta={'name': 'secret'})
    with mock.patch('ops.charm.model.Model.get_secret', return_value=fake) as patched:
        state = ctx.run(ctx.on.start(), testing.State())
    patched.assert_called_once_with(label='db')
    assert state.unit_status == testing.ActiveStatus('from-the-patch')


def test_patching_ops_storage_sqlite3_connect_reaches_the_state_file(
    tmp_path: pathlib.Path,
) -> None:
    import ops.storage

    real_connect = sqlite3.connect
    with mock.patch('ops.storage.sqlite3.connect', side_effect=real_connect) as connect:
        store = ops.storage.SQLiteStorage(tmp_path / 'state.db')
        store.save_snapshot('a/b', {'k': 1})
        store.close()
    assert connect.call_args.args[0] == str(tmp_path / 'state.db')


def test_ops_version_is_a_module_with_the_version_string() -> None:
    import ops.version

    assert isinstance(ops.version, types.ModuleType)
    assert ops.version.version == ops.__version__


@pytest.mark.skipif(
    importlib.util.find_spec('ops_tracing') is not None, reason='ops[tracing] is installed'
)
def test_ops_tracing_is_none_without_ops_tracing(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ops.tracing is None
    assert 'tracing' in ops.__all__
    monkeypatch.setattr('ops.tracing', None)  # what charms' conftests do
    assert ops.tracing is None


def _run(code: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, '-c', code], capture_output=True, text=True, check=True, timeout=60
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


_SIDE_EFFECTS = ['urllib.request', 'urllib.error', 'http.client', 'email.message', 'email.utils']


def test_side_effect_submodules_are_not_loaded_by_import_ops() -> None:
    loaded = _run(
        'import json, sys\nimport ops\n'
        f'print(json.dumps([m for m in {_SIDE_EFFECTS!r} if m in sys.modules]))'
    )
    assert loaded == []


def test_side_effect_submodules_resolve_on_first_touch() -> None:
    # What charms do: rely on ops having imported urllib.request (and http.client, email).
    result = _run(
        'import json, sys\n'
        'import ops\n'
        'import urllib, http, email\n'
        'before = [m for m in ("urllib.request", "http.client") if m in sys.modules]\n'
        'urlopen = urllib.request.urlopen\n'
        'conn = http.client.HTTPConnection\n'
        'date = email.utils.formatdate(0)\n'
        'from urllib import error\n'
        'print(json.dumps({\n'
        '    "before": before,\n'
        '    "after": [m for m in ("urllib.request", "http.client") if m in sys.modules],\n'
        '    "urlopen": urlopen.__module__, "conn": conn.__module__, "date": date,\n'
        '    "error": error.__name__,\n'
        '    "loader": type(email.__spec__.loader).__name__,\n'
        '    "same": email.__loader__ is email.__spec__.loader,\n'
        '    "missing": hasattr(urllib, "nonesuch"),\n'
        '}))'
    )
    assert result['before'] == []
    assert result['after'] == ['urllib.request', 'http.client']
    assert result['urlopen'] == 'urllib.request'
    assert result['conn'] == 'http.client'
    assert result['date'] == 'Thu, 01 Jan 1970 00:00:00 -0000'
    assert result['error'] == 'urllib.error'
    assert result['loader'] == 'SourceFileLoader'  # the package's own loader, not a wrapper
    assert result['same']
    assert not result['missing']


def test_side_effect_submodules_resolve_when_the_parent_was_imported_first() -> None:
    result = _run(
        'import json\nimport http, email\nimport ops\n'
        'print(json.dumps([http.client.__name__, email.message.__name__]))'
    )
    assert result == ['http.client', 'email.message']
