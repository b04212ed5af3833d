"""Sending buffered trace data to the tracing destination over OTLP/HTTP(S).

At the end of a dispatch the hook sends what is buffered, most important and oldest
first, for at most :data:`SEND_DEADLINE` seconds, each request limited to
:data:`REQUEST_TIMEOUT` seconds. What is not sent (no destination yet, the backend is
unreachable, slow or refusing) stays buffered for the next dispatch. An unreachable or
slow backend is normal on a fresh deployment and is not logged above DEBUG.
"""

from __future__ import annotations

import logging
import ssl
import time
import urllib.error
import urllib.request

from ._buffer import Buffer, Destination

__all__ = ['REQUEST_TIMEOUT', 'SEND_DEADLINE', 'send_buffered', 'ssl_context']

logger = logging.getLogger(__name__)

SEND_DEADLINE = 5.0
"""Longest time (seconds) a dispatch spends sending buffered trace data."""

REQUEST_TIMEOUT = 2.0
"""Longest time (seconds) one request (connect, send, answer) may take."""

MAX_CHUNKS_PER_DISPATCH = 20
"""How many buffered chunks one dispatch sends at most (the backlog drains over hooks)."""

_REJECTED_FOR_GOOD = frozenset({400, 413, 415})
"""Answers meaning the receiver will never take this chunk: it is dropped, not retried."""

_contexts: dict[str | None, ssl.SSLContext] = {}


def ssl_context(ca: str | None) -> ssl.SSLContext:
    """The TLS settings for an HTTPS destination verified with ``ca`` (or the system CAs).

    Args:
        ca: PEM certificates to trust, or ``None`` for the system's list.

    Raises:
        ssl.SSLError: if ``ca`` holds no usable certificate.
    """
    context = _contexts.get(ca)
    if context is None:
        context = ssl.create_default_context(cadata=ca) if ca else ssl.create_default_context()
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.set_alpn_protocols(['http/1.1'])
        # Trust an intermediate CA given without its root (the default from Python 3.13).
        context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
        # Self-signed CAs from the certificate operators lack some extensions that strict
        # mode (the default from Python 3.13) insists on.
        context.verify_flags &= ~ssl.VERIFY_X509_STRICT
        _contexts.clear()
        _contexts[ca] = context
    return context


def send_buffered(
    buffer: Buffer,
    *,
    deadline: float = SEND_DEADLINE,
    request_timeout: float = REQUEST_TIMEOUT,
    max_chunks: int = MAX_CHUNKS_PER_DISPATCH,
) -> int:
    """Send buffered chunks to the stored destination until done, failing or out of time.

    Args:
        buffer: the trace buffer.
        deadline: seconds this call may take at most (plus the time to give up a request).
        request_timeout: seconds one request may take at most.
        max_chunks: the most chunks to send in this call.

    Returns:
        how many chunks were delivered (and removed from the buffer).
    """
    destination = buffer.destination()
    if not destination.url:
        return 0
    end = time.monotonic() + deadline
    sent = 0
    while sent < max_chunks:
        remaining = end - time.monotonic()
        if remaining <= 0:
            break
        chunk = buffer.next_chunk()
        if chunk is None:
            break
        outcome = _post(
            destination, chunk.data, chunk.content_type, min(request_timeout, remaining)
        )
        if outcome == 'rejected':
            buffer.remove(chunk.id)
            continue
        if outcome != 'sent':
            break
        buffer.remove(chunk.id)
        sent += 1
    return sent


def _post(destination: Destination, data: bytes, content_type: str, timeout: float) -> str:
    """POST one chunk; returns ``'sent'``, ``'rejected'`` (drop it) or ``'failed'`` (keep)."""
    url = destination.url
    assert url is not None
    try:
        context = ssl_context(destination.ca) if url.startswith('https://') else None
    except ssl.SSLError as exc:
        logger.error('The CA list for the tracing destination %s is unusable: %s', url, exc)
        return 'failed'
    request = urllib.request.Request(
        url, data=data, headers={'Content-Type': content_type}, method='POST'
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            response.read(1024)
    except urllib.error.HTTPError as exc:
        with exc:
            body = exc.read(500)
        if exc.code in _REJECTED_FOR_GOOD:
            logger.error(
                'The tracing destination %s refused %d bytes of trace data for good '
                '(HTTP %d: %r); they are dropped.',
                url,
                len(data),
                exc.code,
                body,
            )
            return 'rejected'
        logger.warning(
            'The tracing destination %s answered HTTP %d (%r); trace data stays buffered.',
            url,
            exc.code,
            body,
        )
        return 'failed'
    except (OSError, ValueError) as exc:
        reason = getattr(exc, 'reason', exc)
        if isinstance(reason, ssl.SSLCertVerificationError):
            logger.warning('The tracing destination %s is not trusted: %s', url, reason)
        else:
            # Refused, unreachable, timed out: common while a deployment settles.
            logger.debug('Could not send trace data to %s: %s', url, exc)
        return 'failed'
    return 'sent'
