"""The :class:`ops_pebble.APIError` the simulated Pebble raises, shaped as Pebble's envelope."""

from __future__ import annotations

from typing import Any

from ops_pebble import APIError

_REASONS = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    504: 'Gateway Timeout',
}


def api_error(code: int, message: str, kind: str | None = None, value: Any = None) -> APIError:
    """Build the :class:`ops_pebble.APIError` Pebble's error envelope would produce."""
    status = _REASONS.get(code, 'Error')
    result: dict[str, Any] = {'message': message}
    if kind:
        result['kind'] = kind
    if value is not None:
        result['value'] = value
    body = {'type': 'error', 'status-code': code, 'status': status, 'result': result}
    return APIError(body, code, status, message)
