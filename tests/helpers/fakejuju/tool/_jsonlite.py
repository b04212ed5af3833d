"""A minimal JSON reader/writer over the C accelerator (``json.decoder`` costs ~10 ms)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class _JsonContext:
    """What the C scanner in ``_json`` reads from its context (``json.decoder`` costs ~10 ms)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = float
    memo: dict[str, str] = {}


class json:  # a tiny stand-in for the json module, fast to import
    """Minimal JSON load/dump over the C accelerator, falling back to the real module."""

    _scan: Any = None

    @staticmethod
    def loads(text: str) -> Any:
        try:
            import _json
        except ImportError:
            import json as real

            return real.loads(text)
        if json._scan is None:
            json._scan = _json.make_scanner(_JsonContext())  # type: ignore[arg-type]
        ws = ' \t\n\r'
        start = len(text) - len(text.lstrip(ws))
        try:
            value, end = json._scan(text, start)
        except StopIteration:
            raise ValueError('not JSON') from None
        if text[end:].strip(ws):
            raise ValueError('extra data after JSON value')
        return value

    @staticmethod
    def load(f: Any) -> Any:
        return json.loads(f.read())

    @staticmethod
    def dumps(value: Any, ensure_ascii: bool = False, indent: int | None = None) -> str:
        return ''.join(_dump(value))

    @staticmethod
    def dump(value: Any, f: Any, ensure_ascii: bool = False, indent: int | None = None) -> None:
        f.write(json.dumps(value))


def _quote(text: str) -> str:
    try:
        import _json

        return str(_json.encode_basestring(text))
    except ImportError:
        import json as real

        return real.dumps(text, ensure_ascii=False)


def _dump(value: Any) -> Any:
    if value is None:
        yield 'null'
    elif value is True:
        yield 'true'
    elif value is False:
        yield 'false'
    elif isinstance(value, str):
        yield _quote(value)
    elif isinstance(value, (int, float)):
        yield repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, dict):
        yield '{'
        for i, (k, v) in enumerate(value.items()):
            if i:
                yield ', '
            yield _quote(str(k))
            yield ': '
            yield from _dump(v)
        yield '}'
    elif isinstance(value, (list, tuple)):
        yield '['
        for i, v in enumerate(value):
            if i:
                yield ', '
            yield from _dump(v)
        yield ']'
    else:
        raise TypeError(f'cannot encode {type(value).__name__} as JSON')
