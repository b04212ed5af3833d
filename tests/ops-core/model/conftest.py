"""Fixtures for the model tests: charm metadata, the simulated Juju, the fake Juju.

The model under test talks to the one backend of ``ops_testing``'s simulated Juju (the
backend ``Context`` and ``Harness`` use, answering as Juju does), through a recorder that
notes each call so that tests can check what the model asks Juju and how often.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml
from ops_core.charm import CharmMeta
from ops_core.model import Model

from tests.helpers.fakejuju.fixtures import fake_juju  # noqa: F401
from tests.helpers.fakejuju.world import Recorder, World

META = """
name: myapp
requires:
  db: {interface: pg}
  cache: {interface: redis}
provides:
  website: {interface: http}
peers:
  peer: {interface: cluster}
storage:
  data: {type: filesystem, multiple: {range: 1-3}}
  logs: {type: filesystem}
containers:
  work: {resource: img}
resources:
  img: {type: oci-image}
  blob: {type: file, filename: blob.bin}
"""


@pytest.fixture
def meta() -> CharmMeta:
    return CharmMeta.from_yaml(META)


class ModelJuju(World):
    """The simulated Juju of ``myapp/0`` in model ``m``, its backend's calls recorded.

    As the model tests' Juju has it: three planned units, a trusted application on LXD,
    a network for every binding, the ``blob`` resource.
    """

    def __init__(self) -> None:
        super().__init__(yaml.safe_load(META), model_name='m', model_uuid='uuid-1')
        self.recorder = Recorder(self.backend)
        self.calls = self.recorder.calls
        self.set_planned_units(3)
        self.set_credential({'type': 'lxd', 'name': 'localhost'})
        self.add_resource('blob', '/var/lib/juju/resources/blob')
        self.set_network(
            None,
            {
                'bind-addresses': [
                    {
                        'interface-name': 'eth0',
                        'addresses': [{'value': '10.0.0.5', 'cidr': '10.0.0.0/24'}],
                    }
                ],
                'ingress-addresses': ['10.0.0.5'],
                'egress-subnets': ['10.0.0.5/32'],
            },
        )

    def count(self, name: str) -> int:
        """How many times the model called backend method ``name``."""
        return self.recorder.count(name)

    def relate(
        self,
        relation_id: int,
        endpoint: str,
        remote_app: str,
        units: list[str],
        data: dict[str, dict[str, str]] | None = None,
    ) -> None:
        """Add a relation; ``data`` has the remote app's and units' bags by member name."""
        data = data or {}
        self.add_relation(
            endpoint,
            remote_app,
            relation_id=relation_id,
            units=units,
            remote_app_data=data.get(remote_app),
            remote_units_data={m: bag for m, bag in data.items() if '/' in m},
            remote_model_uuid='remote-uuid',
            peer=remote_app == 'myapp',
        )


@pytest.fixture
def juju() -> ModelJuju:
    return ModelJuju()


@pytest.fixture
def make_model(meta: CharmMeta, juju: ModelJuju) -> Callable[..., Model]:
    def make(**kwargs: Any) -> Model:
        return Model(meta, juju.recorder, **kwargs)

    return make
