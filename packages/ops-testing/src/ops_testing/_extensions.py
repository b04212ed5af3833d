"""The charmcraft extensions (``extensions: [flask-framework]``) that metadata autoload expands.

Each 12-factor framework extension adds the same relations, a workload container, an OCI
image resource, config options and actions to the charm's ``charmcraft.yaml``.
"""

from __future__ import annotations

import copy
import warnings
from typing import Any

__all__ = ['KNOWN_EXTENSIONS', 'apply_extensions']


def _common_metadata(container: str, resource: str) -> dict[str, Any]:
    return {
        'assumes': ['k8s-api'],
        'containers': {container: {'resource': resource}},
        'peers': {'secret-storage': {'interface': 'secret-storage'}},
        'provides': {
            'grafana-dashboard': {'interface': 'grafana_dashboard'},
            'metrics-endpoint': {'interface': 'prometheus_scrape'},
        },
        'requires': {
            'ingress': {'interface': 'ingress', 'limit': 1},
            'logging': {'interface': 'loki_push_api'},
        },
        'resources': {resource: {'type': 'oci-image', 'description': f'{container} image'}},
    }


def _opt(kind: str, default: Any = None, *, has_default: bool = False) -> dict[str, Any]:
    option: dict[str, Any] = {'type': kind, 'description': ''}
    if has_default:
        option['default'] = default
    return option


def _with_defaults(options: dict[str, tuple[str, Any]]) -> dict[str, Any]:
    """Option specs from ``name: (type, default)`` pairs (a default of ``...`` means none)."""
    return {
        name: _opt(kind, default, has_default=default is not ...)
        for name, (kind, default) in options.items()
    }


_WEBSERVER = {
    'webserver-keepalive': ('int', ...),
    'webserver-threads': ('int', ...),
    'webserver-timeout': ('int', ...),
    'webserver-worker-class': ('string', ...),
    'webserver-workers': ('int', ...),
}

_ROTATE = {'rotate-secret-key': {'description': 'Rotate the secret key.'}}


def _go_like(metrics_path: str) -> dict[str, Any]:
    return _with_defaults(
        {
            'app-port': ('int', 8080),
            'app-secret-key': ('string', ...),
            'app-secret-key-id': ('secret', ...),
            'metrics-path': ('string', metrics_path),
            'metrics-port': ('int', 8080),
        }
    )


def _definitions() -> dict[str, dict[str, Any]]:
    return {
        'django-framework': {
            'metadata': _common_metadata('django-app', 'django-app-image'),
            'options': _with_defaults(
                {
                    'django-allowed-hosts': ('string', ...),
                    'django-debug': ('boolean', False),
                    'django-secret-key': ('string', ...),
                    'django-secret-key-id': ('secret', ...),
                    **_WEBSERVER,
                }
            ),
            'actions': {
                **_ROTATE,
                'create-superuser': {
                    'description': 'Create a new Django superuser account.',
                    'params': {'email': {'type': 'string'}, 'username': {'type': 'string'}},
                    'required': ['email', 'username'],
                },
            },
        },
        'expressjs-framework': {
            'metadata': _common_metadata('app', 'app-image'),
            'options': _go_like('/metrics'),
            'actions': dict(_ROTATE),
        },
        'fastapi-framework': {
            'metadata': _common_metadata('app', 'app-image'),
            'options': _with_defaults(
                {
                    'app-secret-key': ('string', ...),
                    'app-secret-key-id': ('secret', ...),
                    'metrics-path': ('string', '/metrics'),
                    'metrics-port': ('int', 8080),
                    'webserver-log-level': ('string', 'info'),
                    'webserver-port': ('int', 8080),
                    'webserver-workers': ('int', 1),
                }
            ),
            'actions': dict(_ROTATE),
        },
        'flask-framework': {
            'metadata': _common_metadata('flask-app', 'flask-app-image'),
            'options': _with_defaults(
                {
                    'flask-application-root': ('string', ...),
                    'flask-debug': ('boolean', ...),
                    'flask-env': ('string', ...),
                    'flask-permanent-session-lifetime': ('int', ...),
                    'flask-preferred-url-scheme': ('string', 'HTTPS'),
                    'flask-secret-key': ('string', ...),
                    'flask-secret-key-id': ('secret', ...),
                    'flask-session-cookie-secure': ('boolean', ...),
                    **_WEBSERVER,
                }
            ),
            'actions': dict(_ROTATE),
        },
        'go-framework': {
            'metadata': _common_metadata('app', 'app-image'),
            'options': _go_like('/metrics'),
            'actions': dict(_ROTATE),
        },
        'spring-boot-framework': {
            'metadata': _common_metadata('app', 'app-image'),
            'options': _go_like('/actuator/prometheus'),
            'actions': dict(_ROTATE),
        },
    }


KNOWN_EXTENSIONS = frozenset(_definitions())


def _merge_metadata(meta: dict[str, Any], ext_meta: dict[str, Any], ext: str) -> None:
    for key, ext_value in ext_meta.items():
        if key not in meta:
            meta[key] = copy.deepcopy(ext_value)
            continue
        local = meta[key]
        if isinstance(local, dict) and isinstance(ext_value, dict):
            overlap = set(local) & set(ext_value)
            if overlap:
                raise ValueError(
                    f'overlapping keys {overlap} in {key} of charmcraft.yaml which conflict '
                    f'with the {ext} extension, please rename or remove them'
                )
            meta[key] = {**copy.deepcopy(ext_value), **local}
        elif isinstance(local, list) and isinstance(ext_value, list):
            meta[key] = list(ext_value) + [item for item in local if item not in ext_value]
        else:
            raise ValueError(
                f'Conflict between local and extension metadata. The {key!r} key of '
                f'charmcraft.yaml is a {type(local).__name__} but the {ext} extension has a '
                f'{type(ext_value).__name__}; make them agree or remove the local key.'
            )


def apply_extensions(meta: dict[str, Any], extensions: list[str]) -> None:
    """Expand the named charmcraft extensions into the charmcraft.yaml dict ``meta`` in place.

    Raises:
        ValueError: local metadata, config options or actions overlap with an extension's.
    """
    definitions = _definitions()
    for ext in extensions:
        definition = definitions.get(ext)
        if definition is None:
            warnings.warn(
                f'Unknown charmcraft extension {ext!r}; ignoring. Known extensions: '
                f'{", ".join(sorted(definitions))}.',
                UserWarning,
                stacklevel=3,
            )
            continue
        _merge_metadata(meta, definition['metadata'], ext)
        config = meta.get('config') or {}
        options = config.get('options') or {}
        overlap = set(options) & set(definition['options'])
        if overlap:
            raise ValueError(
                f'overlapping keys {overlap} in config.options of charmcraft.yaml which conflict '
                f'with the {ext} extension, please rename or remove them'
            )
        meta['config'] = {**config, 'options': {**definition['options'], **options}}
        actions = meta.get('actions') or {}
        overlap = set(actions) & set(definition['actions'])
        if overlap:
            raise ValueError(
                f'overlapping keys {overlap} in actions of charmcraft.yaml which conflict '
                f'with the {ext} extension, please rename or remove them'
            )
        meta['actions'] = {**definition['actions'], **actions}
