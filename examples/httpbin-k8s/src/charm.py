#!/usr/bin/env python3
"""A Kubernetes charm that runs httpbin, an HTTP request and response service.

This charm is a worked example of the main parts of ``ops`` for Kubernetes charms:

* a Pebble layer built from the charm configuration, applied (and replanned) whenever the
  workload container becomes ready or the configuration changes;
* configuration validated into a typed class with :meth:`ops.CharmBase.load_config`;
* an ingress-style relation whose application databags are written and read as typed
  classes with :meth:`ops.Relation.save` and :meth:`ops.Relation.load`;
* an administrator password kept in a Juju secret: the leader creates it, and its ID is
  shared with the other units through the peer relation;
* an action that runs a command in the workload container with :meth:`ops.Container.exec`;
* a Pebble health check whose failure event sets the unit status;
* collect-status: the unit status is computed at the end of every hook from what is
  wrong, if anything, rather than being set piecemeal by each handler.

Every handler is idempotent: most events run one method, :meth:`HttpbinCharm._reconcile`,
which brings the workload in line with the configuration and relations as they are now.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import secrets

import ops

logger = logging.getLogger(__name__)

CONTAINER = 'httpbin'
"""Name of the workload container, as declared in charmcraft.yaml."""
SERVICE = 'httpbin'
"""Name of the Pebble service that runs the web server."""
PEER_RELATION = 'httpbin-peers'
INGRESS_RELATION = 'ingress'
PASSWORD_LABEL = 'httpbin-admin-password'
"""Label of the Juju secret holding the administrator password (unique within the app)."""
PASSWORD_FILE = '/etc/httpbin/admin-password'
"""Where the password is written in the workload container (mode 0600).

The password is handed to the workload as a file rather than an environment variable so
that it never appears in the Pebble plan, which anyone with Pebble access can read.
"""
LOG_LEVELS = ('debug', 'info', 'warning', 'error', 'critical')


@dataclasses.dataclass(frozen=True)
class HttpbinConfig:
    """The charm configuration, validated.

    :meth:`ops.CharmBase.load_config` maps each option to the field of the same name, with
    dashes turned into underscores (``log-level`` becomes ``log_level``).

    Attributes:
        port: TCP port that httpbin listens on.
        log_level: gunicorn log level.
        workers: number of gunicorn worker processes.
    """

    port: int = 8080
    log_level: str = 'info'
    workers: int = 2

    def __post_init__(self) -> None:
        """Check the values that Juju's type checks can't.

        Raises:
            ValueError: an option is out of range; the message names the option and the
                accepted values, and is shown to the operator in the unit status.
        """
        if not 1 <= self.port <= 65535:
            raise ValueError(f"'port' must be between 1 and 65535, not {self.port}")
        if self.log_level not in LOG_LEVELS:
            raise ValueError(
                f"'log-level' must be one of {', '.join(LOG_LEVELS)}, not {self.log_level!r}"
            )
        if not 1 <= self.workers <= 32:
            raise ValueError(f"'workers' must be between 1 and 32, not {self.workers}")


@dataclasses.dataclass(frozen=True)
class IngressRequest:
    """What this charm asks of the ingress provider; written to our application databag.

    Attributes:
        model: name of the model this application is deployed in.
        name: name of this application.
        port: port that the ingress should route to.
    """

    model: str
    name: str
    port: int


@dataclasses.dataclass(frozen=True)
class IngressProvided:
    """What the ingress provider answers; read from its application databag.

    Attributes:
        url: the public URL of this application, or ``''`` until the provider sets it.
    """

    url: str = ''


@dataclasses.dataclass(frozen=True)
class PeerAppData:
    """Application data shared between the units through the peer relation.

    Attributes:
        password_secret_id: ID of the Juju secret holding the administrator password, or
            ``''`` until the leader has created it.
    """

    password_secret_id: str = ''


class HttpbinCharm(ops.CharmBase):
    """Run httpbin in the ``httpbin`` container, managed by Pebble."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        # Everything that can change what the workload should look like reconciles it.
        for event in (
            self.on[CONTAINER].pebble_ready,
            self.on.config_changed,
            self.on.leader_elected,
            self.on[PEER_RELATION].relation_changed,
            self.on[INGRESS_RELATION].relation_joined,
            self.on[INGRESS_RELATION].relation_changed,
        ):
            framework.observe(event, self._reconcile)
        framework.observe(self.on[CONTAINER].pebble_check_failed, self._on_check_failed)
        framework.observe(self.on[CONTAINER].pebble_check_recovered, self._on_check_recovered)
        framework.observe(self.on.get_version_action, self._on_get_version_action)
        framework.observe(self.on.collect_unit_status, self._on_collect_unit_status)

    # -- event handlers ----------------------------------------------------------------------

    def _reconcile(self, event: ops.EventBase) -> None:
        """Bring the workload, the password and the ingress request up to date."""
        try:
            config = self.load_config(HttpbinConfig)
        except ValueError as e:
            # Nothing to apply; collect-status reports the problem to the operator.
            logger.warning('Not applying invalid configuration: %s', e)
            return
        self.unit.set_ports(config.port)
        if self.unit.is_leader():
            self._ensure_password()
            self._publish_ingress_request(config)
        container = self.unit.get_container(CONTAINER)
        try:
            password = self._admin_password()
            if password is not None:
                container.push(PASSWORD_FILE, password, make_dirs=True, permissions=0o600)
            container.add_layer(SERVICE, self._pebble_layer(config), combine=True)
            container.replan()
        except ops.pebble.ConnectionError:
            # pebble-ready will come later and reconcile again.
            logger.info('Pebble is not ready yet in the %s container', CONTAINER)
            return
        logger.info('httpbin configured on port %d', config.port)

    def _on_check_failed(self, event: ops.PebbleCheckFailedEvent) -> None:
        """Report a failing health check as soon as Pebble tells us about it."""
        logger.warning('Pebble check %r is failing', event.info.name)
        self.unit.status = self._failing_checks_status([event.info.name])

    def _on_check_recovered(self, event: ops.PebbleCheckRecoveredEvent) -> None:
        """Log the recovery; collect-status clears the status set on failure."""
        logger.info('Pebble check %r has recovered', event.info.name)

    def _on_get_version_action(self, event: ops.ActionEvent) -> None:
        """Run ``gunicorn --version`` in the workload container and return the version."""
        container = self.unit.get_container(CONTAINER)
        if not container.can_connect():
            event.fail(f'the {CONTAINER} container is not ready yet; try again later')
            return
        try:
            process = container.exec(['gunicorn', '--version'], timeout=10)
            stdout, _ = process.wait_output()
        except ops.pebble.ExecError as e:
            event.fail(f'gunicorn --version exited with status {e.exit_code}')
            return
        except ops.pebble.Error as e:
            event.fail(f'cannot run gunicorn in the {CONTAINER} container: {e}')
            return
        version = _parse_gunicorn_version(stdout)
        self.unit.set_workload_version(version)
        event.set_results({'version': version})

    def _on_collect_unit_status(self, event: ops.CollectStatusEvent) -> None:
        """Add a status for every problem; the highest-priority one becomes the unit status."""
        try:
            self.load_config(HttpbinConfig)
        except ValueError as e:
            event.add_status(ops.BlockedStatus(f'invalid config: {e}'))
        container = self.unit.get_container(CONTAINER)
        if not container.can_connect():
            event.add_status(ops.WaitingStatus(f'waiting for Pebble in the {CONTAINER} container'))
        else:
            failing = [
                name
                for name, check in container.get_checks().items()
                if check.status == ops.pebble.CheckStatus.DOWN
            ]
            if failing:
                event.add_status(self._failing_checks_status(failing))
            services = container.get_services(SERVICE)
            if not services or not services[SERVICE].is_running():
                event.add_status(ops.WaitingStatus('waiting for the httpbin service to start'))
        if self._admin_password() is None:
            event.add_status(ops.WaitingStatus('waiting for the leader to create the password'))
        url = self._ingress_url()
        event.add_status(ops.ActiveStatus(f'serving at {url}' if url else ''))

    # -- helpers -----------------------------------------------------------------------------

    def _pebble_layer(self, config: HttpbinConfig) -> ops.pebble.Layer:
        """The Pebble layer that runs httpbin as ``config`` says."""
        command = (
            f'gunicorn --bind 0.0.0.0:{config.port} --workers {config.workers} '
            f'--log-level {config.log_level} httpbin:app'
        )
        layer: ops.pebble.LayerDict = {
            'summary': 'httpbin',
            'description': 'Runs the httpbin web server; built by the httpbin-k8s charm.',
            'services': {
                SERVICE: {
                    'override': 'replace',
                    'summary': 'httpbin web server',
                    'command': command,
                    'startup': 'enabled',
                    'environment': {'HTTPBIN_ADMIN_PASSWORD_FILE': PASSWORD_FILE},
                }
            },
            'checks': {
                'httpbin-ready': {
                    'override': 'replace',
                    'level': 'ready',
                    'period': '10s',
                    'threshold': 3,
                    'http': {'url': f'http://localhost:{config.port}/status/200'},
                }
            },
        }
        return ops.pebble.Layer(layer)

    def _ensure_password(self) -> None:
        """On the leader: create the password secret once and share its ID with the peers."""
        peers = self.model.get_relation(PEER_RELATION)
        if peers is None:
            # Juju creates the peer relation at deploy time; relation-created follows shortly.
            return
        if peers.load(PeerAppData, self.app).password_secret_id:
            return
        secret = self.app.add_secret(
            {'password': secrets.token_urlsafe(24)},
            label=PASSWORD_LABEL,
            description='Administrator password of httpbin',
        )
        assert secret.id is not None  # Juju always returns the ID of a new secret.
        peers.save(PeerAppData(password_secret_id=secret.id), self.app)
        logger.info('Created the administrator password secret')

    def _admin_password(self) -> str | None:
        """The administrator password, or None if the leader hasn't created it yet."""
        peers = self.model.get_relation(PEER_RELATION)
        if peers is None:
            return None
        secret_id = peers.load(PeerAppData, self.app).password_secret_id
        if not secret_id:
            return None
        try:
            secret = self.model.get_secret(id=secret_id)
            return secret.get_content(refresh=True)['password']
        except (ops.SecretNotFoundError, KeyError):
            logger.warning('The administrator password secret is missing or incomplete')
            return None

    def _publish_ingress_request(self, config: HttpbinConfig) -> None:
        """On the leader: tell the ingress provider where to route to."""
        relation = self.model.get_relation(INGRESS_RELATION)
        if relation is None:
            return
        request = IngressRequest(model=self.model.name, name=self.app.name, port=config.port)
        relation.save(request, self.app)

    def _ingress_url(self) -> str:
        """The URL that the ingress provider gave us, or ``''`` if there is none (yet)."""
        relation = self.model.get_relation(INGRESS_RELATION)
        if relation is None or not relation.app:  # no app: the relation is going away
            return ''
        try:
            return relation.load(IngressProvided, relation.app).url
        except ValueError:
            logger.warning('The ingress provider sent invalid data; ignoring it')
            return ''

    @staticmethod
    def _failing_checks_status(names: list[str]) -> ops.StatusBase:
        """The status reported while the named Pebble checks are failing."""
        listed = ', '.join(repr(name) for name in sorted(names))
        return ops.WaitingStatus(f'httpbin is not ready: check {listed} failing')


def _parse_gunicorn_version(output: str) -> str:
    """Extract the version from ``gunicorn --version`` output like ``gunicorn (version 22.0.0)``."""
    match = re.search(r'version\s+([^\s)]+)', output)
    return match.group(1) if match else output.strip()


if __name__ == '__main__':  # pragma: nocover
    ops.main(HttpbinCharm)
