"""``Tracing``: the charm object that points the charm's trace data at the tracing backend."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import opentelemetry.trace
from ops_core.charm import RelationRole
from ops_core.framework import Object
from ops_core.model import ModelError

from . import _relations
from ._buffer import Destination
from ._exports import publish

if TYPE_CHECKING:
    from ops_core.charm import CharmBase
    from ops_core.framework import EventBase
    from ops_core.model import Relation

__all__ = ['Tracing']

logger = logging.getLogger(__name__)
_tracer = opentelemetry.trace.get_tracer('ops.tracing')

_NOWHERE = Destination(None, None)


class Tracing(Object):
    """Send the charm's trace data where its ``tracing`` relation says.

    Create one in the charm's ``__init__``, naming the charm's ``tracing`` relation
    (tempo's interface, v2 databags) and, optionally, its ``certificate_transfer``
    relation for the CA that an HTTPS destination is verified with::

        # charmcraft.yaml
        requires:
          charm-tracing:
            interface: tracing
            limit: 1
            optional: true
          receive-ca-cert:
            interface: certificate_transfer
            limit: 1
            optional: true

        # src/charm.py
        class MyCharm(ops.CharmBase):
            def __init__(self, framework: ops.Framework):
                super().__init__(framework)
                self.tracing = ops.tracing.Tracing(
                    self,
                    tracing_relation_name='charm-tracing',
                    ca_relation_name='receive-ca-cert',
                )

    The leader asks the provider for an ``otlp_http`` receiver; when the provider
    publishes one, every dispatch's spans go to ``<its url>/v1/traces``. An HTTPS
    destination is verified with the CA from ``ca_relation_name`` (and left unused until
    that relation provides one), with the fixed ``ca_data``, or with the system's CA list
    when neither is given.

    Args:
        charm: the charm.
        tracing_relation_name: the charm's ``requires`` relation of interface ``tracing``.
        ca_relation_name: the charm's ``requires`` relation of interface
            ``certificate_transfer``, if any.
        ca_data: a fixed CA list (PEM) for HTTPS destinations instead of a relation.

    Raises:
        ValueError: if a relation is not declared in the charm's metadata, is not a
            ``requires`` relation, or has another interface; or if both
            ``ca_relation_name`` and ``ca_data`` are given.
    """

    def __init__(
        self,
        charm: CharmBase,
        tracing_relation_name: str,
        *,
        ca_relation_name: str | None = None,
        ca_data: str | None = None,
    ):
        with _tracer.start_as_current_span('ops.tracing.Tracing'):
            super().__init__(charm, f'{tracing_relation_name}+{ca_relation_name}')
            self.charm = charm
            self.tracing_relation_name = tracing_relation_name
            self.ca_relation_name = ca_relation_name
            self.ca_data = ca_data
            if ca_relation_name is not None and ca_data is not None:
                raise ValueError(
                    'Tracing takes ca_relation_name or ca_data, not both: the CA comes from '
                    'the relation or is fixed'
                )
            self._check_relation(tracing_relation_name, 'tracing')
            if ca_relation_name is not None:
                self._check_relation(ca_relation_name, 'certificate_transfer')

            on = charm.on
            observe = self.framework.observe
            observe(on.start, self._reconcile)
            observe(on.upgrade_charm, self._reconcile)
            observe(on[tracing_relation_name].relation_changed, self._reconcile)
            observe(on[tracing_relation_name].relation_broken, self._reconcile)
            if ca_relation_name is not None:
                observe(on[ca_relation_name].relation_created, self._on_ca_relation_created)
                observe(on[ca_relation_name].relation_changed, self._reconcile)
                observe(on[ca_relation_name].relation_broken, self._reconcile)
            self._request_protocols()

    def _check_relation(self, name: str, interface: str) -> None:
        relation = self.charm.meta.relations.get(name)
        if relation is None:
            raise ValueError(
                f'relation {name!r} is not declared in the charm metadata; declare it under '
                f'requires: with interface: {interface}'
            )
        if relation.role is not RelationRole.requires:
            raise ValueError(
                f'relation {name!r} is a {relation.role.value!r} relation; tracing needs it '
                f"under 'requires'"
            )
        if relation.interface_name != interface:
            raise ValueError(
                f'relation {name!r} has interface {relation.interface_name!r}; tracing needs '
                f'interface {interface!r}'
            )

    # -- what the charm publishes -----------------------------------------------------

    def _request_protocols(self) -> None:
        """As the leader, ask each tracing provider for the receivers we send to."""
        relations = self.model.relations[self.tracing_relation_name]
        if not relations:
            return
        wanted = '["' + '", "'.join(_relations.REQUESTED_PROTOCOLS) + '"]'
        try:
            if not self.model.unit.is_leader():
                return
            for relation in relations:
                databag = relation.data[self.model.app]
                if databag.get('receivers') != wanted:
                    databag['receivers'] = wanted
        except ModelError as exc:
            # The relation may be going away while this hook runs.
            logger.info('Could not ask the tracing provider for receivers: %s', exc)

    def _on_ca_relation_created(self, event: Any) -> None:
        if not self.model.unit.is_leader():
            return
        event.relation.data[self.model.app]['version'] = '1'

    # -- where the data goes ----------------------------------------------------------

    def _reconcile(self, _event: EventBase) -> None:
        import ops_tracing  # looked up at call time, so tests can replace set_destination

        destination = self._destination()
        ops_tracing.set_destination(url=destination.url, ca=destination.ca)

    def _relation(self, name: str) -> Relation | None:
        relations = self.model.relations[name]
        if len(relations) > 1:
            logger.warning(
                'Relation %r has %d relations; tracing uses the first (declare it limit: 1).',
                name,
                len(relations),
            )
        return relations[0] if relations else None

    def _destination(self) -> Destination:
        relation = self._relation(self.tracing_relation_name)
        if relation is None or relation.app is None:
            return _NOWHERE
        base_url = _relations.receiver_url(relation.data[relation.app], 'otlp_http')
        if not base_url:
            return _NOWHERE
        if not base_url.startswith(('http://', 'https://')):
            logger.warning('The tracing receiver %r is not an http(s):// URL.', base_url)
            return _NOWHERE
        url = base_url.rstrip('/') + '/v1/traces'
        if url.startswith('http://'):
            return Destination(url, None)
        if self.ca_relation_name is None:
            return Destination(url, self.ca_data)
        ca = self._ca()
        return Destination(url, ca) if ca else _NOWHERE

    def _ca(self) -> str | None:
        assert self.ca_relation_name is not None
        relation = self._relation(self.ca_relation_name)
        if relation is None or relation.app is None:
            return None
        app_databag = relation.data[relation.app]
        if not _relations.certificate_transfer_ready(app_databag):
            return None
        unit_databags = [
            relation.data[unit] for unit in sorted(relation.units, key=lambda unit: unit.name)
        ]
        certificates = _relations.ca_certificates(app_databag, unit_databags)
        return '\n'.join(sorted(certificates)) or None


publish(__name__)
