"""YAML loading and dumping for layers and plans, with libyaml when PyYAML has it.

PyYAML's C-accelerated ``CSafeLoader``/``CSafeDumper`` accept and produce the same YAML as
the pure-Python ``SafeLoader``/``SafeDumper`` for the plain data Pebble uses (mappings,
lists, strings, numbers, booleans), about ten times faster; where PyYAML was built without
libyaml the pure-Python classes are used. ``yaml`` is imported on first use so that
importing ``ops_pebble`` stays cheap.
"""

from __future__ import annotations

from typing import Any

_loader: Any = None
_dumper: Any = None


def _classes() -> tuple[Any, Any]:
    global _loader, _dumper
    if _loader is None:
        import yaml

        _loader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
        _dumper = getattr(yaml, 'CSafeDumper', yaml.SafeDumper)
    return _loader, _dumper


def safe_load(text: str) -> Any:
    """Parse ``text`` as YAML with the safe loader (plain data only).

    Raises:
        yaml.YAMLError: if ``text`` is not valid YAML.
    """
    import yaml

    return yaml.load(text, Loader=_classes()[0])


def safe_dump(data: Any, **kwargs: Any) -> str:
    """Return ``data`` as YAML text with the safe dumper; ``kwargs`` as for ``yaml.dump``."""
    import yaml

    text: str = yaml.dump(data, Dumper=_classes()[1], **kwargs)
    return text
