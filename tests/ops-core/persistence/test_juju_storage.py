"""JujuStorage against fake ``state-get``/``state-set``/``state-delete`` hook tools on PATH."""

from __future__ import annotations

import ast
import os
import subprocess
from pathlib import Path

import pytest
from ops.framework import EventBase, EventSource, Framework, Object, ObjectEvents, StoredState
from ops.storage import JujuStorage, NoSnapshotError, juju_backend_available

from tests.helpers.fakejuju import FakeJuju


def test_backend_available_follows_path(
    fake_juju: FakeJuju, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert juju_backend_available()
    monkeypatch.setenv('PATH', '/nonexistent')
    assert not juju_backend_available()
    with pytest.raises(FileNotFoundError, match='state-get'):
        JujuStorage().load_snapshot('x')


def test_values_of_every_type_round_trip(fake_juju: FakeJuju) -> None:
    storage = JujuStorage()
    value = {
        'foo': 2,
        3: [1, 2, '3'],
        'four': {2, 3},
        'five': {'a': 2, 'b': 3.0},
        'six': ('a', 'b'),
        'seven': b'1234',
        'none': None,
        'flag': True,
        'text': 'héllo',
    }
    storage.save_snapshot('Class[foo]/_stored', value)
    assert storage.load_snapshot('Class[foo]/_stored') == value
    storage.drop_snapshot('Class[foo]/_stored')
    with pytest.raises(NoSnapshotError):
        storage.load_snapshot('Class[foo]/_stored')


def test_state_set_receives_the_ops39_two_level_yaml(fake_juju: FakeJuju) -> None:
    storage = JujuStorage()
    storage.save_snapshot('key', {'foo': 2})
    storage.save_snapshot(
        'Class[foo]/_stored',
        {
            'foo': 2,
            3: [1, 2, '3'],
            'four': {2, 3},
            'five': {'a': 2, 'b': 3.0},
            'six': ('a', 'b'),
            'seven': b'1234',
        },
    )
    calls = fake_juju.calls('state-set')
    assert [c.argv for c in calls] == [['state-set', '--file', '-']] * 2
    assert calls[0].stdin == '"key": |\n  {foo: 2}\n'
    assert calls[1].stdin == (
        '"Class[foo]/_stored": |\n'
        '  foo: 2\n'
        "  3: [1, 2, '3']\n"
        '  four: !!set {2: null, 3: null}\n'
        '  five: {a: 2, b: 3.0}\n'
        '  six: !!python/tuple [a, b]\n'
        '  seven: !!binary |\n'
        '    MTIzNA==\n'
    )
    assert fake_juju.argvs('state-get') == []
    storage.load_snapshot('key')
    assert fake_juju.argvs('state-get') == [['state-get', 'key']]


def test_notices_live_under_one_key_in_order(fake_juju: FakeJuju) -> None:
    storage = JujuStorage()
    assert list(storage.notices()) == []
    storage.save_notice('C/on/a[1]', 'C', '_a')
    storage.save_notice('C/on/b[2]', 'C', '_b')
    storage.save_notice('C/on/a[1]', 'C', '_a')
    assert list(storage.notices('C/on/a[1]')) == [('C/on/a[1]', 'C', '_a')] * 2
    storage.drop_notice('C/on/a[1]', 'C', '_a')  # removes the first match only
    assert list(storage.notices()) == [('C/on/b[2]', 'C', '_b'), ('C/on/a[1]', 'C', '_a')]
    with pytest.raises(ValueError):
        storage.drop_notice('C/on/zzz[9]', 'C', '_z')
    assert JujuStorage.NOTICE_KEY == '#notices#'
    raw = subprocess.run(
        ['state-get', '#notices#'], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    assert '!!python/tuple' in raw
    storage.commit()
    storage.close()


OPS39_PYTHON = Path('/tmp/ops39/bin/python')


@pytest.mark.skipif(
    not OPS39_PYTHON.exists(), reason='ops 3.9 (/tmp/ops39/bin/python) not installed'
)
def test_ops39_reads_what_ours_wrote_and_vice_versa(fake_juju: FakeJuju) -> None:
    value = {'n': 1, 's': {1, 2}, 't': (1, 'a'), 'b': b'\x00', 'l': [None, 2.5]}
    JujuStorage().save_snapshot('Mine[a]/StoredStateData[_stored]', value)
    JujuStorage().save_notice('Mine/on/x[1]', 'Mine', '_on_x')
    script = (
        'from ops.storage import JujuStorage\n'
        's = JujuStorage()\n'
        "print(repr(s.load_snapshot('Mine[a]/StoredStateData[_stored]')))\n"
        'print(list(s.notices()))\n'
        "s.save_snapshot('Theirs', {'t': (1, 2), 'set': {3}, 'raw': b'xy'})\n"
        "s.save_notice('Theirs/on/y[2]', 'Theirs', '_on_y')\n"
    )
    out = subprocess.run(
        [str(OPS39_PYTHON), '-c', script],
        env=fake_juju.full_env(PYTHONHASHSEED='0'),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert ast.literal_eval(lines[0]) == value
    assert ast.literal_eval(lines[1]) == [('Mine/on/x[1]', 'Mine', '_on_x')]
    storage = JujuStorage()
    assert storage.load_snapshot('Theirs') == {'t': (1, 2), 'set': {3}, 'raw': b'xy'}
    assert list(storage.notices()) == [
        ('Mine/on/x[1]', 'Mine', '_on_x'),
        ('Theirs/on/y[2]', 'Theirs', '_on_y'),
    ]


class _Ev(EventBase):
    pass


class _Events(ObjectEvents):
    ev = EventSource(_Ev)


class _Charm(Object):
    on = _Events()
    _stored = StoredState()

    def __init__(self, framework: Framework, defer: bool):
        super().__init__(framework, None)
        self.defer = defer
        self.seen: list[str] = []
        self._stored.set_default(runs=0)
        framework.observe(self.on.ev, self._on_ev)

    def _on_ev(self, event: _Ev) -> None:
        self.seen.append(event.handle.path)
        if self.defer:
            event.defer()


def test_the_framework_defers_and_stores_through_juju(fake_juju: FakeJuju, tmp_path: Path) -> None:
    framework = Framework(JujuStorage(), tmp_path, None, None)  # type: ignore[arg-type]
    charm = _Charm(framework, defer=True)
    framework.reemit()
    charm.on.ev.emit()
    charm._stored.runs += 1
    framework.commit()
    framework.close()
    assert fake_juju.state.load()['state_store']['#notices#']

    framework = Framework(JujuStorage(), tmp_path, None, None)  # type: ignore[arg-type]
    charm = _Charm(framework, defer=False)
    framework.reemit()
    assert charm.seen == ['_Charm/on/ev[1]']
    assert charm._stored.runs == 1
    framework.commit()
    framework.close()
    store = fake_juju.state.load()['state_store']
    assert '_Charm/on/ev[1]' not in store
    assert os.environ['PATH'].startswith(str(fake_juju.bin_dir))


def test_remove_unreferenced_events_explains_it_needs_a_listing_storage(
    fake_juju: FakeJuju, tmp_path: Path
) -> None:
    framework = Framework(JujuStorage(), tmp_path, None, None)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match='JujuStorage cannot'):
        framework.remove_unreferenced_events()
