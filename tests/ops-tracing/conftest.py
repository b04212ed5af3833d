"""Fixtures for ops-tracing: a certificate authority for TLS, and a traced charm directory."""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ops_core.tracing_hook
import ops_tracing
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.helpers.fakejuju import FakeJuju
from tests.helpers.fakejuju.fixtures import fake_juju  # noqa: F401

HERE = Path(__file__).resolve().parent

# Importing ops_tracing installed its tracer; these tests switch it on and off around each
# test so that the rest of the suite, in the same process, runs untraced.
_TRACER = ops_core.tracing_hook.hook
ops_core.tracing_hook.uninstall()


@pytest.fixture(autouse=True)
def tracing_on() -> Iterator[None]:
    """ops_tracing's tracer is installed for the test (as after ``import ops_tracing``)."""
    assert _TRACER is not None and ops_tracing.Tracing
    ops_core.tracing_hook.install(_TRACER)
    yield
    ops_core.tracing_hook.uninstall()


@dataclass
class Pki:
    """A CA and a server certificate for 127.0.0.1/localhost signed by it (PEM)."""

    ca_pem: str
    server_cert_path: Path
    server_key_path: Path
    other_ca_pem: str

    def server_context(self) -> ssl.SSLContext:
        """TLS settings of a server presenting the certificate."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.server_cert_path, self.server_key_path)
        return context


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _ca(common_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


@pytest.fixture(scope='session')
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A fresh CA, a server certificate it signed, and an unrelated CA."""
    ca_key, ca_cert = _ca('test tracing CA')
    _, other_cert = _ca('some other CA')
    server_key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(_name('localhost'))
        .issuer_name(ca_cert.subject)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName('localhost'), x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    root = tmp_path_factory.mktemp('pki')
    cert_path = root / 'server.pem'
    key_path = root / 'server.key'
    cert_path.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Pki(
        ca_pem=ca_cert.public_bytes(serialization.Encoding.PEM).decode(),
        server_cert_path=cert_path,
        server_key_path=key_path,
        other_ca_pem=other_cert.public_bytes(serialization.Encoding.PEM).decode(),
    )


METADATA = """\
name: traced
requires:
  charm-tracing:
    interface: tracing
    limit: 1
    optional: true
  receive-ca-cert:
    interface: certificate_transfer
    limit: 1
    optional: true
"""

DISPATCH = """\
#!/bin/sh
JUJU_DISPATCH_PATH="${{JUJU_DISPATCH_PATH:-$0}}" PYTHONPATH=lib:venv exec {python} ./src/charm.py
"""


@dataclass
class TracedCharm:
    """A charm directory whose charm uses ``ops.tracing.Tracing``, and its fake Juju."""

    path: Path
    juju: FakeJuju

    def run(
        self, hook: str, *, timeout: float = 60, **env: str
    ) -> subprocess.CompletedProcess[str]:
        """Run ``dispatch`` for ``hook`` (``start``, ``charm-tracing-relation-changed``...)."""
        relation_id = env.pop('relation_id', None)
        full_env = self.juju.hook_env(
            hook, relation_id=int(relation_id) if relation_id is not None else None, **env
        )
        for inherited in ('OPERATOR_DISPATCH', 'JUJU_DEBUG', 'JUJU_DEBUG_AT'):
            full_env.pop(inherited, None)
        return subprocess.run(
            [str(self.path / 'dispatch')],
            cwd=self.path,
            env={**os.environ, **full_env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    @property
    def buffer_path(self) -> Path:
        """The charm's trace buffer file."""
        return self.path / '.tracing-data.db'


@pytest.fixture
def traced_charm(tmp_path: Path) -> TracedCharm:
    """The charm of ``traced_charm_src.py`` installed as Juju installs a charm."""
    root = tmp_path / 'charm'
    (root / 'src').mkdir(parents=True)
    (root / 'metadata.yaml').write_text(METADATA)
    charm_py = root / 'src' / 'charm.py'
    charm_py.write_text((HERE / 'traced_charm_src.py').read_text())
    dispatch = root / 'dispatch'
    dispatch.write_text(DISPATCH.format(python=sys.executable))
    dispatch.chmod(0o755)
    juju = FakeJuju(tmp_path, charm_dir=root, unit='traced/3')
    return TracedCharm(root, juju)
