"""Run by ``check_interface_tester.py`` in a venv of our wheels plus pytest-interface-tester.

Not collected by the project's own test run (the name does not start with ``test_``). The
plugin is loaded by pytest through its entry point, gives the ``interface_tester`` fixture,
and runs one interface test (a ``tracing`` provider must publish its endpoint on
relation-changed) on our ``Context`` through scenario's private names it imports.
"""

from __future__ import annotations

import pathlib
import textwrap

import ops
import pytest
import scenario
from interface_tester import InterfaceTester
from interface_tester.collector import gather_test_spec_for_version
from interface_tester.errors import SchemaValidationError

META = {'name': 'tracer', 'provides': {'foo-one': {'interface': 'tracing'}}}

INTERFACE_TEST = """
from scenario import Relation, State
from interface_tester.interface_test import Tester

def test_publishes_endpoint_on_changed():
    t = Tester(State(relations=[Relation('tracing', interface='tracing')]))
    t.run('tracing-relation-changed')
    t.assert_schema_valid()
"""

SCHEMA = """
from pydantic import BaseModel
from interface_tester.schema_base import DataBagSchema

class Endpoint(BaseModel):
    url: str

class ProviderSchema(DataBagSchema):
    app: Endpoint
"""


class Tracer(ops.CharmBase):
    publish = True

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on['foo-one'].relation_changed, self._on_changed)

    def _on_changed(self, event: ops.RelationChangedEvent) -> None:
        if self.publish:
            event.relation.data[self.app]['url'] = 'http://tracer:4318'


def _tester(root: pathlib.Path, charm: type[ops.CharmBase]) -> InterfaceTester:
    version_dir = root / 'interfaces' / 'tracing' / 'v2'
    (version_dir / 'interface_tests').mkdir(parents=True)
    (version_dir / 'interface_tests' / 'test_provider.py').write_text(INTERFACE_TEST)
    (version_dir / 'schema.py').write_text(textwrap.dedent(SCHEMA))

    class LocalTester(InterfaceTester):
        _RAISE_IMMEDIATELY = True

        def _collect_interface_test_specs(self):  # type: ignore[no-untyped-def]
            return gather_test_spec_for_version(version_dir, interface_name='tracing', version=2)

    tester = LocalTester()
    tester.configure(
        charm_type=charm,
        meta=META,
        interface_name='tracing',
        interface_version=2,
        state_template=scenario.State(leader=True),  # the charm's baseline: it leads
    )
    return tester


def test_the_plugin_fixture_is_loaded(interface_tester: object) -> None:
    assert isinstance(interface_tester, InterfaceTester)


def test_an_interface_test_runs_the_charm(tmp_path: pathlib.Path) -> None:
    _tester(tmp_path, Tracer).run()


def test_an_interface_test_catches_a_charm_that_publishes_nothing(tmp_path: pathlib.Path) -> None:
    class Silent(Tracer):
        publish = False

    with pytest.raises(SchemaValidationError):
        _tester(tmp_path, Silent).run()
